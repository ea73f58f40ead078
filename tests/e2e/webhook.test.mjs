// Firecrawl webhooks for crawls and batch scrapes: a node receiver that fails the first attempts
// of every event, signatures, metadata and custom headers, order per job, counts against the
// job's documents, cancel, a restart after SIGTERM and after kill -9 with events still pending,
// and receivers on loopback refused without --allow-private.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { startSite, startCinder } from './lib.mjs';

const SECRET = 'wh-secret-1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let site, cinder, hook;

// A webhook receiver: records every attempt; policy(n, body) is the status to answer for the
// n-th attempt of an event (by webhookId).
async function startReceiver(policy) {
  const r = { attempts: [], policy, tries: new Map() };
  r.server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8'));
      const n = (r.tries.get(body.webhookId) ?? 0) + 1;
      r.tries.set(body.webhookId, n);
      const status = r.policy(n, body);
      r.attempts.push({ raw, body, headers: req.headers, status, n, path: req.url });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  r.url = (p = '/hook') => `http://127.0.0.1:${r.server.address().port}${p}`;
  r.ofJob = (id) => r.attempts.filter((a) => a.body.id === id);
  r.delivered = (id) => r.ofJob(id).filter((a) => a.status < 300);
  r.close = () => new Promise((resolve) => { r.server.closeAllConnections(); r.server.close(resolve); });
  return r;
}

const failTwice = (n) => (n <= 2 ? 500 : 200);
const terminal = (t) => /\.(completed|failed|cancelled)$/.test(t);

before(async () => {
  site = await startSite();
  hook = await startReceiver(failTwice);
  cinder = await startCinder(['--allow-private', '--webhook-secret', SECRET, '--webhook-retry-base', '50ms']);
});

after(async () => {
  const code = await cinder.stop();
  await hook.close();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

const pages = (name, from, n) => Array.from({ length: n }, (_, i) => site.url(`/crawl/${name}/p/${from + i}`));

// Waits until the job's terminal event was delivered, then a little longer (a duplicate would
// show up then); returns the successful deliveries in arrival order.
async function waitEvents(r, id, waitMs = 30000) {
  const t0 = Date.now();
  while (!r.delivered(id).some((a) => terminal(a.body.type))) {
    assert.ok(Date.now() - t0 < waitMs, `no terminal event for ${id} after ${waitMs} ms: ${r.ofJob(id).map((a) => `${a.body.type}:${a.status}`).join(' ')}`);
    await sleep(50);
  }
  await sleep(700);
  return r.delivered(id);
}

// Waits until the job at path has at least n completed documents.
async function waitCompleted(server, path, n, waitMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const s = await server.get(path);
    assert.equal(s.status, 200, s.text);
    if (s.json.completed >= n) return s.json;
    assert.equal(s.json.status, 'scraping', `${path} ended with ${s.json.completed} documents`);
    assert.ok(Date.now() - t0 < waitMs, `${path} has ${s.json.completed} documents after ${waitMs} ms`);
    await sleep(50);
  }
}

async function waitDone(server, path, waitMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const s = await server.get(path);
    assert.equal(s.status, 200, s.text);
    if (s.json.status !== 'scraping') return s.json;
    assert.ok(Date.now() - t0 < waitMs, `${path} still running`);
    await sleep(100);
  }
}

// Every event delivered exactly once, in order (started, pages, terminal), attempts of one event
// never interleaved with another's (per-job FIFO), failing attempts retried.
function checkSequence(r, id, kind, terminalType) {
  const ok = r.delivered(id);
  const ids = ok.map((a) => a.body.webhookId);
  assert.equal(new Set(ids).size, ids.length, 'each event delivered once');
  assert.equal(ok[0].body.type, `${kind}.started`);
  assert.equal(ok.at(-1).body.type, `${kind}.${terminalType}`);
  for (const a of ok.slice(1, -1)) assert.equal(a.body.type, `${kind}.page`);
  const order = [];
  for (const a of r.ofJob(id)) if (order.at(-1) !== a.body.webhookId) order.push(a.body.webhookId);
  assert.deepEqual(order, ids, 'one event at a time per job, in order');
  for (const a of ok) {
    assert.equal(a.body.id, id);
    assert.match(a.body.webhookId, /^[0-9a-f-]{36}$/);
  }
  return ok;
}

function checkSigned(attempts) {
  for (const a of attempts) {
    const want = 'sha256=' + createHmac('sha256', SECRET).update(a.raw).digest('hex');
    assert.equal(a.headers['x-firecrawl-signature'], want);
    assert.equal(a.headers['content-type'], 'application/json');
  }
}

test('crawl: started, one page event per document, completed; retried, signed, with metadata and headers', async () => {
  const metadata = { run: 'nightly', n: 7 };
  const c = await cinder.post('/v1/crawl', {
    url: site.url('/crawl/quietwhcrawl6/'),
    webhook: { url: hook.url('/crawl'), headers: { 'X-Hook-Token': 'abc123' }, metadata },
  });
  assert.equal(c.status, 200, c.text);
  const ok = await waitEvents(hook, c.json.id);
  checkSequence(hook, c.json.id, 'crawl', 'completed');
  const s = await waitDone(cinder, `/v1/crawl/${c.json.id}`);
  assert.equal(s.completed, 7);
  const pageEvents = ok.filter((a) => a.body.type === 'crawl.page');
  assert.equal(pageEvents.length, s.completed, 'page events == documents');
  assert.ok(pageEvents.every((a) => a.body.success === true && a.body.data.length === 1));
  assert.deepEqual(pageEvents.map((a) => a.body.data[0].metadata.sourceURL).sort(),
    s.data.map((d) => d.metadata.sourceURL).sort());
  assert.ok(pageEvents.every((a) => typeof a.body.data[0].markdown === 'string'));
  assert.deepEqual(ok[0].body.data, []);
  assert.equal(ok.at(-1).body.success, true);
  const all = hook.ofJob(c.json.id);
  assert.equal(all.length, ok.length * 3, 'every event failed twice, then was accepted');
  assert.ok(all.every((a) => a.path === '/crawl' && a.headers['x-hook-token'] === 'abc123'));
  assert.ok(all.every((a) => JSON.stringify(a.body.metadata) === JSON.stringify(metadata)));
  checkSigned(all);
});

test('batch: page events and a failure event for the URL that cannot be fetched; event filter', async () => {
  const bad = 'http://127.0.0.1:1/unreachable';
  const c = await cinder.post('/v2/batch/scrape', { urls: [...pages('quietwhbatch', 0, 4), bad], webhook: hook.url('/batch') });
  assert.equal(c.status, 200, c.text);
  const ok = await waitEvents(hook, c.json.id);
  checkSequence(hook, c.json.id, 'batch_scrape', 'completed');
  const s = await waitDone(cinder, `/v2/batch/scrape/${c.json.id}`);
  assert.equal(s.completed, 4);
  const pageEvents = ok.filter((a) => a.body.type === 'batch_scrape.page' && a.body.success);
  assert.equal(pageEvents.length, 4);
  const failures = ok.filter((a) => a.body.type === 'batch_scrape.page' && !a.body.success);
  assert.equal(failures.length, 1);
  assert.equal(failures[0].body.data[0].url, bad);
  assert.equal(failures[0].body.data[0].reason, 'connect');
  assert.match(failures[0].body.error, /connect/);
  assert.deepEqual(ok[0].body.metadata, {});
  checkSigned(hook.ofJob(c.json.id));

  // only the events asked for
  const only = await cinder.post('/v1/batch/scrape', { urls: pages('quietwhbatch', 4, 2), webhook: { url: hook.url('/only'), events: ['completed'] } });
  assert.equal(only.status, 200, only.text);
  const got = await waitEvents(hook, only.json.id);
  assert.deepEqual(got.map((a) => a.body.type), ['batch_scrape.completed']);
});

test('cancel: in-flight pages settle first, then one cancelled event; page events == documents', async () => {
  const c = await cinder.post('/v1/batch/scrape', { urls: pages('slowwhcancel', 0, 30), maxConcurrency: 2, webhook: hook.url('/cancel') });
  assert.equal(c.status, 200, c.text);
  await waitCompleted(cinder, `/v1/batch/scrape/${c.json.id}`, 2);
  const del = await cinder.delete(`/v1/batch/scrape/${c.json.id}`);
  assert.equal(del.status, 200, del.text);
  const ok = await waitEvents(hook, c.json.id);
  checkSequence(hook, c.json.id, 'batch_scrape', 'cancelled');
  const s = await cinder.get(`/v1/batch/scrape/${c.json.id}`);
  assert.equal(s.json.status, 'cancelled');
  const pageEvents = ok.filter((a) => a.body.type === 'batch_scrape.page');
  assert.equal(pageEvents.length, s.json.completed);
  assert.ok(s.json.completed < 30);
});

// Restarts: the receiver fails everything while the first server runs, then accepts everything.
// body(t) runs the case; the servers and the receiver are stopped whatever happens.
async function restartCase(stop, body) {
  const args = ['--allow-private', '--webhook-retry-base', '300ms'];
  const t = { r: await startReceiver(() => 503) };
  t.server = await startCinder(args);
  t.url = t.r.url('/restart');
  t.restart = async () => {
    const data = t.server.data;
    await stop(t.server);
    t.r.policy = () => 200;
    t.server = await startCinder(args, {}, data);
    return t.server;
  };
  try {
    await body(t);
  } finally {
    await t.server.stop();
    await t.r.close();
  }
}

test('restart after SIGTERM: a crawl\'s pending events are delivered exactly once', { timeout: 120000 }, async () => {
  await restartCase(async (s) => assert.equal(await s.term(), 0), async (t) => {
    const c = await t.server.post('/v1/crawl', { url: site.url('/crawl/quietwhterm5/'), webhook: t.url });
    assert.equal(c.status, 200, c.text);
    await waitDone(t.server, `/v1/crawl/${c.json.id}`);
    for (let i = 0; i < 100 && t.r.ofJob(c.json.id).length < 2; i++) await sleep(50);
    assert.ok(t.r.ofJob(c.json.id).length >= 2, 'the receiver was tried, and failed');
    assert.equal(t.r.delivered(c.json.id).length, 0);
    const server = await t.restart();
    const ok = await waitEvents(t.r, c.json.id);
    checkSequence(t.r, c.json.id, 'crawl', 'completed');
    const s = await waitDone(server, `/v1/crawl/${c.json.id}`);
    assert.equal(s.completed, 6);
    assert.equal(ok.filter((a) => a.body.type === 'crawl.page').length, 6);
  });
});

test('kill -9 in the middle of a batch: every event delivered exactly once after the restart', { timeout: 120000 }, async () => {
  await restartCase((s) => s.kill9(), async (t) => {
    const c = await t.server.post('/v1/batch/scrape', { urls: pages('slowwhkill', 0, 16), maxConcurrency: 2, webhook: t.url });
    assert.equal(c.status, 200, c.text);
    await waitCompleted(t.server, `/v1/batch/scrape/${c.json.id}`, 4);
    const server = await t.restart();
    const ok = await waitEvents(t.r, c.json.id, 60000);
    checkSequence(t.r, c.json.id, 'batch_scrape', 'completed');
    const s = await waitDone(server, `/v1/batch/scrape/${c.json.id}`);
    assert.equal(s.completed, 16);
    const pageEvents = ok.filter((a) => a.body.type === 'batch_scrape.page');
    assert.equal(pageEvents.length, 16);
    assert.equal(new Set(pageEvents.map((a) => a.body.data[0].metadata.sourceURL)).size, 16);
  });
});

test('invalid webhooks are 400 naming the field', async () => {
  const cases = [
    [{ url: 'ftp://example.com/x' }, ['webhook', 'url']],
    [{ url: hook.url(), headers: { 'X-A': 5 } }, ['webhook', 'headers']],
    [{ url: hook.url(), headers: { 'X-A': 'a\r\nX-B: b' } }, ['webhook', 'headers']],
    [{ url: hook.url(), metadata: 'x' }, ['webhook', 'metadata']],
    [{ url: hook.url(), events: ['started', 'finished'] }, ['webhook', 'events']],
    [{ headers: {} }, ['webhook', 'url']],
    [42, ['webhook']],
  ];
  for (const [webhook, path] of cases) {
    const r = await cinder.post('/v1/crawl', { url: site.url('/crawl/quietwhbad/'), webhook });
    assert.equal(r.status, 400, JSON.stringify(webhook));
    assert.deepEqual(r.json.details[0].path, path, JSON.stringify(webhook));
  }
});

test('a receiver on loopback is refused without --allow-private', async () => {
  const strict = await startCinder([]);
  try {
    const a = await strict.post('/v1/crawl', { url: site.url('/crawl/quietwhpriv/'), webhook: { url: hook.url() } });
    assert.equal(a.status, 400, a.text);
    assert.deepEqual(a.json.details[0].path, ['webhook', 'url']);
    assert.match(a.json.details[0].message, /loopback.*--allow-private/);
    const b = await strict.post('/v2/batch/scrape', { urls: pages('quietwhpriv', 0, 1), webhook: `http://localhost:${hook.server.address().port}/x` });
    assert.equal(b.status, 400, b.text);
    assert.deepEqual(b.json.details[0].path, ['webhook']);
    assert.equal(hook.attempts.filter((x) => x.path === '/x').length, 0);
  } finally {
    assert.equal(await strict.stop(), 0);
  }
});
