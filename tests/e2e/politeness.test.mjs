// Per-host politeness across crawls, measured at the target: two host names pinned to the one
// fixture server (--resolve) are two hosts to cinder; the fixture records every request with its
// Host header, start time and how many requests with that Host were in flight.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, startCinder, request } from './lib.mjs';

let site, cinder, hostA, hostB;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  site = await startSite();
  hostA = `a.test:${site.port}`;
  hostB = `b.test:${site.port}`;
  cinder = await startCinder([
    '--allow-private', '--host-connections', '3',
    '--resolve', `${hostA}:127.0.0.1`, '--resolve', `${hostB}:127.0.0.1`,
  ]);
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

async function start(body) {
  const c = await cinder.post('/v1/crawl', { ignoreRobotsTxt: true, ignoreSitemap: true, ...body });
  assert.equal(c.status, 200, c.text);
  return c.json.id;
}

async function waitDone(id, waitMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const s = await cinder.get(`/v1/crawl/${id}?limit=1000`);
    if (s.json.status !== 'scraping') return s.json;
    assert.ok(Date.now() - t0 < waitMs, `crawl ${id} still running after ${waitMs} ms`);
    await sleep(150);
  }
}

const log = async (host) => (await request(site.url(`/_log?host=${encodeURIComponent(host)}`), 'GET')).json;

test('the per-host connection cap holds across two concurrent crawls of one host', async () => {
  await site.reset();
  const ids = [
    await start({ url: `http://${hostA}/crawl/slowcapx30/`, limit: 30, maxConcurrency: 10, includePaths: ['/p/'] }),
    await start({ url: `http://${hostA}/crawl/slowcapy30/`, limit: 30, maxConcurrency: 10, includePaths: ['/p/'] }),
  ];
  for (const id of ids) {
    const s = await waitDone(id);
    assert.equal(s.status, 'completed');
    assert.equal(s.completed, 30);
  }
  const seen = (await request(site.url(`/_stats?host=${encodeURIComponent(hostA)}`), 'GET')).json;
  assert.equal(seen.total, 60);
  assert.equal(seen.maxInflight, 3, `the target saw ${seen.maxInflight} requests at once`);
  const entries = await log(hostA);
  const x = entries.filter((e) => e.path.startsWith('/crawl/slowcapx30/')).map((e) => e.t);
  const y = entries.filter((e) => e.path.startsWith('/crawl/slowcapy30/')).map((e) => e.t);
  assert.ok(Math.min(...y) < Math.max(...x) && Math.min(...x) < Math.max(...y), 'the crawls shared the host');
});

test('429 with Retry-After pauses that host for every crawl, and only that host', async () => {
  await site.reset();
  const other = await start({ url: `http://${hostB}/crawl/slowother40/`, limit: 40, maxConcurrency: 2, includePaths: ['/p/'] });
  await sleep(300);
  const rated = await start({ url: `http://${hostA}/crawl/slowrated/`, limit: 40, maxConcurrency: 3, maxDiscoveryDepth: 1, scrapeOptions: { timeout: 2500 } });
  const s = await waitDone(rated);
  const byPath = Object.fromEntries(s.data.map((d) => [new URL(d.metadata.sourceURL).pathname, d.metadata.statusCode]));
  assert.equal(byPath['/crawl/slowrated/err/429'], 200, 'retried after the pauses until it answered');
  const a = await log(hostA);
  const hits = a.filter((e) => e.path === '/crawl/slowrated/err/429').map((e) => e.t);
  assert.equal(hits.length, 3, 'two 429s, then 200');
  // a slow site answers 200 ms after the request starts, so each pause runs from about t+200
  // to t+1200; the window leaves 150 ms either side for the pause to take effect
  for (const t of hits.slice(0, 2)) {
    const during = a.filter((e) => e.t > t + 350 && e.t < t + 1050);
    assert.deepEqual(during.map((e) => e.path), [], `requests reached ${hostA} while it was paused: ${JSON.stringify(a.map((e) => [Math.round(e.t), e.path]))}`);
  }
  assert.ok(hits[1] - hits[0] >= 950 && hits[2] - hits[1] >= 950, `retries honour Retry-After: ${hits}`);
  const b = await log(hostB);
  const bDuring = b.filter((e) => e.t > hits[0] + 350 && e.t < hits[0] + 1050);
  assert.ok(bDuring.length >= 2, `the other host kept being crawled during the pause (${bDuring.length} requests): ${hits} ${JSON.stringify(b.map((e) => [Math.round(e.t), e.path]))}`);
  assert.equal((await waitDone(other)).status, 'completed');
});
