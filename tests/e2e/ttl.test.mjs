// Result TTL: a scrape result is readable until --result-ttl, then answers 404 "Job expired".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, startCinder } from './lib.mjs';

let site, cinder;

before(async () => {
  site = await startSite();
  cinder = await startCinder(['--allow-private', '--result-ttl', '1500ms']);
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

test('results expire after --result-ttl with a distinct error', async () => {
  const r = await cinder.post('/v1/scrape', { url: site.url('/pages/index.html') });
  const id = r.json.data.metadata.scrapeId;
  const fresh = await cinder.get(`/v1/scrape/${id}`);
  assert.equal(fresh.status, 200);
  await new Promise((res) => setTimeout(res, 1800));
  const old = await cinder.get(`/v2/scrape/${id}`);
  assert.equal(old.status, 404);
  assert.deepEqual(old.json, { success: false, code: 'JOB_EXPIRED', error: 'Job expired' });
  const never = await cinder.get('/v1/scrape/123e4567-e89b-42d3-a456-426614174000');
  assert.equal(never.json.error, 'Job not found.');
});
