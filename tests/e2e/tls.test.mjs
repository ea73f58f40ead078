// TLS: a self-signed certificate fails with SCRAPE_SSL_ERROR unless skipTlsVerification
// (v1 default false; v2 default true, as Firecrawl).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCinder, stopChild, track } from './lib.mjs';

let cinder, server, h2, dir, port, h2port;

async function startTlsServer() {
  dir = mkdtempSync(path.join(tmpdir(), 'cinder-tls-'));
  const key = path.join(dir, 'k.pem'), cert = path.join(dir, 'c.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key,
    '-out', cert, '-days', '1', '-subj', '/CN=cinder-test.invalid'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 10; attempt++) {
    port = 20000 + Math.floor(Math.random() * 20000);
    server = track(spawn('openssl', ['s_server', '-quiet', '-accept', String(port), '-cert', cert, '-key', key, '-www'],
      { stdio: ['pipe', 'ignore', 'ignore'] }));
    await new Promise((r) => setTimeout(r, 400));
    if (server.exitCode === null) return;
  }
  throw new Error('could not start openssl s_server');
}

async function startH2Server() {
  const key = path.join(dir, 'k.pem'), cert = path.join(dir, 'c.pem');
  writeFileSync(path.join(dir, 'index.html'), '<html><body><h1>Over HTTP/2</h1><p>served by nghttpd</p></body></html>');
  for (let attempt = 0; attempt < 10; attempt++) {
    h2port = 20000 + Math.floor(Math.random() * 20000);
    h2 = track(spawn('nghttpd', ['-d', dir, String(h2port), key, cert], { stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, 400));
    if (h2.exitCode === null) return;
  }
  throw new Error('could not start nghttpd');
}

before(async () => {
  await startTlsServer();
  await startH2Server();
  cinder = await startCinder(['--allow-private', '--log-level', 'debug']);
});

after(async () => {
  const code = await cinder.stop();
  await stopChild(server);
  await stopChild(h2);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, cinder.log().slice(-6000));
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

test('HTTP/2 is used when the server offers it (ALPN)', async () => {
  const r = await cinder.post('/v1/scrape', { url: `https://127.0.0.1:${h2port}/index.html`, skipTlsVerification: true });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.data.markdown, /# Over HTTP\/2/);
  const id = r.json.data.metadata.scrapeId;
  assert.match(cinder.log(), new RegExp(`scrape ${id}: \\S+ -> 200 HTTP/2 ok`));
});
