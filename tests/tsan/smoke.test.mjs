// Server smoke test under ThreadSanitizer: one cinder (CINDER_BIN=build/tsan/cinder, see
// tests/run.sh) driven through every thread it has — API threads (sync scrapes, suspended and
// resumed), the fetch loop, the worker pool, the crawl scheduler (a crawl at concurrency 8 polled
// while it runs, a batch and a crawl cancelled while pages are in flight), webhook delivery, the
// reaper, the Trieve thread (a recurring crawl) and the key cache (a second server with keys) —
// then SIGTERM while requests are in flight. Any ThreadSanitizer report in a cinder log, or an
// exit code other than 0 (TSan makes it 66 after a report), fails the file. With TSAN_SMOKE_LOG
// set, every server's log is appended to that file (tests/run.sh checks it too).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { appendFileSync } from 'node:fs';
import { startSite, startCinder, makeKey, dataDir } from '../e2e/lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TSAN_REPORT = /WARNING: ThreadSanitizer|ERROR: ThreadSanitizer|ThreadSanitizer:DEADLYSIGNAL/;
let site, cinder, hook, exitCode;

// Checks a stopped server: its log is kept (TSAN_SMOKE_LOG), has no TSan report, and it exited 0.
function checkStopped(server, code) {
  if (process.env.TSAN_SMOKE_LOG) appendFileSync(process.env.TSAN_SMOKE_LOG, server.log());
  assert.doesNotMatch(server.log(), TSAN_REPORT, server.log().slice(-30000));
  assert.equal(code, 0, server.log().slice(-6000));
}

// A webhook receiver that records every event.
async function startReceiver() {
  const r = { events: [] };
  r.server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      r.events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${r.server.address().port}/hook`;
  r.close = () => new Promise((resolve) => { r.server.closeAllConnections(); r.server.close(resolve); });
  return r;
}

before(async () => {
  site = await startSite();
  hook = await startReceiver();
  cinder = await startCinder(['--allow-private', '--workers', '4', '--api-threads', '4',
    '--webhook-retry-base', '50ms', '--drain-timeout', '2s'], { CINDER_TRIEVE_INTERVAL_SCALE: '0.00001' });
});

after(async () => {
  if (exitCode === undefined) exitCode = await cinder.term();
  await hook.close();
  await site.stop();
  checkStopped(cinder, exitCode);
});

// Polls path until the job is no longer running; returns its last status.
async function waitDone(path, waitMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    const s = await cinder.get(path);
    assert.equal(s.status, 200, s.text);
    if (s.json.status !== 'scraping') return s.json;
    assert.ok(Date.now() - t0 < waitMs, `${path} still running after ${waitMs} ms`);
    await sleep(50);
  }
}

const pages = (name, from, n) => Array.from({ length: n }, (_, i) => site.url(`/crawl/${name}/p/${from + i}`));

test('sync scrapes, one and eight at once', async () => {
  const one = await cinder.post('/v1/scrape', { url: site.url('/pages/article.html') });
  assert.equal(one.status, 200, one.text);
  assert.match(one.json.data.markdown, /Lighthouse/);
  const many = await Promise.all(pages('quietsync', 0, 8).map((url) =>
    cinder.post('/v2/scrape', { url, formats: ['markdown', 'links'] })));
  for (const r of many) {
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.data.markdown, /Page \d+ of 50/);
  }
});

test('a crawl of 30 pages at concurrency 8, polled while it runs', async () => {
  const c = await cinder.post('/v1/crawl', { url: site.url('/crawl/quiettsan40/'), limit: 30, maxConcurrency: 8 });
  assert.equal(c.status, 200, c.text);
  const path = `/v1/crawl/${c.json.id}`;
  const [s] = await Promise.all([waitDone(path), waitDone(path), cinder.get('/v1/crawl/ongoing')]);
  assert.equal(s.status, 'completed');
  assert.equal(s.completed, 30);
  assert.equal(s.data.length, 30);
});

// Pages in flight when the job is cancelled come back to the workers after the cancel, and the
// workers read the cancel flag the API thread set.
async function cancelWhileRunning(kind, body) {
  const c = await cinder.post(`/v1/${kind}`, body);
  assert.equal(c.status, 200, c.text);
  const path = `/v1/${kind}/${c.json.id}`;
  const t0 = Date.now();
  while ((await cinder.get(path)).json.completed < 1) {
    assert.ok(Date.now() - t0 < 30000, `the ${kind} made no progress`);
    await sleep(20);
  }
  const [del] = await Promise.all([cinder.delete(path), cinder.get(path)]);
  assert.equal(del.status, 200, del.text);
  const s = await cinder.get(path);
  assert.equal(s.json.status, 'cancelled');
  await sleep(400); // nothing else starts before the pages in flight came back (200 ms each)
  return s.json;
}

test('a batch scrape and a crawl cancelled while they run', async () => {
  const b = await cancelWhileRunning('batch/scrape', { urls: pages('slowtsanbatch', 0, 40), maxConcurrency: 8 });
  assert.ok(b.completed < 40, `${b.completed} pages done before the cancel`);
  const c = await cancelWhileRunning('crawl', { url: site.url('/crawl/slowtsancrawl200/'), limit: 200, maxConcurrency: 8 });
  assert.ok(c.completed < 200, `${c.completed} pages done before the cancel`);
});

test('a crawl with a webhook: every event delivered', async () => {
  const c = await cinder.post('/v1/crawl', { url: site.url('/crawl/quiettsanhook20/'), limit: 6, webhook: hook.url });
  assert.equal(c.status, 200, c.text);
  const t0 = Date.now();
  const mine = () => hook.events.filter((e) => e.id === c.json.id).map((e) => e.type);
  while (!mine().includes('crawl.completed')) {
    assert.ok(Date.now() - t0 < 30000, `events so far: ${mine().join(' ')}`);
    await sleep(50);
  }
  assert.equal(mine()[0], 'crawl.started');
  assert.equal(mine().filter((t) => t === 'crawl.page').length, 6);
});

test('a Trieve crawl with an interval, re-crawled by the Trieve thread', async () => {
  const hdr = { 'TR-Dataset': 'ds-tsan', Authorization: 'tr-admin-key' };
  const r = await cinder.post('/api/crawl', { crawl_options: { site_url: site.url('/trieve/'), interval: 'daily' } }, hdr);
  assert.equal(r.status, 200, r.text);
  const t0 = Date.now();
  for (;;) { // "daily" is scaled to the 1 s minimum: the Trieve thread starts the next crawl
    const l = await cinder.get('/api/crawl?limit=100', hdr);
    assert.equal(l.status, 200, l.text);
    const c = l.json.find((x) => x.id === r.json.id);
    if (c && c.scrape_id !== r.json.scrape_id && c.status === 'Completed') break;
    assert.ok(Date.now() - t0 < 30000, `no completed re-crawl: ${JSON.stringify(c)}`);
    await sleep(100);
  }
});

test('with API keys: concurrent requests through the key cache and its buckets', async () => {
  const data = dataDir();
  const key = await makeKey(data, 'tsan', ['--rate', '600/min']);
  const keyed = await startCinder(['--allow-private', '--api-threads', '4'], {}, data);
  const auth = { Authorization: `Bearer ${key}` };
  const replies = await Promise.all([
    ...Array.from({ length: 12 }, () => keyed.get('/v1/crawl/ongoing', auth)),
    keyed.post('/v1/scrape', { url: site.url('/pages/meta.html') }, auth),
    keyed.get('/v1/crawl/ongoing', { Authorization: 'Bearer fc-nosuchkey' }),
  ]);
  for (const r of replies.slice(0, 13)) assert.equal(r.status, 200, r.text);
  assert.equal(replies[13].status, 401, replies[13].text); // an unknown key: Firecrawl's 401
  checkStopped(keyed, await keyed.term());
});

// Status polls on kept-alive connections, until stop() returns true; resolves with what they got.
async function keepPolling(path, stop, n = 4) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: n });
  const seen = {};
  const once = () => new Promise((resolve) => {
    const req = http.request(cinder.base + path, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', (e) => resolve(e.code));
    req.end();
  });
  await Promise.all(Array.from({ length: n }, async () => {
    while (!stop()) {
      const k = await once();
      seen[k] = (seen[k] ?? 0) + 1;
    }
  }));
  agent.destroy();
  return seen;
}

test('SIGTERM with scrapes, polls and a crawl in flight: every request answered, exit 0', async () => {
  const c = await cinder.post('/v1/crawl', { url: site.url('/crawl/slowtsanterm50/'), limit: 50, maxConcurrency: 8 });
  assert.equal(c.status, 200, c.text);
  const slow = [300, 600, 900, 5000].map((ms) =>
    cinder.post('/v1/scrape', { url: site.url(`/slow?ms=${ms}`), timeout: 30000 }).catch((e) => ({ error: e })));
  let stopped = false;
  const polls = keepPolling(`/v1/crawl/${c.json.id}`, () => stopped);
  await sleep(150);
  exitCode = await cinder.term();
  stopped = true;
  const replies = await Promise.all(slow);
  for (const r of replies.slice(0, 3)) // done within the drain
    assert.equal(r.status, 200, r.text ?? String(r.error));
  // the 5 s scrape outlives the 2 s drain: answered 503 when the engine stops its fetch
  assert.equal(replies[3].status, 503, replies[3].text ?? String(replies[3].error));
  const seen = await polls; // ran, got the drain's 503, or found the server gone
  assert.ok(seen[200] > 0, JSON.stringify(seen));
  for (const k of Object.keys(seen))
    assert.ok(['200', '503', 'ECONNREFUSED', 'ECONNRESET'].includes(k), JSON.stringify(seen));
  assert.equal(exitCode, 0, cinder.log().slice(-6000));
});
