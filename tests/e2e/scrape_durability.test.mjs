// A sync scrape is a one-item job on the scheduler: after kill -9 in the middle of one, the
// restarted server resumes it (the page is fetched again and the credit charged once) or, when
// the target is gone, fails it and gives the credit back; no credit stays reserved.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, startCinder, makeKey, dataDir } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const bearer = (key) => ({ Authorization: `Bearer ${key}` });
let cinder;
let site;

after(async () => {
  if (cinder) await cinder.stop();
  if (site) await site.stop();
});

async function balance(key) {
  const r = await cinder.get('/v2/team/credit-usage', bearer(key));
  assert.equal(r.status, 200, r.text);
  return r.json.data.remainingCredits;
}

async function until(what, fn, ms = 30000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const fetchesOf = async (path) => (await site.stats()).paths[path] ?? 0;

test('kill -9 during a sync scrape: resumed after restart, fetched again, one credit charged', async () => {
  site = await startSite();
  const data = dataDir();
  const key = await makeKey(data, 'durable', ['--credits', '10']);
  cinder = await startCinder(['--allow-private'], {}, data);
  const pending = cinder.post('/v1/scrape', { url: site.url('/slow?ms=2500') }, bearer(key)).catch((e) => e);
  await until('the scrape to reach the site', async () => (await fetchesOf('/slow')) === 1);
  assert.equal(await balance(key), 9, 'one credit reserved while it runs');
  await cinder.kill9();
  await pending;
  cinder = await startCinder(['--allow-private'], {}, data);
  assert.match(cinder.log(), /resumed .*1 scrape\(s\)/);
  await until('the resumed scrape to fetch the page again', async () => (await fetchesOf('/slow')) === 2);
  await sleep(3000); // the page answers after 2.5 s; the outcome is then committed
  assert.equal(await balance(key), 9, 'charged once: reserved = charged');
  // the same server goes on serving scrapes on the same scheduler
  const r = await cinder.post('/v1/scrape', { url: site.url('/slow?ms=10') }, bearer(key));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.data.metadata.statusCode, 200);
  assert.equal(await balance(key), 8);
  assert.equal(await cinder.stop(), 0);
  cinder = undefined;
});

test('kill -9 during a sync scrape whose target is gone after the restart: failed, credit refunded', async () => {
  const data = dataDir();
  const key = await makeKey(data, 'refund', ['--credits', '10']);
  cinder = await startCinder(['--allow-private'], {}, data);
  const pending = cinder.post('/v1/scrape', { url: site.url('/hang') }, bearer(key)).catch((e) => e);
  await until('the scrape to reach the site', async () => (await fetchesOf('/hang')) >= 1);
  assert.equal(await balance(key), 9);
  await cinder.kill9();
  await pending;
  await site.stop(); // the resumed fetch finds nothing listening
  site = undefined;
  cinder = await startCinder(['--allow-private'], {}, data);
  assert.match(cinder.log(), /resumed .*1 scrape\(s\)/);
  await until('the credit to come back', async () => (await balance(key)) === 10);
  assert.equal(await cinder.stop(), 0);
  cinder = undefined;
});
