// Crawl jobs through raw HTTP and the official SDK (v1 and v2 clients), on the fixture pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Firecrawl, { FirecrawlAppV1 } from '@mendable/firecrawl-js';
import { startSite, startCinder, request } from './lib.mjs';

let site, cinder;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  site = await startSite();
  cinder = await startCinder(['--allow-private']);
  // these tests are about link discovery: a robots.txt that lists no sitemap
  await request(site.url('/_robots'), 'POST', 'User-agent: *\nDisallow:\n');
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

async function waitDone(id, version = 'v1', ms = 20000) {
  const t0 = Date.now();
  for (;;) {
    const r = await cinder.get(`/${version}/crawl/${id}`);
    if (r.json.status !== 'scraping' || Date.now() - t0 > ms) return r;
    await sleep(100);
  }
}

async function pageFetches() {
  const s = await site.stats();
  return Object.entries(s.paths).filter(([p]) => p.startsWith('/pages/') && p.endsWith('.html'))
    .reduce((n, [, c]) => n + c, 0);
}

test('limit is exact: 3 documents and 3 page fetches at the target', async () => {
  await site.reset();
  const c = await cinder.post('/v1/crawl', { url: site.url('/pages/index.html'), limit: 3, crawlEntireDomain: true, maxConcurrency: 8 });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.success, true);
  assert.match(c.json.url, new RegExp(`/v1/crawl/${c.json.id}$`));
  const s = await waitDone(c.json.id);
  assert.equal(s.json.status, 'completed');
  assert.equal(s.json.completed, 3);
  assert.equal(s.json.total, 3);
  assert.equal(s.json.creditsUsed, 3);
  assert.equal(s.json.data.length, 3);
  assert.ok(!('next' in s.json), 'no next when everything is returned');
  assert.match(s.json.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  const urls = s.json.data.map((d) => d.metadata.sourceURL);
  assert.equal(new Set(urls).size, 3, 'no duplicates');
  assert.equal(await pageFetches(), 3);
});

test('paging with skip/limit and an absolute next: every document exactly once', async () => {
  const c = await cinder.post('/v1/crawl', { url: site.url('/pages/index.html'), limit: 7, crawlEntireDomain: true });
  await waitDone(c.json.id);
  const seen = [];
  let url = `${cinder.base}/v1/crawl/${c.json.id}?limit=2`;
  let pages = 0;
  while (url) {
    const r = await request(url, 'GET');
    assert.equal(r.status, 200);
    assert.ok(r.json.data.length <= 2);
    seen.push(...r.json.data.map((d) => d.metadata.sourceURL));
    url = r.json.next;
    if (url) assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/crawl\/.+\?skip=\d+&limit=2$/);
    assert.ok(++pages < 10);
  }
  assert.equal(seen.length, 7);
  assert.equal(new Set(seen).size, 7);
  const bad = await cinder.get(`/v1/crawl/${c.json.id}?skip=-1`);
  assert.equal(bad.status, 400);
});

test('scope: includePaths, excludePaths, path prefix, maxDepth, invalid regex', async () => {
  const inc = await cinder.post('/v1/crawl', { url: site.url('/pages/index.html'), crawlEntireDomain: true, includePaths: ['^/pages/(article|meta)'], limit: 20 });
  const s = await waitDone(inc.json.id);
  const paths = s.json.data.map((d) => new URL(d.metadata.sourceURL).pathname).sort();
  assert.ok(paths.includes('/pages/index.html'), 'the start page is always fetched');
  for (const p of paths.filter((x) => x !== '/pages/index.html')) assert.match(p, /^\/pages\/(article|meta)/);
  const exc = await cinder.post('/v2/crawl', { url: site.url('/pages/index.html'), crawlEntireDomain: true, excludePaths: ['article'], limit: 20 });
  const e = await waitDone(exc.json.id, 'v2');
  assert.ok(e.json.data.every((d) => !d.metadata.sourceURL.includes('article')));
  const prefix = await cinder.post('/v1/crawl', { url: site.url('/pages/docs/intro.html'), limit: 20 });
  const p = await waitDone(prefix.json.id);
  assert.ok(p.json.data.every((d) => new URL(d.metadata.sourceURL).pathname.startsWith('/pages/docs')));
  const bad = await cinder.post('/v1/crawl', { url: site.url('/'), includePaths: ['(unclosed'] });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /\(unclosed/);
  const deep = await cinder.post('/v1/crawl', { url: site.url('/a/b/c/d'), maxDepth: 2 });
  assert.equal(deep.status, 400);
  assert.match(JSON.stringify(deep.json.details), /maxDepth/);
  const hook = await cinder.post('/v1/crawl', { url: site.url('/'), webhook: { url: 'http://x.example/', events: ['nope'] } });
  assert.equal(hook.status, 400);
  assert.deepEqual(hook.json.details[0].path, ['webhook', 'events']);
});

test('cancel stops fetching at once; documents before the cancel stay readable', async () => {
  await site.reset();
  const c = await cinder.post('/v1/crawl', { url: site.url('/pages/index.html'), crawlEntireDomain: true, delay: 1, limit: 50 });
  let s;
  for (let i = 0; i < 50; i++) {
    s = await cinder.get(`/v1/crawl/${c.json.id}`);
    if (s.json.completed >= 1) break;
    await sleep(100);
  }
  const active = await cinder.get('/v1/crawl/active');
  assert.ok(active.json.crawls.some((x) => x.id === c.json.id));
  assert.match(active.json.crawls[0].created_at, /\.\d{3}Z$/);
  const del = await request(`${cinder.base}/v1/crawl/${c.json.id}`, 'DELETE');
  assert.equal(del.status, 200, del.text);
  assert.equal(del.json.status, 'cancelled');
  assert.ok(del.json.cancelledItems >= 1, del.text);
  const atCancel = await pageFetches();
  const now = await cinder.get(`/v1/crawl/${c.json.id}`);
  assert.equal(now.json.status, 'cancelled');
  await sleep(1500);
  assert.equal(await pageFetches(), atCancel, 'no new fetch after the cancel');
  const later = await cinder.get(`/v1/crawl/${c.json.id}`);
  assert.ok(later.json.data.length >= 1);
  assert.ok(!(await cinder.get('/v1/crawl/ongoing')).json.crawls.some((x) => x.id === c.json.id));
  const again = await request(`${cinder.base}/v1/crawl/${c.json.id}`, 'DELETE');
  assert.equal(again.status, 409);
  assert.equal(again.json.code, 'ALREADY_TERMINAL');
  assert.match(again.json.error, /cancelled/);
});

test('delay is seconds, capped: 1000 (milliseconds sent by mistake) is a 400 naming the field', async () => {
  const big = await cinder.post('/v1/crawl', { url: site.url('/pages/index.html'), delay: 1000 });
  assert.equal(big.status, 400, big.text);
  assert.deepEqual(big.json.details[0].path, ['delay']);
  assert.match(big.json.error, /delay is in seconds.*must not exceed 60/);
  const str = await cinder.post('/v2/crawl', { url: site.url('/pages/index.html'), delay: 'soon' });
  assert.equal(str.status, 400, str.text);
  assert.match(str.json.error, /delay must be a number/);
});

test('ids: malformed 400, unknown 404, on status, cancel and errors', async () => {
  for (const [m, p] of [['GET', '/v1/crawl/nope'], ['DELETE', '/v2/crawl/nope'], ['GET', '/v1/crawl/nope/errors']]) {
    const r = await request(cinder.base + p, m);
    assert.equal(r.status, 400, p);
  }
  const u = '123e4567-e89b-42d3-a456-426614174000';
  assert.equal((await cinder.get(`/v1/crawl/${u}`)).status, 404);
  assert.equal((await request(`${cinder.base}/v1/crawl/${u}`, 'DELETE')).json.error, 'Job not found');
});

test('SDK v1: crawlUrl, asyncCrawlUrl + checkCrawlStatus + checkCrawlErrors + cancelCrawl', async () => {
  const app = new FirecrawlAppV1({ apiUrl: cinder.base, apiKey: 'fc-x' });
  const done = await app.crawlUrl(site.url('/pages/index.html'), { limit: 4, crawlEntireDomain: true, scrapeOptions: { formats: ['markdown'] } }, 1);
  assert.equal(done.success, true);
  assert.equal(done.status, 'completed');
  assert.equal(done.data.length, 4);
  const started = await app.asyncCrawlUrl(site.url('/pages/index.html'), { limit: 2, crawlEntireDomain: true });
  assert.equal(started.success, true);
  await waitDone(started.id);
  const st = await app.checkCrawlStatus(started.id, true);
  assert.equal(st.status, 'completed');
  assert.equal(st.data.length, 2);
  const errs = await app.checkCrawlErrors(started.id);
  assert.deepEqual(errs.robotsBlocked, []);
  const slow = await app.asyncCrawlUrl(site.url('/pages/index.html'), { limit: 20, crawlEntireDomain: true, delay: 1 });
  const cancelled = await app.cancelCrawl(slow.id);
  assert.equal(cancelled.status, 'cancelled');
});

test('SDK v2: crawl, startCrawl, getCrawlStatus, getActiveCrawls, cancelCrawl, getCrawlErrors', async () => {
  const fc = new Firecrawl({ apiUrl: cinder.base, apiKey: 'fc-x' });
  const job = await fc.crawl(site.url('/pages/index.html'), { limit: 3, crawlEntireDomain: true, pollInterval: 1 });
  assert.equal(job.status, 'completed');
  assert.equal(job.data.length, 3);
  assert.ok(job.data[0].markdown.length > 0);
  const started = await fc.startCrawl(site.url('/pages/index.html'), { limit: 20, crawlEntireDomain: true, delay: 1 });
  assert.ok(started.id);
  const running = await cinder.get(`/v2/crawl/${started.id}`);
  assert.equal(running.json.status, 'scraping');
  assert.equal(running.json.data.length, running.json.completed); /* everything stored is in this page */
  assert.equal(running.json.next, undefined, 'no next while nothing stored is left unread');
  const active = await fc.getActiveCrawls();
  assert.ok(active.crawls.some((c) => c.id === started.id));
  assert.equal(await fc.cancelCrawl(started.id), true);
  const st = await fc.getCrawlStatus(started.id);
  assert.equal(st.status, 'cancelled');
  const errs = await fc.getCrawlErrors(started.id);
  assert.ok(Array.isArray(errs.errors));
  const v2 = await cinder.get(`/v2/crawl/${started.id}`);
  assert.match(v2.json.createdAt, /Z$/);
  assert.match(v2.json.completedAt, /Z$/);
  assert.equal(typeof v2.json.duration, 'number');
  assert.match(v2.text, /"duration":\d+(\.\d{1,3})?[,}]/); /* seconds to the ms, no 0.0990000000005 */
});

test('v0 crawl: jobId, status active/completed with current/total/data, cancel', async () => {
  const c = await cinder.post('/v0/crawl', { url: site.url('/pages/index.html'), crawlerOptions: { limit: 3, allowBackwardCrawling: true }, pageOptions: { onlyMainContent: true } });
  assert.equal(c.status, 200, c.text);
  assert.match(c.json.jobId, /^[0-9a-f-]{36}$/);
  let s;
  for (let i = 0; i < 100; i++) {
    s = await cinder.get(`/v0/crawl/status/${c.json.jobId}`);
    if (s.json.status !== 'active') break;
    assert.ok(Array.isArray(s.json.partial_data));
    await sleep(100);
  }
  assert.equal(s.json.status, 'completed');
  assert.equal(s.json.current, 3);
  assert.equal(s.json.total, 3);
  assert.equal(s.json.data.length, 3);
  assert.equal(s.json.data[0].content, s.json.data[0].markdown);
  assert.equal(s.json.data[0].metadata.pageStatusCode, 200);
  const slow = await cinder.post('/v0/crawl', { url: site.url('/pages/index.html'), crawlerOptions: { limit: 20, allowBackwardCrawling: true } });
  const del = await request(`${cinder.base}/v0/crawl/cancel/${slow.json.jobId}`, 'DELETE');
  assert.ok(del.status === 200 || del.status === 409, del.text);
  const gone = await cinder.get('/v0/crawl/status/123e4567-e89b-42d3-a456-426614174000');
  assert.equal(gone.status, 404);
  assert.deepEqual(gone.json, { error: 'Job not found' });
});
