// Accounts: `cinder keys`, open mode and its loopback rule, 401/403, other teams' jobs answer
// 404 everywhere, the credits ledger (reserve, 402, charge, refund), per-key rate limits,
// idempotency keys, the credit/token/concurrency endpoints (raw HTTP and the official SDK), and
// the cancel contract measured at the fixture site with the credits balance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import Firecrawl, { FirecrawlAppV1 } from '@mendable/firecrawl-js';
import { startSite, startCinder, request, cinderKeys, makeKey, dataDir, CINDER_BIN, track } from './lib.mjs';

let site, cinder, keyA, keyB, keyPoor, keyRate, data;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const bearer = (k) => ({ Authorization: `Bearer ${k}` });
const pages = (name, from, n) => Array.from({ length: n }, (_, i) => site.url(`/crawl/${name}/p/${from + i}`));

before(async () => {
  site = await startSite();
  data = dataDir();
  keyA = await makeKey(data, 'alpha', ['--credits', '5000']);
  keyB = await makeKey(data, 'beta');
  keyPoor = await makeKey(data, 'poor', ['--credits', '3']);
  keyRate = await makeKey(data, 'slowpoke', ['--rate', '3/min']);
  cinder = await startCinder(['--allow-private'], {}, data);
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

async function balance(key) {
  const r = await cinder.get('/v2/team/credit-usage', bearer(key));
  assert.equal(r.status, 200, r.text);
  return r.json.data.remainingCredits;
}

async function waitStatus(path, key, done = (s) => s.status !== 'scraping', waitMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const s = await cinder.get(path, bearer(key));
    assert.equal(s.status, 200, s.text);
    if (done(s.json)) return s.json;
    assert.ok(Date.now() - t0 < waitMs, `${path} not done after ${waitMs} ms`);
    await sleep(100);
  }
}

test('keys create prints only the key; the store never holds it in clear; list and credits', async () => {
  const d = dataDir();
  const r = await cinderKeys(d, ['create', '--team', 'acme', '--credits', '10', '--rate', '60/min']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^fc-[0-9a-f]{40}$/);
  const key = lines[0];
  for (const f of readdirSync(d)) {
    const bytes = readFileSync(`${d}/${f}`);
    assert.equal(bytes.includes(key), false, `${f} holds the key in clear`);
    assert.equal(bytes.includes(key.slice(3)), false, `${f} holds the key's digits`);
  }
  const list = await cinderKeys(d, ['list']);
  assert.equal(list.status, 0);
  assert.match(list.stdout, new RegExp(`${key.slice(0, 11)}\\s+acme\\s+60/min\\s+10\\s`));
  assert.equal(list.stdout.includes(key), false);
  const add = await cinderKeys(d, ['credits', '--team', 'acme', '--add', '5']);
  assert.equal(add.stdout.trim(), 'acme: 15');
  assert.equal((await cinderKeys(d, ['credits', '--team', 'nobody', '--add', '5'])).status, 2);
  assert.equal((await cinderKeys(d, ['create', '--team', 'acme', '--credits', '1'])).status, 2,
    'a second --credits for an existing team is refused');
  assert.equal((await cinderKeys(d, ['revoke', 'fc-nothere'])).status, 2);
  assert.equal((await cinderKeys(d, ['revoke', key.slice(0, 11)])).status, 0);
  assert.match((await cinderKeys(d, ['list'])).stdout, /revoked/);
  assert.equal((await cinderKeys(d, ['bogus'])).status, 2);
});

test('open mode: no keys on loopback accepts any or no key and says so', async () => {
  const open = await startCinder(['--allow-private']);
  try {
    assert.match(open.log(), /open mode/);
    assert.equal((await open.get('/v1/team/credit-usage')).json.data.remaining_credits, 99999999);
    assert.equal((await open.get('/v2/team/credit-usage', bearer('anything'))).status, 200);
  } finally {
    await open.stop();
  }
});

function runServe(args) {
  return new Promise((resolve) => {
    const child = track(spawn(CINDER_BIN, ['serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] }));
    let log = '';
    child.stderr.on('data', (c) => {
      log += c.toString();
      if (/listening on/.test(log)) child.kill('SIGTERM');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000); // a hang fails, never waits
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? signal, log }); });
  });
}

test('a non-loopback address without keys is refused unless --open; with keys it serves', async () => {
  const refused = await runServe(['--host', '0.0.0.0', '--data', dataDir()]);
  assert.equal(refused.code, 1);
  assert.match(refused.log, /refusing to serve 0\.0\.0\.0 without API keys/);
  const opened = await runServe(['--host', '0.0.0.0', '--open', '--data', dataDir()]);
  assert.match(opened.log, /open mode.*--open/);
  assert.match(opened.log, /listening on/);
  assert.equal(opened.code, 0, opened.log);
  const keyedData = dataDir();
  await makeKey(keyedData, 'gamma');
  const keyed = await runServe(['--host', '0.0.0.0', '--data', keyedData]);
  assert.match(keyed.log, /API keys required/);
  assert.equal(keyed.code, 0, keyed.log);
});

test('a second server on a data directory in use exits 1 naming the first', async () => {
  const second = await runServe(['--data', data]);
  assert.equal(second.code, 1, second.log);
  assert.match(second.log, new RegExp(`another cinder serve with pid ${cinder.child.pid} is using the data directory`));
  assert.equal((await cinder.get('/health')).status, 200);
});

test('missing key 401, unknown key 401 (Spidra 403) in each dialect; health needs no key; raw and x-api-key accepted', async () => {
  let r = await cinder.post('/v1/scrape', { url: site.url('/') });
  assert.equal(r.status, 401);
  assert.deepEqual([r.json.success, r.json.code], [false, 'UNAUTHORIZED']);
  r = await cinder.post('/v0/scrape', { url: site.url('/') });
  assert.equal(r.status, 401);
  assert.ok(r.json.error && r.json.success === undefined);
  r = await cinder.get('/v2/team/credit-usage', bearer('fc-0000000000000000000000000000000000000000'));
  assert.equal(r.status, 401); /* Firecrawl: 401 "Unauthorized: Invalid token" */
  assert.equal(r.json.error, 'Unauthorized: Invalid token');
  r = await cinder.get('/api/batch/scrape');
  assert.equal(r.status, 401);
  assert.equal(r.json.status, 'error');
  r = await cinder.get('/api/batch/scrape', { 'x-api-key': 'wrong' });
  assert.equal(r.status, 403);
  r = await cinder.get('/api/batch/scrape', { 'x-api-key': keyB });
  assert.equal(r.status, 200);
  r = await cinder.get('/v1/team/credit-usage', { Authorization: keyB });
  assert.equal(r.status, 200, 'the raw key in Authorization (Trieve style) is accepted');
  r = await cinder.get('/health');
  assert.equal(r.status, 200);
});

test("another team's jobs answer 404 on every endpoint, as unknown ones do", async () => {
  const sc = await cinder.post('/v1/scrape', { url: site.url('/') }, bearer(keyA));
  assert.equal(sc.status, 200, sc.text);
  const crawl = await cinder.post('/v1/crawl', { url: site.url('/crawl/iso/'), limit: 3 }, bearer(keyA));
  assert.equal(crawl.status, 200, crawl.text);
  const batch = await cinder.post('/v2/batch/scrape', { urls: pages('iso2', 0, 2) }, bearer(keyA));
  assert.equal(batch.status, 200, batch.text);
  const v0 = await cinder.post('/v0/crawl', { url: site.url('/crawl/iso0/'), crawlerOptions: { limit: 2 } }, bearer(keyA));
  assert.equal(v0.status, 200, v0.text);
  const c = crawl.json.id, b = batch.json.id;
  const probes = [
    ['GET', `/v1/crawl/${c}`], ['GET', `/v2/crawl/${c}`], ['GET', `/v1/crawl/${c}/errors`],
    ['GET', `/v2/crawl/${c}/errors`], ['DELETE', `/v1/crawl/${c}`], ['DELETE', `/v2/crawl/${c}`],
    ['GET', `/v1/batch/scrape/${b}`], ['GET', `/v2/batch/scrape/${b}`], ['GET', `/v1/crawl/${b}`],
    ['GET', `/v2/batch/scrape/${b}/errors`], ['DELETE', `/v2/batch/scrape/${b}`],
    ['GET', `/v1/scrape/${sc.json.data.metadata.scrapeId}`], ['GET', `/v2/scrape/${sc.json.data.metadata.scrapeId}`],
    ['GET', `/v0/crawl/status/${v0.json.jobId}`], ['DELETE', `/v0/crawl/cancel/${v0.json.jobId}`],
    ['GET', `/api/batch/scrape/${b}`], ['DELETE', `/api/batch/scrape/${b}`], ['POST', `/api/batch/scrape/${b}/retry`],
  ];
  for (const [method, path] of probes) {
    const mine = await request(cinder.base + path.replace(/[0-9a-f-]{36}/, '123e4567-e89b-42d3-a456-426614174000'), method, undefined, bearer(keyB));
    const theirs = await request(cinder.base + path, method, undefined, bearer(keyB));
    assert.equal(theirs.status, 404, `${method} ${path}: ${theirs.text}`);
    assert.equal(theirs.text.replace(/"id":"[^"]*"/, ''), mine.text.replace(/"id":"[^"]*"/, ''),
      `${method} ${path} must look exactly like an unknown id`);
  }
  const ongoing = await cinder.get('/v1/crawl/ongoing', bearer(keyB));
  assert.equal(ongoing.json.crawls.some((x) => x.id === c), false);
  const append = await cinder.post('/v1/batch/scrape', { urls: pages('iso2', 5, 1), appendToId: b }, bearer(keyB));
  assert.equal(append.status, 404, append.text);
  // the owner still sees everything
  assert.equal((await cinder.get(`/v1/crawl/${c}`, bearer(keyA))).status, 200);
});

test('credits: a job reserves its pages up front (402 naming the need, limit never shrunk), charges documents, refunds the rest', async () => {
  let r = await cinder.post('/v1/crawl', { url: site.url('/crawl/poor/'), limit: 10 }, bearer(keyPoor));
  assert.equal(r.status, 402, r.text);
  assert.equal(r.json.code, 'INSUFFICIENT_CREDITS');
  assert.match(r.json.error, /reserves 10 credit\(s\).*poor has 3 left/);
  r = await cinder.post('/v2/batch/scrape', { urls: pages('poor', 0, 4) }, bearer(keyPoor));
  assert.equal(r.status, 402, r.text);
  assert.equal(await balance(keyPoor), 3, 'a refused job costs nothing');
  // a crawl reserves its limit while it runs, and gets back all it did not charge
  const before0 = await balance(keyA);
  r = await cinder.post('/v2/crawl', { url: site.url('/crawl/quietledger5/'), limit: 50 }, bearer(keyA));
  assert.equal(r.status, 200, r.text);
  const during = await balance(keyA);
  assert.ok(during <= before0 - 1, 'credits are reserved while it runs');
  const st = await waitStatus(`/v2/crawl/${r.json.id}`, keyA);
  assert.equal(st.status, 'completed');
  assert.ok(st.completed > 0);
  assert.equal(st.creditsUsed, st.completed, 'creditsUsed is the ledger figure: one per document');
  assert.equal(await balance(keyA), before0 - st.creditsUsed, 'everything not charged came back');
  // failed pages cost nothing
  const before1 = await balance(keyA);
  r = await cinder.post('/v1/batch/scrape', { urls: [site.url('/'), 'http://127.0.0.1:1/refused', site.url('/')] }, bearer(keyA));
  assert.equal(r.status, 200, r.text);
  const bs = await waitStatus(`/v1/batch/scrape/${r.json.id}`, keyA);
  assert.equal(bs.completed, 1);
  assert.equal(bs.creditsUsed, 1);
  assert.equal(await balance(keyA), before1 - 1);
});

test('a sync scrape needs a credit: 402 with none left, one credit per document', async () => {
  const k = await makeKey(data, 'single', ['--credits', '1']);
  await sleep(2100); // the server re-reads the keys table every 2 s
  let r = await cinder.post('/v1/scrape', { url: site.url('/') }, bearer(k));
  assert.equal(r.status, 200, r.text);
  r = await cinder.get('/v1/team/credit-usage', bearer(k));
  assert.equal(r.json.data.remaining_credits, 0);
  r = await cinder.post('/v2/scrape', { url: site.url('/') }, bearer(k));
  assert.equal(r.status, 402, r.text);
  assert.equal((await cinderKeys(data, ['credits', '--team', 'single', '--add', '2'])).status, 0);
  r = await cinder.post('/v2/scrape', { url: 'http://127.0.0.1:1/refused' }, bearer(k));
  assert.notEqual(r.status, 200);
  assert.equal(await balance(k), 2, 'a failed scrape is refunded');
});

test('per-key rate limit: 429 with Retry-After once the bucket is empty', async () => {
  const codes = [];
  let last;
  for (let i = 0; i < 5; i++) {
    last = await cinder.get('/v1/team/credit-usage', bearer(keyRate));
    codes.push(last.status);
  }
  assert.deepEqual(codes, [200, 200, 200, 429, 429]);
  assert.ok(Number(last.headers.get('retry-after')) >= 1 && Number(last.headers.get('retry-after')) <= 20);
  assert.equal(last.json.code, 'RATE_LIMIT_EXCEEDED');
  // other keys are not affected
  assert.equal((await cinder.get('/v1/team/credit-usage', bearer(keyB))).status, 200);
});

test('x-idempotency-key: a reused key is 409, per team', async () => {
  const h = { ...bearer(keyB), 'x-idempotency-key': 'c0ffee00-1111-4222-8333-444455556666' };
  let r = await cinder.post('/v1/crawl', { url: site.url('/crawl/idem/'), limit: 2 }, h);
  assert.equal(r.status, 200, r.text);
  r = await cinder.post('/v1/crawl', { url: site.url('/crawl/idem/'), limit: 2 }, h);
  assert.equal(r.status, 409);
  assert.equal(r.json.error, 'Idempotency key already used');
  r = await cinder.post('/v1/batch/scrape', { urls: pages('idem', 0, 1) }, h);
  assert.equal(r.status, 409);
  r = await cinder.post('/v1/crawl', { url: site.url('/crawl/idem/'), limit: 2 },
    { ...bearer(keyA), 'x-idempotency-key': h['x-idempotency-key'] });
  assert.equal(r.status, 200, 'another team may use the same key');
  // a refused request does not burn its key
  const p = { ...bearer(keyPoor), 'x-idempotency-key': 'refused-once' };
  assert.equal((await cinder.post('/v1/crawl', { url: site.url('/crawl/idem/'), limit: 100 }, p)).status, 402);
  assert.equal((await cinder.post('/v1/crawl', { url: site.url('/crawl/idem/'), limit: 1 }, p)).status, 200);
});

test('SDK: getCreditUsage (v2 and v1), getTokenUsage, getConcurrency', async () => {
  const fc = new Firecrawl({ apiUrl: cinder.base, apiKey: keyA });
  const usage = await fc.getCreditUsage();
  assert.equal(usage.remainingCredits, await balance(keyA));
  assert.ok(usage.remainingCredits > 0 && usage.remainingCredits < 5000);
  const tokens = await fc.getTokenUsage();
  assert.equal(typeof tokens.remainingTokens, 'number');
  const conc = await fc.getConcurrency();
  assert.equal(typeof conc.concurrency, 'number');
  assert.equal(typeof conc.maxConcurrency, 'number');
  const v1 = new FirecrawlAppV1({ apiUrl: cinder.base, apiKey: keyB });
  const u1 = await v1.getCreditUsage();
  assert.equal(u1.data.remaining_credits, 99999999, 'a team without a limit');
  const bad = new Firecrawl({ apiUrl: cinder.base, apiKey: 'fc-wrong' });
  await assert.rejects(bad.getCreditUsage(), /403|Forbidden|invalid/i);
});

test('cancel contract: 500-URL batch at concurrency 4, nothing reaches the site 1 s after, items and credits add up', async () => {
  await site.reset();
  const start = await balance(keyA);
  const urls = pages('slowledger', 0, 500);
  const c = await cinder.post('/v2/batch/scrape', { urls, maxConcurrency: 4 }, bearer(keyA));
  assert.equal(c.status, 200, c.text);
  assert.equal(await balance(keyA), start - 500, 'the batch reserved one credit per URL');
  await sleep(700);
  const del = await cinder.delete(`/v2/batch/scrape/${c.json.id}`, bearer(keyA));
  assert.equal(del.status, 200, del.text);
  assert.equal(del.json.status, 'cancelled');
  assert.equal(del.json.creditsRefunded, del.json.cancelledItems, 'each cancelled item is refunded');
  await sleep(1000);
  const log1 = (await request(site.url('/_log?prefix=/crawl/slowledger/'), 'GET')).json;
  await sleep(1500);
  const log2 = (await request(site.url('/_log?prefix=/crawl/slowledger/'), 'GET')).json;
  assert.equal(log2.length, log1.length, 'no new request reached the site 1 s after the cancel');
  const st = await cinder.get(`/v2/batch/scrape/${c.json.id}`, bearer(keyA));
  const errs = await cinder.get(`/v2/batch/scrape/${c.json.id}/errors`, bearer(keyA));
  const failed = errs.json.errors.length;
  assert.equal(del.json.cancelledItems + st.json.completed + failed, 500,
    JSON.stringify({ cancelled: del.json.cancelledItems, completed: st.json.completed, failed }));
  assert.equal(st.json.creditsUsed, st.json.completed);
  assert.equal(await balance(keyA), start - st.json.creditsUsed, 'balance = start - charged');
  const again = await cinder.delete(`/v2/batch/scrape/${c.json.id}`, bearer(keyA));
  assert.equal(again.status, 409);
  assert.equal(again.json.code, 'ALREADY_TERMINAL');
});

test('a revoked key stops working while the server runs', async () => {
  const k = await makeKey(data, 'shortlived');
  await sleep(2100);
  assert.equal((await cinder.get('/v1/team/credit-usage', bearer(k))).status, 200);
  assert.equal((await cinderKeys(data, ['revoke', k.slice(0, 11)])).status, 0);
  await sleep(2100);
  const r = await cinder.get('/v1/team/credit-usage', bearer(k));
  assert.equal(r.status, 401);
  assert.match(r.json.error, /^Unauthorized: Invalid token.*revoked/);
});
