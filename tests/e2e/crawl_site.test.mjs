// Crawl semantics measured at the generated fixture site: what the target saw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

async function crawl(body, version = 'v1', waitMs = 30000) {
  const c = await cinder.post(`/${version}/crawl`, body);
  assert.equal(c.status, 200, c.text);
  const t0 = Date.now();
  for (;;) {
    const s = await cinder.get(`/${version}/crawl/${c.json.id}?limit=1000`);
    if (s.json.status !== 'scraping') return { id: c.json.id, status: s.json };
    assert.ok(Date.now() - t0 < waitMs, `crawl still running after ${waitMs} ms`);
    await sleep(150);
  }
}

const stats = async (prefix) => (await request(site.url(`/_stats?prefix=${encodeURIComponent(prefix)}`), 'GET')).json;
const fetchedPaths = (s) => Object.keys(s.paths);

test('robots.txt: disallowed pages never fetched, listed in robotsBlocked', async () => {
  await site.reset();
  await request(site.url('/_robots?default=1'), 'POST', '');
  const { id, status } = await crawl({ url: site.url('/crawl/robots1/'), limit: 200, scrapeOptions: { timeout: 2000 } });
  assert.equal(status.status, 'completed');
  const s = await stats('/crawl/robots1/');
  assert.ok(!fetchedPaths(s).some((p) => p.includes('/private/')), 'a private page was fetched');
  const errs = await cinder.get(`/v1/crawl/${id}/errors`);
  assert.ok(errs.json.robotsBlocked.some((u) => u.endsWith('/crawl/robots1/private/0')));
  const ign = await crawl({ url: site.url('/crawl/robots2/'), limit: 200, ignoreRobotsTxt: true, scrapeOptions: { timeout: 2000 } });
  const s2 = await stats('/crawl/robots2/');
  assert.ok(fetchedPaths(s2).some((p) => p.includes('/private/')), 'ignoreRobotsTxt fetches private pages');
  assert.equal(ign.status.status, 'completed');
});

test('robots.txt answering 503 blocks the site while it is retried, then proceeds', async () => {
  await site.reset();
  await request(site.url('/_robots?status=503'), 'POST', '');
  const c = await cinder.post('/v1/crawl', { url: site.url('/crawl/quiet5/'), limit: 3 });
  await sleep(1000);
  assert.equal((await stats('/crawl/quiet5/')).total, 0, 'no page fetched while robots.txt fails');
  await request(site.url('/_robots?default=1'), 'POST', '');
  const t0 = Date.now();
  let s;
  do {
    await sleep(200);
    s = await cinder.get(`/v1/crawl/${c.json.id}`);
  } while (s.json.status === 'scraping' && Date.now() - t0 < 20000);
  assert.equal(s.json.status, 'completed');
  assert.equal(s.json.completed, 3);
});

test('duplicate URL variants are fetched once; tracking params and fragments merged', async () => {
  await site.reset();
  const { status } = await crawl({ url: site.url('/crawl/quiet30/'), limit: 1000 });
  assert.equal(status.status, 'completed');
  assert.equal(status.completed, 31, 'home + 30 pages, each once');
  const s = await stats('/crawl/quiet30/');
  const perPage = {};
  for (const [p, n] of Object.entries(s.paths)) {
    const m = p.match(/\/p\/(\d+)/);
    if (m) perPage[m[1]] = (perPage[m[1]] || 0) + n;
  }
  assert.equal(Object.keys(perPage).length, 30);
  assert.ok(Object.values(perPage).every((n) => n === 1), JSON.stringify(perPage));
});

test('limit is exact at concurrency 1 and 64: documents and fetches at the target', async () => {
  for (const [conc, name] of [[1, 'quiet200'], [64, 'slow201']]) {
    await site.reset();
    const { status } = await crawl({ url: site.url(`/crawl/${name}/`), limit: 25, maxConcurrency: conc, includePaths: ['/p/'], scrapeOptions: { timeout: 3000 } });
    assert.equal(status.completed, 25, `concurrency ${conc}`);
    assert.equal(status.data.length, 25);
    const s = await stats(`/crawl/${name}/`);
    assert.equal(s.total, 25, `concurrency ${conc}: ${s.total} page fetches at the target`);
    if (conc === 64) assert.ok(s.maxInflight > 1, 'pages were fetched concurrently');
    if (conc === 1) assert.equal(s.maxInflight, 1);
  }
});

test('429 with Retry-After is retried; a hanging page fails with a reason; 404 is a document', async () => {
  await site.reset();
  const { id, status } = await crawl({ url: site.url('/crawl/errs/'), limit: 300, maxDiscoveryDepth: 1, scrapeOptions: { timeout: 1500 } });
  assert.equal(status.status, 'completed');
  const byPath = Object.fromEntries(status.data.map((d) => [new URL(d.metadata.sourceURL).pathname, d.metadata.statusCode]));
  assert.equal(byPath['/crawl/errs/err/429'], 200, 'retried until it answered 200');
  assert.equal(byPath['/crawl/errs/err/404'], 404);
  assert.equal(byPath['/crawl/errs/err/500'], 500);
  const s = await stats('/crawl/errs/');
  assert.equal(s.paths['/crawl/errs/err/429'], 3, 'two 429s, then success');
  const errs = await cinder.get(`/v1/crawl/${id}/errors`);
  const hang = errs.json.errors.find((e) => e.url.endsWith('/crawl/errs/hang'));
  assert.ok(hang, JSON.stringify(errs.json));
  assert.equal(hang.code, 'SCRAPE_TIMEOUT');
  assert.equal(hang.reason, 'timeout');
  assert.equal(typeof hang.id, 'string'); /* as Firecrawl's */
  assert.match(hang.timestamp, /Z$/);
});

test('maxDiscoveryDepth and maxDepth bound the crawl', async () => {
  await site.reset();
  const { status } = await crawl({ url: site.url('/crawl/depth/deep/1'), crawlEntireDomain: true, maxDiscoveryDepth: 3, limit: 100, includePaths: ['/deep/'] });
  const got = status.data.map((d) => new URL(d.metadata.sourceURL).pathname).sort();
  assert.deepEqual(got, ['/crawl/depth/deep/1', '/crawl/depth/deep/2', '/crawl/depth/deep/3', '/crawl/depth/deep/4']);
  const md = await crawl({ url: site.url('/crawl/depth2/a'), maxDepth: 5, limit: 100, includePaths: ['/a'] });
  assert.ok(md.status.data.every((d) => new URL(d.metadata.sourceURL).pathname.split('/').filter(Boolean).length <= 5));
  assert.ok(md.status.data.length >= 2);
});

test('sitemaps: orphans found via robots Sitemap: and a gzipped child; skip ignores them', async () => {
  await site.reset();
  await request(site.url('/_robots?default=1'), 'POST', '');
  const inc = await crawl({ url: site.url('/crawl/small/'), limit: 500, scrapeOptions: { timeout: 1500 } }, 'v2');
  const orphans = inc.status.data.filter((d) => d.metadata.sourceURL.includes('/orphan/'));
  assert.equal(orphans.length, 10);
  const s = await stats('/crawl/small/');
  assert.equal(s.paths['/crawl/small/sitemap-2.xml.gz'], 1);
  await site.reset();
  const skip = await crawl({ url: site.url('/crawl/small/'), limit: 500, sitemap: 'skip', scrapeOptions: { timeout: 1500 } }, 'v2');
  assert.equal(skip.status.data.filter((d) => d.metadata.sourceURL.includes('/orphan/')).length, 0);
});

test('sitemaps: limit stays exact; a 1,000,000-URL sitemap starts fetching within 2 s', async () => {
  await site.reset();
  await request(site.url('/_robots'), 'POST', 'User-agent: *\nDisallow: /crawl/*/private/\nSitemap: http://{host}/crawl/quiethuge/sitemap-big.xml?n=1000000\n');
  const t0 = Date.now();
  const c = await cinder.post('/v1/crawl', { url: site.url('/crawl/quiethuge/'), limit: 40, maxConcurrency: 16, scrapeOptions: { timeout: 2000 } });
  let firstPageMs = null;
  for (let i = 0; i < 100 && firstPageMs === null; i++) {
    const s = await stats('/crawl/quiethuge/p/');
    if (s.total > 1) firstPageMs = Date.now() - t0;
    else await sleep(50);
  }
  assert.ok(firstPageMs !== null && firstPageMs < 2000, `first sitemap page after ${firstPageMs} ms`);
  let st;
  do {
    await sleep(200);
    st = await cinder.get(`/v1/crawl/${c.json.id}?limit=1000`);
  } while (st.json.status === 'scraping' && Date.now() - t0 < 60000);
  assert.equal(st.json.status, 'completed');
  assert.equal(st.json.completed, 40);
  const s = await stats('/crawl/quiethuge/');
  const pages = Object.entries(s.paths).filter(([p]) => !p.includes('sitemap') && p !== '/robots.txt').reduce((n, [, v]) => n + v, 0);
  assert.equal(pages, 40, 'exactly limit page fetches (sitemaps excluded)');
  await request(site.url('/_robots?default=1'), 'POST', '');
});

test('sitemaps stream: all 100,000 URLs of a sitemap arrive through back-pressure, none lost', async () => {
  await site.reset();
  await request(site.url('/_robots'), 'POST', 'User-agent: *\nSitemap: http://{host}/crawl/quietstream/sitemap-big.xml?n=100000\n');
  const c = await cinder.post('/v1/crawl', { url: site.url('/crawl/quietstream/'), limit: 500000, maxConcurrency: 2, scrapeOptions: { timeout: 2000 } });
  const t0 = Date.now();
  let st;
  do {
    await sleep(250);
    st = await cinder.get(`/v1/crawl/${c.json.id}?limit=1`);
  } while (st.json.total < 100001 && Date.now() - t0 < 60000);
  assert.equal(st.json.total, 100001, 'home + every sitemap URL admitted exactly once');
  assert.equal((await cinder.delete(`/v1/crawl/${c.json.id}`)).status, 200);
  await request(site.url('/_robots?default=1'), 'POST', '');
});

test('sitemaps stream: a 1,000,000-URL sitemap with a large limit fetches pages within 2 s; cancel stops the reading', async () => {
  await site.reset();
  await request(site.url('/_robots'), 'POST', 'User-agent: *\nSitemap: http://{host}/crawl/quietmillion/sitemap-big.xml?n=1000000\n');
  const t0 = Date.now();
  const c = await cinder.post('/v1/crawl', { url: site.url('/crawl/quietmillion/'), limit: 2000000, maxConcurrency: 4, scrapeOptions: { timeout: 2000 } });
  let firstPageMs = null;
  for (let i = 0; i < 100 && firstPageMs === null; i++) {
    const s = await stats('/crawl/quietmillion/p/');
    if (s.total > 1) firstPageMs = Date.now() - t0;
    else await sleep(50);
  }
  assert.ok(firstPageMs !== null && firstPageMs < 2000, `first sitemap page after ${firstPageMs} ms`);
  await sleep(1000);
  const during = (await cinder.get(`/v1/crawl/${c.json.id}?limit=1`)).json.total;
  assert.ok(during > 1000 && during < 1000001, `${during} URLs admitted while the sitemap streams`);
  assert.equal((await cinder.delete(`/v1/crawl/${c.json.id}`)).status, 200);
  await sleep(1500);
  const a = (await cinder.get(`/v1/crawl/${c.json.id}?limit=1`)).json;
  await sleep(1500);
  const b = (await cinder.get(`/v1/crawl/${c.json.id}?limit=1`)).json;
  assert.equal(a.status, 'cancelled');
  assert.equal(b.total, a.total, 'nothing admitted after the cancel');
  await request(site.url('/_robots?default=1'), 'POST', '');
});
