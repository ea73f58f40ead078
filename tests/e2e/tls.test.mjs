// TLS: a self-signed certificate fails with SCRAPE_SSL_ERROR unless skipTlsVerification
// (v1 default false; v2 default true, as Firecrawl).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCinder, stopChild } from './lib.mjs';

let cinder, server, dir, port;

async function startTlsServer() {
  dir = mkdtempSync(path.join(tmpdir(), 'cinder-tls-'));
  const key = path.join(dir, 'k.pem'), cert = path.join(dir, 'c.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key,
    '-out', cert, '-days', '1', '-subj', '/CN=cinder-test.invalid'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 10; attempt++) {
    port = 20000 + Math.floor(Math.random() * 20000);
    server = spawn('openssl', ['s_server', '-quiet', '-accept', String(port), '-cert', cert, '-key', key, '-www'],
      { stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((r) => setTimeout(r, 400));
    if (server.exitCode === null) return;
  }
  throw new Error('could not start openssl s_server');
}

before(async () => {
  await startTlsServer();
  cinder = await startCinder(['--allow-private']);
});

after(async () => {
  assert.equal(await cinder.stop(), 0);
  await stopChild(server);
  rmSync(dir, { recursive: true, force: true });
});

test('self-signed certificate: SCRAPE_SSL_ERROR, or success with skipTlsVerification', async () => {
  const url = `https://127.0.0.1:${port}/`;
  const bad = await cinder.post('/v1/scrape', { url, timeout: 10000 });
  assert.equal(bad.json.code, 'SCRAPE_SSL_ERROR', bad.text);
  assert.match(bad.json.error, /skipTlsVerification/);
  const ok = await cinder.post('/v1/scrape', { url, skipTlsVerification: true, timeout: 10000, onlyMainContent: false });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.data.metadata.statusCode, 200);
  const v2 = await cinder.post('/v2/scrape', { url, timeout: 10000 });
  assert.equal(v2.status, 200, `v2 skips verification by default: ${v2.text}`);
});
