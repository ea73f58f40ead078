// Draining shutdown: on SIGTERM the listener closes (a new connection is refused), a request on a
// kept-alive connection gets 503 with a JSON error, a sync scrape in progress still gets its page,
// one that outlives --drain-timeout gets 503 when the engine stops its fetch, and cinder exits 0
// with no sanitizer report, also with status polls on kept-alive connections going on throughout
// (they used to run handlers while the engine was being freed). Also: a crawl cancelled while its
// robots.txt is being fetched is kept until that fetch comes back (here cut short by the
// shutdown), not freed under it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startSite, startCinder } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/;
let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site.stop();
});

// One request through node:http (agent: a keep-alive agent, or false for a new connection);
// resolves with {status, headers, json} or {error}.
function get(base, path, agent) {
  return new Promise((resolve) => {
    const req = http.request(base + path, { agent }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(body); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, json, body });
      });
    });
    req.on('error', (error) => resolve({ error }));
    req.end();
  });
}

async function until(pred, what, waitMs = 10000) {
  const t0 = Date.now();
  while (!(await pred())) {
    assert.ok(Date.now() - t0 < waitMs, `${what} after ${waitMs} ms`);
    await sleep(20);
  }
}

const slowInFlight = async () => (await site.stats()).inflight >= 1;

function checkExit(cinder, code) {
  assert.doesNotMatch(cinder.log(), SANITIZER, cinder.log().slice(-20000));
  assert.equal(code, 0, cinder.log().slice(-6000));
}

test('SIGTERM drains: 503 on a kept-alive connection, new connections refused, the scrape in progress answered', async () => {
  await site.reset();
  const cinder = await startCinder(['--allow-private']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const warm = await get(cinder.base, '/health', agent);
  assert.equal(warm.status, 200, warm.body);
  const scrape = cinder.post('/v1/scrape', { url: site.url('/slow?ms=1500') });
  await until(slowInFlight, 'the scrape never reached the site');
  const exited = cinder.term();
  await until(() => /draining/.test(cinder.log()), 'cinder did not start draining');

  const during = await get(cinder.base, '/v1/crawl/ongoing', agent);
  assert.equal(during.status, 503, during.body ?? String(during.error));
  assert.deepEqual(Object.keys(during.json).sort(), ['error', 'success']);
  assert.equal(during.json.success, false);
  assert.match(during.json.error, /shutting down/);
  assert.equal(during.headers.connection, 'close');
  const fresh = await get(cinder.base, '/health', false);
  assert.equal(fresh.error?.code, 'ECONNREFUSED', `a new connection was accepted: ${fresh.status}`);

  const r = await scrape;
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.data.markdown, /slow page/);
  checkExit(cinder, await exited);
  agent.destroy();
});

test('during the drain the 503 comes in the envelope of the route\'s dialect (Spidra)', async () => {
  await site.reset();
  const cinder = await startCinder(['--allow-private']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  assert.equal((await get(cinder.base, '/health', agent)).status, 200);
  const scrape = cinder.post('/v1/scrape', { url: site.url('/slow?ms=1500') });
  await until(slowInFlight, 'the scrape never reached the site');
  const exited = cinder.term();
  await until(() => /draining/.test(cinder.log()), 'cinder did not start draining');
  const during = await get(cinder.base, '/api/batch/scrape?page=1', agent);
  assert.equal(during.status, 503, during.body ?? String(during.error));
  assert.deepEqual(Object.keys(during.json).sort(), ['code', 'message', 'status']);
  assert.equal(during.json.status, 'error');
  assert.equal(during.json.code, 'SERVICE_UNAVAILABLE');
  assert.match(during.json.message, /shutting down/);
  assert.equal((await scrape).status, 200);
  checkExit(cinder, await exited);
  agent.destroy();
});

test('a sync scrape that outlives --drain-timeout gets 503 when the engine stops its fetch', async () => {
  await site.reset();
  const cinder = await startCinder(['--allow-private', '--drain-timeout', '1s']);
  const t0 = Date.now();
  const scrape = cinder.post('/v1/scrape', { url: site.url('/slow?ms=8000'), timeout: 30000 });
  await until(slowInFlight, 'the scrape never reached the site');
  const exited = cinder.term();
  const r = await scrape;
  assert.equal(r.status, 503, r.text);
  assert.equal(r.json.success, false);
  assert.ok(Date.now() - t0 < 6000, `answered after ${Date.now() - t0} ms`);
  checkExit(cinder, await exited);
  assert.match(cinder.log(), /1 request\(s\) still in progress after 1000 ms/);
});

test('status polls on kept-alive connections through SIGTERM: 200 or 503, never 500, exit 0', async () => {
  // before the drain, such requests ran handlers while the engine was being freed
  const cinder = await startCinder(['--allow-private']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const c = await cinder.post('/v1/crawl', { url: site.url('/crawl/quietdrain50/'), limit: 50 });
  assert.equal(c.status, 200, c.text);
  let stop = false;
  const seen = {};
  const poll = async () => {
    while (!stop) {
      const r = await get(cinder.base, `/v1/crawl/${c.json.id}`, agent);
      const k = r.error ? r.error.code : r.status;
      seen[k] = (seen[k] ?? 0) + 1;
    }
  };
  const loops = Array.from({ length: 8 }, poll);
  await sleep(300);
  const code = await cinder.term();
  stop = true;
  await Promise.all(loops);
  agent.destroy();
  checkExit(cinder, code);
  assert.ok(seen[200] > 0, JSON.stringify(seen));
  for (const k of Object.keys(seen)) // refused or reset once the server stopped
    assert.ok(['200', '503', 'ECONNREFUSED', 'ECONNRESET'].includes(k), JSON.stringify(seen));
});

test('a crawl cancelled while its robots.txt is fetched, then SIGTERM: exit 0, no use after free', async () => {
  let robotsAsked = false;
  const host = http.createServer((req, res) => {
    if (req.url === '/robots.txt') { robotsAsked = true; return; } // never answers
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<a href="/next">next</a>');
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  const cinder = await startCinder(['--allow-private']);
  try {
    const c = await cinder.post('/v1/crawl', { url: `http://127.0.0.1:${host.address().port}/`, limit: 5 });
    assert.equal(c.status, 200, c.text);
    await until(() => robotsAsked, 'robots.txt was never asked for');
    const d = await cinder.delete(`/v1/crawl/${c.json.id}`);
    assert.equal(d.status, 200, d.text);
    await sleep(300); // scheduler turns: the cancelled crawl's parked page is recorded
    checkExit(cinder, await cinder.term()); // the aborted robots.txt fetch reports to its crawl
  } finally {
    host.closeAllConnections();
    host.close();
  }
});
