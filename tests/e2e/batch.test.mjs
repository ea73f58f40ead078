// Firecrawl batch scrape (v1, v2) on the crawl engine: raw HTTP, the official SDK, append, cancel
// measured at the target, and a kill -9 in the middle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Firecrawl, { FirecrawlAppV1 } from '@mendable/firecrawl-js';
import { startSite, startCinder, request } from './lib.mjs';

let site, cinder;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  site = await startSite();
  cinder = await startCinder(['--allow-private']);
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

const pages = (name, from, n) => Array.from({ length: n }, (_, i) => site.url(`/crawl/${name}/p/${from + i}`));

async function waitDone(path, server = cinder, waitMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const s = await server.get(path);
    assert.equal(s.status, 200, s.text);
    if (s.json.status !== 'scraping') return s.json;
    assert.ok(Date.now() - t0 < waitMs, `${path} still running after ${waitMs} ms`);
    await sleep(100);
  }
}

test('v1 batch: documents for each distinct URL, status on both paths, next on the batch path', async () => {
  const urls = [...pages('quietbatch20', 0, 4), site.url('/crawl/quietbatch20/p/1')];
  const c = await cinder.post('/v1/batch/scrape', { urls, formats: ['markdown', 'links'], onlyMainContent: false });
  assert.equal(c.status, 200, c.text);
  assert.match(c.json.id, /^[0-9a-f-]{36}$/);
  assert.equal(c.json.url, `http://127.0.0.1:${cinder.port}/v1/batch/scrape/${c.json.id}`);
  assert.equal('invalidURLs' in c.json, false, 'v1 echoes invalidURLs only when ignoring them');
  const s = await waitDone(`/v1/batch/scrape/${c.json.id}`);
  assert.equal(s.status, 'completed');
  assert.equal(s.completed, 4);
  assert.equal(s.total, 4);
  assert.deepEqual(s.data.map((d) => d.metadata.sourceURL).sort(), urls.slice(0, 4).sort());
  assert.ok(s.data.every((d) => d.markdown && Array.isArray(d.links)));
  assert.equal('next' in s, false);
  const paged = await cinder.get(`/v1/batch/scrape/${c.json.id}?limit=2`);
  assert.equal(paged.json.next, `http://127.0.0.1:${cinder.port}/v1/batch/scrape/${c.json.id}?skip=2&limit=2`);
  const viaCrawl = await cinder.get(`/v1/crawl/${c.json.id}`);
  assert.equal(viaCrawl.json.completed, 4, 'the v1 SDK polls batches on /v1/crawl/:id');
  const errs = await cinder.get(`/v1/batch/scrape/${c.json.id}/errors`);
  assert.deepEqual(errs.json, { errors: [], robotsBlocked: [] });
  const ongoing = await cinder.get('/v1/crawl/ongoing');
  assert.ok(!ongoing.json.crawls.some((x) => x.id === c.json.id), 'batches are not listed as crawls');
});

test('invalid URLs: 400 naming the entry, or dropped and echoed with ignoreInvalidURLs', async () => {
  const bad = await cinder.post('/v1/batch/scrape', { urls: [site.url('/crawl/quietbad/p/1'), 'ftp://example.com/x'] });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json.details[0].path, ['urls[1]']);
  const empty = await cinder.post('/v2/batch/scrape', { urls: [] });
  assert.equal(empty.status, 400);
  const lenient = await cinder.post('/v1/batch/scrape', { urls: [site.url('/crawl/quietbad/p/1'), 'ftp://example.com/x', 42], ignoreInvalidURLs: true });
  assert.equal(lenient.status, 200, lenient.text);
  assert.deepEqual(lenient.json.invalidURLs, ['ftp://example.com/x', 42]);
  const v2 = await cinder.post('/v2/batch/scrape', { urls: [site.url('/crawl/quietbad/p/2')] });
  assert.deepEqual(v2.json.invalidURLs, [], 'v2 always echoes invalidURLs');
  assert.equal(v2.json.url, `http://127.0.0.1:${cinder.port}/v2/batch/scrape/${v2.json.id}`);
  const hook = await cinder.post('/v2/batch/scrape', { urls: [site.url('/crawl/quietbad/p/3')], webhook: 'ftp://127.0.0.1:1/hook' });
  assert.equal(hook.status, 400);
  await waitDone(`/v1/batch/scrape/${lenient.json.id}`);
  await waitDone(`/v2/batch/scrape/${v2.json.id}`);
});

test('appendToId adds URLs to a running batch; ended batches and crawls refuse', async () => {
  const first = await cinder.post('/v1/batch/scrape', { urls: pages('slowappend', 0, 6), maxConcurrency: 1 });
  assert.equal(first.status, 200, first.text);
  const more = await cinder.post('/v1/batch/scrape', { urls: pages('slowappend', 6, 3), appendToId: first.json.id });
  assert.equal(more.status, 200, more.text);
  assert.equal(more.json.id, first.json.id);
  const s = await waitDone(`/v1/batch/scrape/${first.json.id}`);
  assert.equal(s.completed, 9);
  const late = await cinder.post('/v1/batch/scrape', { urls: pages('slowappend', 20, 1), appendToId: first.json.id });
  assert.equal(late.status, 409);
  assert.equal(late.json.code, 'ALREADY_TERMINAL');
  const crawl = await cinder.post('/v1/crawl', { url: site.url('/crawl/quietappend/'), limit: 1 });
  const notBatch = await cinder.post('/v1/batch/scrape', { urls: pages('quietappend', 0, 1), appendToId: crawl.json.id });
  assert.equal(notBatch.status, 404);
});

test('cancel a 500-URL batch at concurrency 4: nothing new reaches the site after 1 s', async () => {
  await site.reset();
  const urls = pages('slowcancel500', 0, 500);
  const c = await cinder.post('/v2/batch/scrape', { urls, maxConcurrency: 4 });
  assert.equal(c.status, 200, c.text);
  await sleep(700);
  const del = await request(`${cinder.base}/v2/batch/scrape/${c.json.id}`, 'DELETE');
  assert.equal(del.status, 200, del.text);
  assert.equal(del.json.status, 'cancelled');
  const tCancel = Date.now();
  await sleep(1500);
  const log = (await request(site.url('/_log?prefix=/crawl/slowcancel500/'), 'GET')).json;
  const s = await cinder.get(`/v2/batch/scrape/${c.json.id}`);
  assert.equal(s.json.status, 'cancelled');
  const reached = log.length;
  await sleep(1000);
  const after = (await request(site.url('/_log?prefix=/crawl/slowcancel500/'), 'GET')).json;
  assert.equal(after.length, reached, 'no new request after the cancel settled');
  assert.ok(reached <= s.json.completed + 4, `${reached} requests for ${s.json.completed} documents`);
  assert.equal(del.json.cancelledItems + s.json.completed, 500, JSON.stringify({ del: del.json, completed: s.json.completed }));
  assert.ok(Date.now() - tCancel >= 2500);
  const again = await request(`${cinder.base}/v2/batch/scrape/${c.json.id}`, 'DELETE');
  assert.equal(again.status, 409);
});

test('cancel takes claimed pages still waiting for a host slot: refunded, never fetched', async () => {
  const server = await startCinder(['--allow-private', '--host-connections', '1']);
  try {
    const urls = Array.from({ length: 10 }, (_, i) => site.url(`/crawl/heldcancel/p/${i}?delay=1500`));
    const c = await server.post('/v1/batch/scrape', { urls, maxConcurrency: 5 });
    assert.equal(c.status, 200, c.text);
    const log = async () => (await request(site.url('/_log?prefix=/crawl/heldcancel/'), 'GET')).json;
    const t0 = Date.now();
    while ((await log()).length < 1) {
      assert.ok(Date.now() - t0 < 10000, 'the first page was never requested');
      await sleep(20);
    }
    const del = await server.delete(`/v1/batch/scrape/${c.json.id}`);
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json.cancelledItems, 9, 'one page in flight (one connection per host), the rest cancelled');
    assert.equal(del.json.creditsRefunded, 9);
    let s;
    for (const t1 = Date.now(); ; await sleep(50)) { // the page in flight settles after the cancel
      s = (await server.get(`/v1/batch/scrape/${c.json.id}`)).json;
      if (s.completed === 1) break;
      assert.ok(Date.now() - t1 < 10000, JSON.stringify(s));
    }
    assert.equal(s.status, 'cancelled');
    await sleep(500);
    assert.equal((await log()).length, 1, 'no held page was fetched after the cancel');
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('SDK v1: batchScrapeUrls (polls /v1/crawl/:id), asyncBatchScrapeUrls, checkBatchScrapeStatus/Errors', async () => {
  const app = new FirecrawlAppV1({ apiUrl: cinder.base, apiKey: 'fc-x' });
  const done = await app.batchScrapeUrls(pages('quietsdk1', 0, 3), { formats: ['markdown'] }, 1);
  assert.equal(done.success, true);
  assert.equal(done.status, 'completed');
  assert.equal(done.data.length, 3);
  const started = await app.asyncBatchScrapeUrls(pages('quietsdk1', 3, 2), { formats: ['markdown'] });
  assert.equal(started.success, true);
  await waitDone(`/v1/batch/scrape/${started.id}`);
  const st = await app.checkBatchScrapeStatus(started.id, true);
  assert.equal(st.status, 'completed');
  assert.equal(st.data.length, 2);
  const errs = await app.checkBatchScrapeErrors(started.id);
  assert.deepEqual(errs.errors, []);
});

test('SDK v2: batchScrape, startBatchScrape, getBatchScrapeStatus, getBatchScrapeErrors, cancelBatchScrape', async () => {
  const fc = new Firecrawl({ apiUrl: cinder.base, apiKey: 'fc-x' });
  const job = await fc.batchScrape(pages('quietsdk2', 0, 3), { options: { formats: ['markdown'] }, pollInterval: 1 });
  assert.equal(job.status, 'completed');
  assert.equal(job.data.length, 3);
  const started = await fc.startBatchScrape(pages('slowsdk2', 0, 40), { maxConcurrency: 1 });
  assert.ok(started.id);
  assert.equal(await fc.cancelBatchScrape(started.id), true);
  const st = await fc.getBatchScrapeStatus(started.id);
  assert.equal(st.status, 'cancelled');
  const errs = await fc.getBatchScrapeErrors(started.id);
  assert.ok(Array.isArray(errs.errors));
});

test('kill -9 in the middle of a batch: the same id completes after a restart, each URL once', async () => {
  let server = await startCinder(['--allow-private']);
  const data = server.data;
  const urls = pages('slowkill', 0, 120);
  const c = await server.post('/v1/batch/scrape', { urls, maxConcurrency: 8 });
  for (;;) {
    const s = await server.get(`/v1/batch/scrape/${c.json.id}?limit=1`);
    if (s.json.completed >= 30) break;
    await sleep(100);
  }
  await server.kill9();
  server = await startCinder(['--allow-private'], {}, data);
  assert.match(server.log(), /1 batch scrape/);
  const s = await waitDone(`/v1/batch/scrape/${c.json.id}?limit=1000`, server, 60000);
  assert.equal(s.status, 'completed');
  assert.equal(s.completed, 120);
  assert.equal(new Set(s.data.map((d) => d.metadata.sourceURL)).size, 120);
  assert.equal(await server.stop(), 0);
});
