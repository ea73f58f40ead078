// Skop dialect (document discovery) through raw HTTP: create, validation, status, ranked
// results, single_page, cancel, unknown ids, kill -9, and teams (isolation, 402).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, startCinder, makeKey, dataDir } from './lib.mjs';

let site, cinder;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

before(async () => {
  site = await startSite();
  cinder = await startCinder(['--allow-private']);
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

const web = (key, rest = '') => site.url(`/docs-site/${key}/${rest}`);

async function create(body, server = cinder, headers = {}) {
  const c = await server.post('/scrape/', body, headers);
  assert.equal(c.status, 201, c.text);
  return c.json.job_id;
}

async function waitDone(id, server = cinder, headers = {}, waitMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const s = await server.get(`/scrape/status/${id}`, headers);
    assert.equal(s.status, 200, s.text);
    if (!s.json.is_active) return s.json;
    assert.ok(Date.now() - t0 < waitMs, `${id} still running after ${waitMs} ms`);
    await sleep(100);
  }
}

async function results(id, server = cinder, headers = {}) {
  const r = await server.get(`/scrape/results/${id}`, headers);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const fetched = async (key) => (await (await fetch(site.url(`/_stats?prefix=/docs-site/${key}/`))).json()).paths;

test('create: 201 with a job_ id; the crawl runs to completed with its counters', async () => {
  const c = await cinder.post('/scrape/', { website: web('basic'), prompt: 'budget for housing and parks', parameters: { single_page: false } });
  assert.equal(c.status, 201, c.text);
  assert.match(c.json.job_id, /^job_[a-z0-9]+$/);
  assert.match(c.json.job_id, /^job_[0-9a-f]{32}$/);
  assert.equal(c.json.status, 'pending');
  assert.equal(typeof c.json.message, 'string');
  assert.match(c.json.created_at, ISO);
  assert.match(c.json.estimated_completion, ISO);
  const noSlash = await cinder.post('/scrape', { website: web('basic2'), prompt: 'budget for housing and parks' });
  assert.equal(noSlash.status, 201, noSlash.text);

  const s = await waitDone(c.json.job_id);
  assert.equal(s.job_id, c.json.job_id);
  assert.equal(s.status, 'completed');
  assert.equal(s.progress, 100);
  assert.equal(s.total_pages_crawled, 4, 'home, finance, planning, about');
  assert.equal(s.is_active, false);
  assert.equal(s.has_errors, false);
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.warnings, []);
  assert.deepEqual(s.agents_completed, ['crawler']);
  assert.equal(s.current_agent, null);
  for (const k of ['created_at', 'started_at', 'completed_at', 'estimated_completion']) assert.match(s[k], ISO, k);
  assert.equal(s.total_documents_found, 1, 'only the budget matches "budget housing parks"');

  const paths = await fetched('basic');
  assert.deepEqual(Object.keys(paths).filter((p) => p.includes('/files/')), [], 'document links are never fetched');
  assert.equal(paths['/docs-site/basic/download/42'], 1, 'a link without extension is fetched once');
  assert.equal(paths['/docs-site/basic/finance'], 1);
  await waitDone(noSlash.json.job_id);
});

test('results: documents ranked by the prompt, merged by URL, filtered by threshold and size', async () => {
  const id = await create({ website: web('rank'), prompt: 'Find the road safety report on cycling accidents', parameters: { single_page: false, confidence_threshold: 0 } });
  await waitDone(id);
  const r = await results(id);
  assert.equal(r.job_id, id);
  assert.equal(r.status, 'completed');
  assert.equal(r.documents.length, 8);
  assert.equal(r.total_documents_found, 8);
  assert.equal(r.total_pages_crawled, 4);
  assert.equal(r.documents[0].url, web('rank', 'download/42'), 'the document matching the prompt ranks first');
  assert.equal(r.documents[0].document_type, 'pdf', 'found by its Content-Type');
  assert.equal(r.documents[0].source_page, web('rank'));
  assert.equal(r.documents[0].link_text, 'road safety report');
  assert.ok(r.documents[0].file_size_mb > 0 && r.documents[0].file_size_mb < 0.001);
  assert.ok(r.documents[0].confidence_score > 0.5 && r.documents[0].confidence_score < 1);
  for (let i = 1; i < r.documents.length; i++)
    assert.ok(r.documents[i - 1].confidence_score >= r.documents[i].confidence_score, 'sorted by confidence');
  const byName = Object.fromEntries(r.documents.map((d) => [d.name, d]));
  assert.deepEqual(Object.keys(byName).sort(), ['42', 'Transport Strategy.PDF', 'annual-budget-2023.pdf', 'big-report',
    'council-minutes-march.docx', 'grants-2023.xlsx', 'local-plan.pdf', 'tourism-brochure.pptx']);
  const budget = byName['annual-budget-2023.pdf'];
  assert.equal(budget.link_text, 'Annual budget 2023 | Budget 2023 (PDF)', 'one document, texts of both pages merged');
  assert.equal(budget.source_page, web('rank'));
  assert.equal(budget.file_size_mb, null);
  assert.equal(byName['grants-2023.xlsx'].document_type, 'xlsx');
  assert.equal(byName['council-minutes-march.docx'].document_type, 'docx');
  assert.equal(byName['tourism-brochure.pptx'].url, 'http://docs-cdn.invalid/tourism-brochure.pptx');
  assert.equal(byName['big-report'].file_size_mb, 2);
  for (const d of r.documents) {
    assert.match(d.extracted_at, ISO);
    for (const k of ['name', 'url', 'source_page', 'document_type', 'confidence_score', 'file_size_mb']) assert.ok(k in d, k);
  }
  assert.equal(r.metadata.original_website, web('rank'));
  assert.equal(r.metadata.original_prompt, 'Find the road safety report on cycling accidents');
  assert.deepEqual(r.metadata.parameters, { single_page: false, timeout: 1800, confidence_threshold: 0, file_type: 'document', max_file_size_mb: 100 });
  assert.equal(r.total_documents_downloaded, 0);
  assert.equal(r.success_rate, 1);
  assert.equal(r.cost, 6, 'credits: 4 pages and the 2 links that answered with a PDF');
  assert.ok(r.total_runtime_seconds >= 0 && r.runtime_minutes >= 0);
  assert.equal(r.has_errors, false);

  const strict = await create({ website: web('rank2'), prompt: 'transport strategy: buses and trams', parameters: { single_page: false, max_file_size_mb: 1 } });
  await waitDone(strict);
  const s = await results(strict);
  assert.equal(s.documents[0].name, 'Transport Strategy.PDF');
  assert.ok(s.documents.every((d) => d.confidence_score >= 0.1), 'default threshold 0.1');
  assert.ok(s.documents.length < 8 && s.documents.length === s.total_documents_found);
  assert.ok(!s.documents.some((d) => d.name === 'big-report'), 'over max_file_size_mb');
  assert.ok(s.warnings.some((w) => /max_file_size_mb/.test(w)), JSON.stringify(s.warnings));
});

test('single_page (the default): only the start page is read', async () => {
  const id = await create({ website: web('single'), prompt: 'council meeting minutes', parameters: { confidence_threshold: 0 } });
  const s = await waitDone(id);
  assert.equal(s.total_pages_crawled, 1);
  const r = await results(id);
  assert.equal(r.metadata.parameters.single_page, true);
  assert.deepEqual(r.documents.map((d) => d.name).sort(), ['annual-budget-2023.pdf', 'council-minutes-march.docx', 'tourism-brochure.pptx']);
  assert.equal(r.documents[0].name, 'council-minutes-march.docx');
  assert.equal(r.cost, 1);
  assert.deepEqual(Object.keys(await fetched('single')), ['/docs-site/single/']);
});

test('validation errors: 400 in Skop envelope naming the field', async () => {
  const ok = { website: web('v'), prompt: 'annual budget documents' };
  const cases = [
    [{ prompt: ok.prompt }, 'website'],
    [{ ...ok, website: 42 }, 'website'],
    [{ ...ok, website: 'ftp://example.com/' }, 'website'],
    [{ ...ok, website: 'example.com' }, 'website'],
    [{ website: ok.website }, 'prompt'],
    [{ ...ok, prompt: 'too short' }, 'prompt'],
    [{ ...ok, prompt: 'x'.repeat(501) }, 'prompt'],
    [{ ...ok, parameters: [] }, 'parameters'],
    [{ ...ok, parameters: { single_page: 'yes' } }, 'parameters.single_page'],
    [{ ...ok, parameters: { timeout: 59 } }, 'parameters.timeout'],
    [{ ...ok, parameters: { timeout: 3601 } }, 'parameters.timeout'],
    [{ ...ok, parameters: { timeout: 90.5 } }, 'parameters.timeout'],
    [{ ...ok, parameters: { confidence_threshold: 1.5 } }, 'parameters.confidence_threshold'],
    [{ ...ok, parameters: { confidence_threshold: '0.5' } }, 'parameters.confidence_threshold'],
    [{ ...ok, parameters: { file_type: 'pdf' } }, 'parameters.file_type'],
    [{ ...ok, parameters: { max_file_size_mb: 0 } }, 'parameters.max_file_size_mb'],
    [{ ...ok, parameters: { max_file_size_mb: 501 } }, 'parameters.max_file_size_mb'],
    ['{"website": ', 'body'],
    [[ok], 'body'],
  ];
  for (const [body, field] of cases) {
    const r = await cinder.post('/scrape/', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error, true);
    assert.equal(r.json.status_code, 400);
    assert.equal(r.json.path, '/scrape/');
    assert.match(r.json.timestamp, ISO);
    assert.equal(r.json.details.field, field, JSON.stringify(body));
    assert.equal(typeof r.json.details.reason, 'string');
  }
  const edge = await cinder.post('/scrape/', { ...ok, prompt: 'é'.repeat(10), parameters: { timeout: 60, confidence_threshold: 1, max_file_size_mb: 500, file_type: 'document' } });
  assert.equal(edge.status, 201, 'limits are inclusive and the prompt length counts characters');
  await waitDone(edge.json.job_id);
});

test('cancel: a running job is cancelled (200), then 400; a completed job answers 400', async () => {
  const id = await create({ website: web('cancel', 'chain/0'), prompt: 'archive reports', parameters: { single_page: false } });
  let s;
  for (let i = 0; i < 100; i++) {
    s = (await cinder.get(`/scrape/status/${id}`)).json;
    if (s.total_pages_crawled >= 2) break;
    await sleep(50);
  }
  assert.equal(s.status, 'in_progress');
  assert.equal(s.is_active, true);
  assert.equal(s.current_agent, 'crawler');
  assert.ok(s.progress >= 0 && s.progress < 100);
  assert.equal(s.completed_at, null);
  const d = await cinder.delete(`/scrape/${id}`);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.job_id, id);
  assert.equal(d.json.status, 'cancelled');
  assert.equal(d.json.message, `Job ${id} cancelled successfully`);
  assert.match(d.json.cancelled_at, ISO);
  const after1 = Object.keys(await fetched('cancel')).length;
  await sleep(700);
  const after2 = Object.keys(await fetched('cancel')).length;
  assert.ok(after2 <= after1 + 1, `fetches went on after cancel: ${after1} -> ${after2}`);
  assert.ok(after2 < 20);
  const st = (await cinder.get(`/scrape/status/${id}`)).json;
  assert.equal(st.status, 'cancelled');
  assert.equal(st.is_active, false);
  const again = await cinder.delete(`/scrape/${id}`);
  assert.equal(again.status, 400, again.text);
  assert.equal(again.json.error, true);
  assert.equal(again.json.status_code, 400);
  assert.match(again.json.message, /already cancelled/);

  const done = await create({ website: web('cancel2'), prompt: 'annual budget documents' });
  await waitDone(done);
  const late = await cinder.delete(`/scrape/${done}`);
  assert.equal(late.status, 400, late.text);
  assert.match(late.json.message, /already completed/);
});

test('unknown, malformed and other dialects\' ids answer 404', async () => {
  const zero = `job_${'0'.repeat(32)}`;
  for (const id of [zero, 'job_123', 'job_', 'abc', `job_${'A'.repeat(32)}`, `job_${'0'.repeat(31)}g`]) {
    for (const [method, path] of [['get', `/scrape/status/${id}`], ['get', `/scrape/results/${id}`], ['delete', `/scrape/${id}`]]) {
      const r = await cinder[method](path);
      assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
      assert.equal(r.json.error, true);
      assert.equal(r.json.status_code, 404);
    }
  }
  const crawl = await cinder.post('/v1/crawl', { url: web('fc'), limit: 1 });
  assert.equal(crawl.status, 200, crawl.text);
  const asSkop = `job_${crawl.json.id.replaceAll('-', '')}`;
  assert.equal((await cinder.get(`/scrape/status/${asSkop}`)).status, 404, 'a Firecrawl crawl is not a Skop job');
  const id = await create({ website: web('fc2'), prompt: 'annual budget documents' });
  const uuid = id.slice(4).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  assert.equal((await cinder.get(`/v1/crawl/${uuid}`)).status, 404, 'Firecrawl does not serve discovery jobs');
  assert.equal((await cinder.delete(`/v1/crawl/${uuid}`)).status, 404);
  const ongoing = await cinder.get('/v1/crawl/ongoing');
  assert.ok(!ongoing.json.crawls.some((c) => c.id === uuid));
  await waitDone(id);
});

test('kill -9 in the middle: the job resumes and every document is found once', async () => {
  let server = await startCinder(['--allow-private']);
  const data = server.data;
  const id = await create({ website: web('kill', 'chain/0'), prompt: 'archive report', parameters: { single_page: false, confidence_threshold: 0 } }, server);
  let before;
  for (let i = 0; i < 200; i++) {
    before = (await server.get(`/scrape/status/${id}`)).json;
    if (before.total_pages_crawled >= 3) break;
    await sleep(50);
  }
  await server.kill9();
  assert.equal(before.is_active, true);
  assert.ok(before.total_pages_crawled >= 3 && before.total_pages_crawled < 31, JSON.stringify(before));
  server = await startCinder(['--allow-private'], {}, data);
  try {
    const s = await waitDone(id, server, {}, 60000);
    assert.equal(s.status, 'completed');
    assert.equal(s.total_pages_crawled, 31);
    const r = await results(id, server);
    assert.equal(r.documents.length, 31);
    assert.equal(new Set(r.documents.map((d) => d.url)).size, 31);
    assert.ok(r.documents.every((d) => /chain-\d+\.pdf$/.test(d.name)));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('teams: another team\'s job answers 404; too few credits answer 402 in the billing shape', async () => {
  const data = dataDir();
  const alpha = { authorization: `Bearer ${await makeKey(data, 'alpha')}` };
  const beta = { 'x-api-key': await makeKey(data, 'beta', ['--credits', '5']) };
  const server = await startCinder(['--allow-private'], {}, data);
  try {
    const noKey = await server.get(`/scrape/status/job_${'0'.repeat(32)}`);
    assert.equal(noKey.status, 401);
    assert.equal(noKey.json.error, true);

    const id = await create({ website: web('teams'), prompt: 'annual budget documents' }, server, alpha);
    assert.equal((await server.get(`/scrape/status/${id}`, alpha)).status, 200);
    for (const [method, path] of [['get', `/scrape/status/${id}`], ['get', `/scrape/results/${id}`], ['delete', `/scrape/${id}`]]) {
      const r = await server[method](path, beta);
      assert.equal(r.status, 404, `${method} ${path} as beta: ${r.text}`);
      assert.equal(r.json.message, 'Job not found');
    }
    await waitDone(id, server, alpha);

    const poor = await server.post('/scrape/', { website: web('teams2'), prompt: 'annual budget documents', parameters: { single_page: false } }, beta);
    assert.equal(poor.status, 402, poor.text);
    assert.equal(poor.json.error, 'insufficient_credits');
    assert.equal(poor.json.estimated_cost, 100);
    assert.equal(poor.json.current_credits, 5);
    assert.equal(poor.json.shortfall, 95);
    assert.equal(typeof poor.json.message, 'string');
    assert.match(poor.json.suggested_action, /single_page/);
    const cheap = await create({ website: web('teams2'), prompt: 'annual budget documents' }, server, beta);
    const r = await waitDone(cheap, server, beta);
    assert.equal(r.status, 'completed');
    assert.equal((await results(cheap, server, beta)).cost, 1);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
