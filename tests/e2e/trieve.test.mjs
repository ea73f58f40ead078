// Trieve dialect through raw HTTP: dataset crawl requests (create, list, update, delete), the
// status vocabulary, heading chunks stored with the dataset and upserted by re-crawls, recurring
// crawls (with the test-only CINDER_TRIEVE_INTERVAL_SCALE) and a crawl resumed after kill -9.
// The server runs open (no keys); Trieve clients send the raw key in Authorization, which open
// mode accepts like no key at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, startCinder, request, makeKey, dataDir } from './lib.mjs';

let site, cinder;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SCALE = '0.00005'; // "daily" = 4.32 s
const DAY_MS = 86400000 * Number(SCALE);

before(async () => {
  site = await startSite();
  cinder = await startCinder(['--allow-private'], { CINDER_TRIEVE_INTERVAL_SCALE: SCALE });
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

const hdr = (ds) => ({ 'TR-Dataset': ds, Authorization: 'tr-admin-key' });
const put = (server, body, ds) => request(server.base + '/api/crawl', 'PUT', body, hdr(ds));
const create = (server, ds, crawl_options) => server.post('/api/crawl', { crawl_options }, hdr(ds));

async function list(server, ds, query = '') {
  const r = await server.get(`/api/crawl${query}`, hdr(ds));
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function find(server, ds, id) {
  const found = (await list(server, ds, '?limit=100')).find((c) => c.id === id);
  assert.ok(found, `crawl request ${id} not listed in ${ds}`);
  return found;
}

// Polls the request until pred(request) holds; returns the request and the statuses seen.
async function waitFor(server, ds, id, pred, waitMs = 30000) {
  const seen = [];
  const t0 = Date.now();
  for (;;) {
    const c = await find(server, ds, id);
    if (seen.at(-1) !== c.status) seen.push(c.status);
    if (pred(c)) return { c, seen };
    assert.ok(Date.now() - t0 < waitMs, `${id}: still ${c.status} after ${waitMs} ms`);
    await sleep(50);
  }
}
const completed = (server, ds, id, waitMs) => waitFor(server, ds, id, (c) => c.status === 'Completed', waitMs);

async function allChunks(server, ds) {
  const out = [];
  for (let page = 1; ; page++) {
    const r = await server.get(`/api/chunks?page=${page}&limit=100`, hdr(ds));
    assert.equal(r.status, 200, r.text);
    out.push(...r.json.chunks);
    if (r.json.chunks.length < 100) return { chunks: out, total: r.json.total };
  }
}

test('create: 200 CrawlRequest, Pending → Processed N pages → Completed, documents on scrape_id', async () => {
  const url = site.url('/trieve/tree/create8/');
  const r = await create(cinder, 'ds-create', { site_url: url, tags: ['t'] });
  assert.equal(r.status, 200, r.text);
  const c = r.json;
  assert.deepEqual(Object.keys(c).sort(), ['attempt_number', 'crawl_options', 'crawl_type', 'created_at', 'dataset_id',
    'id', 'interval', 'next_crawl_at', 'scrape_id', 'status', 'url'].sort());
  assert.match(c.id, /^[0-9a-f-]{36}$/);
  assert.match(c.scrape_id, /^[0-9a-f-]{36}$/);
  assert.notEqual(c.id, c.scrape_id);
  assert.equal(c.url, url);
  assert.equal(c.status, 'Pending');
  assert.equal(c.crawl_type, 'firecrawl');
  assert.equal(c.dataset_id, 'ds-create');
  assert.equal(c.interval, null);
  assert.equal(c.next_crawl_at, null);
  assert.equal(c.attempt_number, 0);
  assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  assert.equal(c.crawl_options.site_url, url);
  assert.equal(c.crawl_options.limit, 1000);
  assert.equal(c.crawl_options.boost_titles, true);
  assert.equal(c.crawl_options.add_chunks_to_dataset, true);
  assert.deepEqual(c.crawl_options.tags, ['t']);
  const { seen } = await completed(cinder, 'ds-create', c.id);
  const processed = seen.filter((s) => /^Processed \d+ pages$/.test(s)).map((s) => Number(s.split(' ')[1]));
  assert.ok(processed.length >= 1, `statuses seen: ${seen.join(', ')}`);
  assert.deepEqual([...processed].sort((a, b) => a - b), processed, 'the page count only grows');
  assert.equal(seen.at(-1), 'Completed');
  for (const s of seen) assert.match(s, /^(Pending|Processed \d+ pages|Completed)$/);
  // the scrape_id is an ordinary crawl job: its documents are on the Firecrawl path
  const job = await cinder.get(`/v1/crawl/${c.scrape_id}`);
  assert.equal(job.status, 200, job.text);
  assert.equal(job.json.status, 'completed');
  assert.equal(job.json.completed, 8); // the 8 pages of the tree
  const { total } = await allChunks(cinder, 'ds-create');
  assert.equal(total, 16, 'two heading chunks per page');
});

test('400 {message}: TR-Dataset, body, options, allow_external_links rule, unsupported types', async () => {
  const ok = { site_url: site.url('/trieve/') };
  const cases = [
    [{}, ok, /TR-Dataset/],
    [{ 'TR-Dataset': '' }, ok, /TR-Dataset/],
    [{ 'TR-Dataset': 'x'.repeat(65) }, ok, /at most 64/],
    [hdr('ds-bad'), undefined, /crawl_options/],
    [hdr('ds-bad'), {}, /crawl_options\.site_url: Required/],
    [hdr('ds-bad'), { site_url: 42 }, /crawl_options\.site_url/],
    [hdr('ds-bad'), { ...ok, limit: 'ten' }, /crawl_options\.limit/],
    [hdr('ds-bad'), { ...ok, limit: 0 }, /crawl_options\.limit/],
    [hdr('ds-bad'), { ...ok, interval: 'hourly' }, /crawl_options\.interval/],
    [hdr('ds-bad'), { ...ok, include_paths: '/docs' }, /crawl_options\.include_paths/],
    [hdr('ds-bad'), { ...ok, exclude_tags: [1] }, /crawl_options\.exclude_tags\.0/],
    [hdr('ds-bad'), { ...ok, boost_titles: 'yes' }, /crawl_options\.boost_titles/],
    [hdr('ds-bad'), { ...ok, allow_external_links: true }, /include_paths.*allow_external_links/],
    [hdr('ds-bad'), { ...ok, allow_external_links: true, include_paths: ['*'] }, /allow_external_links/],
    [hdr('ds-bad'), { ...ok, scrape_options: { type: 'openapi', openapi_schema_url: 'x', openapi_tag: 'y' } }, /openapi.*not supported/],
    [hdr('ds-bad'), { ...ok, scrape_options: { type: 'shopify' } }, /shopify.*not supported/],
    [hdr('ds-bad'), { ...ok, scrape_options: { type: 'youtube' } }, /youtube.*not supported/],
    [hdr('ds-bad'), { ...ok, include_paths: ['(unclosed'] }, /Could not crawl site/],
  ];
  for (const [headers, co, want] of cases) {
    const body = co === undefined ? { other: 1 } : { crawl_options: co };
    const r = await cinder.post('/api/crawl', body, headers);
    assert.equal(r.status, 400, `${JSON.stringify(co)}: ${r.text}`);
    assert.deepEqual(Object.keys(r.json), ['message']);
    assert.match(r.json.message, want, JSON.stringify(co));
  }
  const bad = await cinder.post('/api/crawl', '{not json', hdr('ds-bad'));
  assert.equal(bad.status, 400);
  assert.ok(bad.json.message);
  for (const q of ['?page=0', '?limit=0', '?limit=101', '?page=x'])
    assert.equal((await cinder.get(`/api/crawl${q}`, hdr('ds-bad'))).status, 400, q);
  assert.equal((await cinder.get('/api/chunks?limit=500', hdr('ds-bad'))).status, 400);
  assert.equal((await cinder.get('/api/crawl')).status, 400, 'GET needs TR-Dataset too');
  assert.deepEqual(await list(cinder, 'ds-bad'), [], 'nothing was created');
  // accepted: the allow_external_links rule met, an explicit "firecrawl" scrape_options, nulls
  const good = await create(cinder, 'ds-bad', { ...ok, limit: 1, allow_external_links: true, include_paths: ['*', '^/trieve'],
    scrape_options: { type: 'firecrawl' }, interval: null, webhook_urls: ['https://hooks.example.com/x'], webhook_metadata: { a: 1 } });
  assert.equal(good.status, 200, good.text);
  assert.deepEqual(good.json.crawl_options.webhook_urls, ['https://hooks.example.com/x']);
  assert.deepEqual(good.json.crawl_options.webhook_metadata, { a: 1 });
  await completed(cinder, 'ds-bad', good.json.id);
});

test('chunks: split at headings, merged forward, remove strings, metadata and tags', async () => {
  await request(site.url('/trieve/_set?version=1'), 'GET');
  const r = await create(cinder, 'ds-chunks', { site_url: site.url('/trieve/'), heading_remove_strings: [' | Docs'],
    body_remove_strings: ['Edit this page on GitHub'], tags: ['docs'] });
  assert.equal(r.status, 200, r.text);
  await completed(cinder, 'ds-chunks', r.json.id);
  const { chunks, total } = await allChunks(cinder, 'ds-chunks');
  assert.equal(total, 5);
  const by = (h) => chunks.find((c) => c.heading === h);
  assert.deepEqual(chunks.map((c) => c.heading).sort(), ['API', 'Configure', 'Details', 'Docs home', 'Install']);
  const install = by('Install');
  assert.match(install.chunk_html, /^<h1>Guide<\/h1><h2>Install<\/h2><p>Install version 1 /, 'heading-only "Guide" merged forward');
  assert.equal(install.text, 'Guide Install Install version 1 by downloading the archive and unpacking it.');
  assert.deepEqual(install.metadata.hierarchy, ['Guide', 'Guide', 'Install']);
  assert.equal(install.metadata.title, 'Guide');
  assert.equal(install.metadata.url, site.url('/trieve/guide'));
  assert.equal(install.link, site.url('/trieve/guide'));
  assert.deepEqual(install.tag_set, ['trieve', 'guide', site.url('/trieve/'), 'docs']);
  assert.equal(install.crawl_id, r.json.id);
  assert.equal(install.dataset_id, 'ds-chunks');
  assert.match(install.tracking_id, /^[0-9a-f]{32}$/);
  assert.match(by('Details').chunk_html, /<h3>Tiny<\/h3><p>too short<\/p><h3>Details<\/h3>/, 'short chunk merged forward');
  assert.equal(chunks.some((c) => c.chunk_html.includes('Edit this page')), false, 'body_remove_strings');
  assert.equal(by('API').chunk_html.startsWith('<h1>API</h1>'), true, 'heading_remove_strings');
  assert.equal(by('Docs home').link, site.url('/trieve'), 'trailing slash trimmed');
  assert.equal(new Set(chunks.map((c) => c.tracking_id)).size, 5);
  // add_chunks_to_dataset:false crawls without writing chunks
  const off = await create(cinder, 'ds-nochunks', { site_url: site.url('/trieve/'), add_chunks_to_dataset: false });
  await completed(cinder, 'ds-nochunks', off.json.id);
  assert.equal((await allChunks(cinder, 'ds-nochunks')).total, 0);
  assert.equal((await cinder.get(`/v1/crawl/${off.json.scrape_id}`)).json.completed, 3);
});

test('list: newest first, paged, scoped to the dataset', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const r = await create(cinder, 'ds-list', { site_url: site.url('/trieve/'), limit: 1 });
    assert.equal(r.status, 200, r.text);
    ids.push(r.json.id);
    await sleep(5);
  }
  assert.deepEqual((await list(cinder, 'ds-list')).map((c) => c.id), [...ids].reverse());
  assert.deepEqual((await list(cinder, 'ds-list', '?limit=2')).map((c) => c.id), [ids[2], ids[1]]);
  assert.deepEqual((await list(cinder, 'ds-list', '?limit=2&page=2')).map((c) => c.id), [ids[0]]);
  assert.deepEqual(await list(cinder, 'ds-list', '?limit=2&page=3'), []);
  assert.deepEqual(await list(cinder, 'ds-list-other'), [], 'another dataset sees nothing');
  assert.equal((await allChunks(cinder, 'ds-list-other')).total, 0);
  for (const id of ids) await completed(cinder, 'ds-list', id);
});

test('PUT: options merged, same id, new crawl; the running crawl is cancelled; 404s', async () => {
  const r = await create(cinder, 'ds-put', { site_url: site.url('/trieve/tree/put30/'), tags: ['a'] });
  assert.equal(r.status, 200, r.text);
  const u = await put(cinder, { crawl_id: r.json.id, crawl_options: { limit: 2, tags: ['b'] } }, 'ds-put');
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.id, r.json.id, 'cinder keeps the id (Trieve recreates)');
  assert.notEqual(u.json.scrape_id, r.json.scrape_id);
  assert.equal(u.json.crawl_options.limit, 2);
  assert.deepEqual(u.json.crawl_options.tags, ['b']);
  assert.equal(u.json.crawl_options.site_url, site.url('/trieve/tree/put30/'), 'kept from the stored options');
  assert.equal(u.json.status, 'Pending');
  const old = await cinder.get(`/v1/crawl/${r.json.scrape_id}`);
  assert.equal(old.json.status, 'cancelled');
  await completed(cinder, 'ds-put', u.json.id);
  assert.equal((await cinder.get(`/v1/crawl/${u.json.scrape_id}`)).json.completed, 2);
  const listed = await list(cinder, 'ds-put');
  assert.equal(listed.length, 1);
  assert.equal(listed[0].scrape_id, u.json.scrape_id);
  // Trieve's own parameter is the scrape_id: accepted too
  const again = await put(cinder, { crawl_id: u.json.scrape_id, crawl_options: { limit: 1 } }, 'ds-put');
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.id, r.json.id);
  await completed(cinder, 'ds-put', r.json.id);
  assert.equal((await put(cinder, { crawl_id: r.json.id, crawl_options: { limit: 1 } }, 'ds-other')).status, 404);
  const nf = await put(cinder, { crawl_id: '00000000-0000-4000-8000-000000000000', crawl_options: {} }, 'ds-put');
  assert.equal(nf.status, 404);
  assert.deepEqual(nf.json, { message: 'Crawl request not found' });
  assert.equal((await put(cinder, { crawl_options: {} }, 'ds-put')).status, 400);
  assert.equal((await put(cinder, { crawl_id: r.json.id, crawl_options: { limit: -1 } }, 'ds-put')).status, 400);
});

test('DELETE: 204, then 404; jobs, documents and chunks gone; a running crawl is stopped', async () => {
  const r = await create(cinder, 'ds-del', { site_url: site.url('/trieve/') });
  await completed(cinder, 'ds-del', r.json.id);
  assert.equal((await allChunks(cinder, 'ds-del')).total, 5);
  assert.equal((await cinder.delete(`/api/crawl/${r.json.id}`, hdr('ds-del-other'))).status, 404, 'other dataset');
  const d = await cinder.delete(`/api/crawl/${r.json.id}`, hdr('ds-del'));
  assert.equal(d.status, 204);
  assert.equal(d.text, '');
  assert.equal((await cinder.get(`/v1/crawl/${r.json.scrape_id}`)).status, 404, 'the crawl job is gone');
  assert.equal((await allChunks(cinder, 'ds-del')).total, 0);
  assert.deepEqual(await list(cinder, 'ds-del'), []);
  const again = await cinder.delete(`/api/crawl/${r.json.id}`, hdr('ds-del'));
  assert.equal(again.status, 404);
  assert.deepEqual(again.json, { message: 'Crawl request not found' });

  await site.reset();
  const run = await create(cinder, 'ds-del', { site_url: site.url('/trieve/tree/del200/') });
  await waitFor(cinder, 'ds-del', run.json.id, (c) => c.status.startsWith('Processed'));
  assert.equal((await cinder.delete(`/api/crawl/${run.json.id}`, hdr('ds-del'))).status, 204);
  const atDelete = (await site.stats()).total;
  await sleep(1500);
  const after = (await site.stats()).total;
  assert.ok(after - atDelete <= 16, `${after - atDelete} fetches after the delete (only those in flight may finish)`);
  assert.ok(after < 150, `the crawl stopped (${after} requests)`);
  assert.equal((await allChunks(cinder, 'ds-del')).total, 0, 'pages in flight wrote no chunks');
  assert.equal((await cinder.get(`/v1/crawl/${run.json.scrape_id}`)).status, 404);
});

test('interval: re-crawls on schedule, chunks updated in place (count stable, content new)', async () => {
  await request(site.url('/trieve/_set?version=1'), 'GET');
  const r = await create(cinder, 'ds-cron', { site_url: site.url('/trieve/'), interval: 'daily' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.interval, 'daily');
  const next = Date.parse(r.json.next_crawl_at + 'Z') - Date.parse(r.json.created_at + 'Z');
  assert.ok(Math.abs(next - DAY_MS) < 1000, `next_crawl_at is one (scaled) day after the start: ${next} ms`);
  await completed(cinder, 'ds-cron', r.json.id);
  const first = await allChunks(cinder, 'ds-cron');
  assert.equal(first.total, 5);
  const install1 = first.chunks.find((c) => c.heading === 'Install');
  assert.match(install1.text, /version 1 /);
  await request(site.url('/trieve/_set?version=2'), 'GET');
  const { c } = await waitFor(cinder, 'ds-cron', r.json.id,
    (x) => x.scrape_id !== r.json.scrape_id && x.status === 'Completed', 20000);
  assert.equal(c.id, r.json.id);
  assert.ok(Date.parse(c.next_crawl_at + 'Z') > Date.parse(r.json.next_crawl_at + 'Z'));
  const second = await allChunks(cinder, 'ds-cron');
  assert.equal(second.total, 5, 'the re-crawl overwrote the chunks instead of adding copies');
  assert.deepEqual(second.chunks.map((x) => x.tracking_id).sort(), first.chunks.map((x) => x.tracking_id).sort());
  const install2 = second.chunks.find((x) => x.heading === 'Install');
  assert.match(install2.text, /version 2 /);
  assert.equal(install2.created_at, install1.created_at);
  assert.ok(install2.updated_at > install1.updated_at);
  assert.match(second.chunks.find((x) => x.heading === 'Docs home').text, /version 2 of the manual/);
  assert.equal((await cinder.get(`/v1/crawl/${r.json.scrape_id}`)).json.status, 'completed', 'the first crawl stays readable');
  assert.equal((await cinder.delete(`/api/crawl/${r.json.id}`, hdr('ds-cron'))).status, 204);
  assert.equal((await cinder.get(`/v1/crawl/${r.json.scrape_id}`)).status, 404, 'every job of the request is deleted');
  assert.equal((await cinder.get(`/v1/crawl/${c.scrape_id}`)).status, 404);
});

test('kill -9 during a Trieve crawl: the crawl resumes after a restart and keeps chunking', async () => {
  let server = await startCinder(['--allow-private']);
  const data = server.data;
  const r = await create(server, 'ds-restart', { site_url: site.url('/trieve/tree/restart40/') });
  assert.equal(r.status, 200, r.text);
  await waitFor(server, 'ds-restart', r.json.id, (c) => /^Processed ([3-9]|\d\d+) pages$/.test(c.status));
  await server.kill9();
  server = await startCinder(['--allow-private'], {}, data);
  try {
    assert.match(server.log(), /resumed 1 crawl/);
    const { c } = await completed(server, 'ds-restart', r.json.id);
    assert.equal(c.scrape_id, r.json.scrape_id);
    const job = await server.get(`/v1/crawl/${r.json.scrape_id}`);
    assert.equal(job.json.completed, 40);
    const { chunks, total } = await allChunks(server, 'ds-restart');
    assert.equal(total, 80, 'every page chunked, those after the restart too');
    assert.equal(new Set(chunks.map((x) => x.link)).size, 40);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('teams: the same dataset id names a different dataset per team; other teams get 404; credits', async () => {
  const data = dataDir();
  const keyA = await makeKey(data, 'tra', ['--credits', '100']);
  const keyB = await makeKey(data, 'trb');
  const server = await startCinder(['--allow-private'], {}, data);
  try {
    const as = (k) => ({ 'TR-Dataset': 'shared-ds', Authorization: k });
    const noKey = await server.get('/api/crawl', { 'TR-Dataset': 'shared-ds' });
    assert.equal(noKey.status, 401);
    assert.ok(noKey.json.message);
    const c = await server.post('/api/crawl', { crawl_options: { site_url: site.url('/trieve/'), limit: 5 } }, as(keyA));
    assert.equal(c.status, 200, c.text);
    const listB = await server.get('/api/crawl', as(keyB));
    assert.deepEqual(listB.json, []);
    const put = await request(server.base + '/api/crawl', 'PUT', { crawl_id: c.json.id, crawl_options: { limit: 3 } }, as(keyB));
    assert.equal(put.status, 404, put.text);
    const del = await server.delete(`/api/crawl/${c.json.id}`, as(keyB));
    assert.equal(del.status, 404);
    assert.equal((await server.get(`/v1/crawl/${c.json.scrape_id}`, { Authorization: `Bearer ${keyB}` })).status, 404);
    const chunksB = await server.get('/api/chunks', as(keyB));
    assert.equal(chunksB.status, 200);
    assert.equal((chunksB.json.chunks ?? chunksB.json).length, 0);
    const big = await server.post('/api/crawl', { crawl_options: { site_url: site.url('/trieve/'), limit: 1000 } }, as(keyA));
    assert.equal(big.status, 402, big.text);
    assert.ok(big.json.message);
    // deleting a request gives back what its crawl still held reserved
    const delA = await server.delete(`/api/crawl/${c.json.id}`, as(keyA));
    assert.equal(delA.status, 204);
    await sleep(500);
    const usage = await server.get('/v2/team/credit-usage', { Authorization: `Bearer ${keyA}` });
    assert.ok(usage.json.data.remainingCredits >= 95, `at most the 5 pages were charged: ${usage.text}`);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
