// The address guard: without --allow-private, private targets are refused on the resolved
// address (IP literal, a name resolving to loopback, and a redirect hop).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, startCinder } from './lib.mjs';

let site, cinder;

before(async () => {
  site = await startSite();
  cinder = await startCinder(['--resolve', `public-looking.example.com:${site.port}:127.0.0.1`]);
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

test('loopback and private targets are refused with a clear 403', async () => {
  await site.reset();
  for (const url of [site.url('/pages/index.html'), 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:9/']) {
    const r = await cinder.post('/v1/scrape', { url, timeout: 5000 });
    assert.equal(r.status, 403, `${url}: ${r.text}`);
    assert.equal(r.json.code, 'SCRAPE_BLOCKED_ADDRESS');
    assert.match(r.json.error, /--allow-private/);
  }
  const stats = await site.stats();
  assert.equal(stats.total, 0, 'nothing reached the target');
});

test('a single-label host is a 400 in guarded mode', async () => {
  const lh = await cinder.post('/v1/scrape', { url: `http://localhost:${site.port}/` });
  assert.equal(lh.status, 400);
  assert.match(lh.json.details[0].message, /top-level domain/);
});

test('a public-looking name that resolves to loopback is refused on its resolved address', async () => {
  await site.reset();
  const url = `http://public-looking.example.com:${site.port}/pages/index.html`;
  const r = await cinder.post('/v1/scrape', { url });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.code, 'SCRAPE_BLOCKED_ADDRESS');
  assert.match(r.json.error, /127\.0\.0\.1/);
  assert.equal((await site.stats()).total, 0);
});
