// The Spidra dialect: /api/batch/scrape create, status with per-item results, list, retry,
// cancel (cancelledItems, creditsRefunded, 409 ALREADY_TERMINAL), x-api-key 401/403, other
// teams' batches 404, credits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, startCinder, makeKey, dataDir } from './lib.mjs';

let site, cinder, keyA, keyB;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pages = (name, from, n) => Array.from({ length: n }, (_, i) => site.url(`/crawl/${name}/p/${from + i}`));
const h = (k) => ({ 'x-api-key': k });

before(async () => {
  site = await startSite();
  const data = dataDir();
  keyA = await makeKey(data, 'spa', ['--credits', '1000']);
  keyB = await makeKey(data, 'spb');
  cinder = await startCinder(['--allow-private'], {}, data);
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

async function balance(k) {
  return (await cinder.get('/v2/team/credit-usage', { Authorization: `Bearer ${k}` })).json.data.remainingCredits;
}

async function waitBatch(id, k = keyA, until = (b) => ['completed', 'failed', 'cancelled'].includes(b.status)) {
  const t0 = Date.now();
  for (;;) {
    const r = await cinder.get(`/api/batch/scrape/${id}`, h(k));
    assert.equal(r.status, 200, r.text);
    if (until(r.json)) return r.json;
    assert.ok(Date.now() - t0 < 40000, `batch ${id} not done: ${r.text.slice(0, 300)}`);
    await sleep(100);
  }
}

test('auth: missing x-api-key 401, invalid 403, in Spidra\'s envelope', async () => {
  let r = await cinder.post('/api/batch/scrape', { urls: [site.url('/')] });
  assert.equal(r.status, 401);
  assert.equal(r.json.status, 'error');
  assert.ok(r.json.message);
  r = await cinder.post('/api/batch/scrape', { urls: [site.url('/')] }, h('spd_wrong'));
  assert.equal(r.status, 403);
  assert.equal(r.json.status, 'error');
});

test('create: 202 with batchId, total and Location; items complete with their results', async () => {
  const urls = [site.url('/'), 'http://127.0.0.1:1/refused', site.url('/pages/article.html')];
  const r = await cinder.post('/api/batch/scrape', { urls, extractContentOnly: true }, h(keyA));
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.status, 'queued');
  assert.match(r.json.batchId, /^[0-9a-f-]{36}$/);
  assert.equal(r.json.total, 3);
  assert.equal(r.headers.get('location'), `/api/batch/scrape/${r.json.batchId}`);
  const b = await waitBatch(r.json.batchId);
  assert.equal(b.status, 'completed', 'completed even with a failed item');
  assert.equal(b.totalUrls, 3);
  assert.equal(b.completedCount, 2);
  assert.equal(b.failedCount, 1);
  assert.ok(b.createdAt && b.finishedAt);
  assert.deepEqual(b.items.map((i) => i.url), urls);
  const [home, bad, article] = b.items;
  assert.equal(home.status, 'completed');
  assert.match(home.result.content, /Fixture site/);
  assert.equal(home.creditsUsed, 1);
  assert.equal(bad.status, 'failed');
  assert.ok(bad.error);
  assert.equal(bad.result, null);
  assert.equal(bad.creditsUsed, 0);
  assert.equal(article.status, 'completed');
  assert.ok(home.uuid !== article.uuid);
});

test('create: validation errors are 400 naming the field', async () => {
  const cases = [
    [{}, 'urls'],
    [{ urls: [] }, 'urls'],
    [{ urls: pages('v', 0, 51) }, 'urls'],
    [{ urls: ['ftp://example.com/x'] }, 'urls[0]'],
    [{ urls: [site.url('/')], prompt: 'extract prices' }, 'prompt'],
    [{ urls: [site.url('/')], output: 'json' }, 'output'],
    [{ urls: [site.url('/')], screenshot: true }, 'screenshot'],
    [{ urls: [site.url('/')], cookies: 5 }, 'cookies'],
  ];
  for (const [body, field] of cases) {
    const r = await cinder.post('/api/batch/scrape', body, h(keyA));
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    assert.equal(r.json.status, 'error');
    assert.ok(JSON.stringify(r.json.errors).includes(field), `${field} in ${r.text}`);
  }
  const r = await cinder.post('/api/batch/scrape', '{bad', h(keyA));
  assert.equal(r.status, 400);
});

test('cookies are sent as a Cookie header', async () => {
  const r = await cinder.post('/api/batch/scrape', { urls: [site.url('/headers')], cookies: 'a=1; b=2' }, h(keyA));
  const b = await waitBatch(r.json.batchId);
  assert.match(b.items[0].result.content, /a=1; b=2/);
});

test('retry re-queues failed items under the same id and reserves fresh credits', async () => {
  const start = await balance(keyA);
  const flaky = site.url('/flaky?key=spidra-retry&fails=4');
  const r = await cinder.post('/api/batch/scrape', { urls: [site.url('/'), flaky] }, h(keyA));
  let b = await waitBatch(r.json.batchId);
  assert.deepEqual([b.completedCount, b.failedCount], [1, 1], JSON.stringify(b.items.map((i) => i.error)));
  assert.equal(await balance(keyA), start - 1);
  const rt = await cinder.post(`/api/batch/scrape/${r.json.batchId}/retry`, undefined, h(keyA));
  assert.equal(rt.status, 202, rt.text);
  assert.deepEqual(rt.json, { status: 'queued', retriedCount: 1 });
  b = await waitBatch(r.json.batchId);
  assert.equal(b.status, 'completed');
  assert.deepEqual([b.completedCount, b.failedCount], [2, 0]);
  assert.equal(b.items[1].status, 'completed');
  assert.match(b.items[1].result.content, /flaky success/);
  assert.equal(await balance(keyA), start - 2);
  const none = await cinder.post(`/api/batch/scrape/${r.json.batchId}/retry`, undefined, h(keyA));
  assert.equal(none.status, 400);
  assert.equal(none.json.status, 'error');
});

test('cancel: pending items stopped and refunded, running finish; terminal → 409 ALREADY_TERMINAL', async () => {
  const start = await balance(keyA);
  const r = await cinder.post('/api/batch/scrape', { urls: pages('slowspidra', 0, 40) }, h(keyA));
  assert.equal(r.status, 202);
  await waitBatch(r.json.batchId, keyA, (b) => b.status === 'running');
  const del = await cinder.delete(`/api/batch/scrape/${r.json.batchId}`, h(keyA));
  assert.equal(del.status, 200, del.text);
  assert.equal(del.json.status, 'cancelled');
  assert.ok(del.json.cancelledItems > 0 && del.json.cancelledItems < 40);
  assert.equal(del.json.creditsRefunded, del.json.cancelledItems);
  const b = await waitBatch(r.json.batchId, keyA, (x) => x.items.every((i) => i.status !== 'running'));
  assert.equal(b.status, 'cancelled');
  const cancelled = b.items.filter((i) => i.status === 'cancelled').length;
  assert.equal(cancelled, del.json.cancelledItems);
  assert.equal(b.completedCount + b.failedCount + cancelled, 40);
  assert.equal(await balance(keyA), start - b.completedCount);
  const again = await cinder.delete(`/api/batch/scrape/${r.json.batchId}`, h(keyA));
  assert.equal(again.status, 409);
  assert.deepEqual(again.json, { status: 'error', message: 'Cannot cancel a batch that is already cancelled.', code: 'ALREADY_TERMINAL' });
  const retry = await cinder.post(`/api/batch/scrape/${r.json.batchId}/retry`, undefined, h(keyA));
  assert.equal(retry.status, 400, 'a cancelled batch cannot be retried');
  const done = await cinder.post('/api/batch/scrape', { urls: [site.url('/')] }, h(keyA));
  await waitBatch(done.json.batchId);
  const d2 = await cinder.delete(`/api/batch/scrape/${done.json.batchId}`, h(keyA));
  assert.equal(d2.status, 409);
  assert.equal(d2.json.message, 'Cannot cancel a batch that is already completed.');
});

test('list: paged, newest first, only the caller\'s batches', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++)
    ids.push((await cinder.post('/api/batch/scrape', { urls: [site.url('/')] }, h(keyB))).json.batchId);
  let r = await cinder.get('/api/batch/scrape?page=1&limit=2', h(keyB));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.jobs.map((j) => j.uuid), [ids[2], ids[1]]);
  assert.deepEqual(r.json.pagination, { page: 1, limit: 2, total: 3, totalPages: 2 });
  const j = r.json.jobs[0];
  for (const k of ['status', 'totalUrls', 'completedCount', 'failedCount', 'createdAt', 'finishedAt'])
    assert.ok(k in j, k);
  r = await cinder.get('/api/batch/scrape?page=2&limit=2', h(keyB));
  assert.deepEqual(r.json.jobs.map((x) => x.uuid), [ids[0]]);
  r = await cinder.get('/api/batch/scrape', h(keyA));
  assert.equal(r.json.jobs.some((x) => ids.includes(x.uuid)), false);
  assert.equal(r.json.pagination.limit, 20);
  assert.equal((await cinder.get('/api/batch/scrape?limit=51', h(keyB))).status, 400);
  assert.equal((await cinder.get('/api/batch/scrape?page=0', h(keyB))).status, 400);
});

test('unknown, malformed and other teams\' ids are 404', async () => {
  const mine = (await cinder.post('/api/batch/scrape', { urls: [site.url('/')] }, h(keyA))).json.batchId;
  for (const id of ['123e4567-e89b-42d3-a456-426614174000', 'nope', mine]) {
    for (const [m, p] of [['GET', ''], ['DELETE', ''], ['POST', '/retry']]) {
      const r = await (m === 'GET' ? cinder.get(`/api/batch/scrape/${id}${p}`, h(keyB))
        : m === 'DELETE' ? cinder.delete(`/api/batch/scrape/${id}${p}`, h(keyB))
          : cinder.post(`/api/batch/scrape/${id}${p}`, undefined, h(keyB)));
      assert.equal(r.status, 404, `${m} ${id}${p}: ${r.text}`);
      assert.deepEqual(r.json, { status: 'error', message: 'Batch not found', code: 'NOT_FOUND' });
    }
  }
});

test('out of credits: 403 as Spidra answers', async () => {
  const data = cinder.data;
  const k = await makeKey(data, 'spidra-poor', ['--credits', '1']);
  const r = await cinder.post('/api/batch/scrape', { urls: pages('poor', 0, 2) }, h(k));
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.code, 'INSUFFICIENT_CREDITS');
});
