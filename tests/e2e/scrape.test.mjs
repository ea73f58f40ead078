// The scrape API through raw HTTP: shapes, options, errors, limits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, startCinder, threadsOf } from './lib.mjs';

let site, cinder;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

before(async () => {
  site = await startSite();
  cinder = await startCinder(['--allow-private', '--max-page-size', '2MB',
    '--resolve', `pinned.example.com:${site.port}:127.0.0.1`]);
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, 'cinder exits 0 on SIGTERM');
});

test('health and root', async () => {
  for (const p of ['/health', '/v0/health/liveness', '/v0/health/readiness']) {
    const r = await cinder.get(p);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok' });
  }
  const root = await cinder.get('/');
  assert.deepEqual(root.json, { message: 'Firecrawl API', documentation_url: 'https://docs.firecrawl.dev' });
  assert.match(root.headers.get('server'), /^cinder\//);
  assert.ok(root.headers.get('x-request-id'));
  assert.match(cinder.log(), /req=[0-9a-f]+ GET \/health 200 [\d.]+ms/);
});

test('routes cinder knows but does not implement: 501 NOT_IMPLEMENTED naming them; deprecated ones say so', async () => {
  for (const [method, path] of [['POST', '/v2/map'], ['POST', '/v1/map'], ['POST', '/v2/search'], ['POST', '/v1/extract'],
    ['GET', '/v2/extract/123e4567-e89b-42d3-a456-426614174000'], ['POST', '/v2/agent'], ['POST', '/v2/crawl/params-preview']]) {
    const r = method === 'POST' ? await cinder.post(path, {}) : await cinder.get(path);
    assert.equal(r.status, 501, `${method} ${path}: ${r.text}`);
    assert.equal(r.json.code, 'NOT_IMPLEMENTED');
    assert.ok(r.json.error.startsWith(`${method} ${path} is not implemented`), r.text);
    assert.equal(r.headers.get('deprecation'), null);
  }
  for (const path of ['/v1/llmstxt', '/v1/deep-research']) {
    const r = await cinder.post(path, { url: site.url('/') });
    assert.equal(r.status, 501);
    assert.equal(r.headers.get('deprecation'), 'true');
    assert.match(r.headers.get('warning'), /^299 - ".*deprecated/);
    assert.match(r.headers.get('link'), /rel="successor-version"/);
    assert.ok(Array.isArray(r.json.warnings) && r.json.warnings.length === 1);
  }
  const v0 = await cinder.post('/v0/search', { query: 'x' });
  assert.equal(v0.status, 501);
  assert.ok(v0.json.error && v0.json.success === undefined);
});

test('v1 scrape of an article: main content, metadata, document shape', async () => {
  const url = site.url('/pages/article.html');
  const r = await cinder.post('/v1/scrape', { url });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.success, true);
  const d = r.json.data;
  assert.deepEqual(Object.keys(d).sort(), ['markdown', 'metadata']);
  assert.match(d.markdown, /^# How Lighthouses Work$/m);
  assert.match(d.markdown, /^## The Fresnel lens$/m);
  assert.match(d.markdown, /\*\*a fire on a hill\*\*/);
  assert.match(d.markdown, /^1\. Fixed: a steady light\.$/m);
  assert.match(d.markdown, /\[introduction to navigation aids\]\(http:\/\/127\.0\.0\.1:\d+\/pages\/docs\/intro\.html\)/);
  assert.match(d.markdown, /^> A first-order Fresnel lens/m);
  for (const boiler of ['Subscribe', 'Trending', 'boat insurance', 'All rights reserved', 'We use cookies'])
    assert.ok(!d.markdown.includes(boiler), `boilerplate "${boiler}" leaked`);
  const m = d.metadata;
  assert.equal(m.title, 'How Lighthouses Work - The Coastal Review');
  assert.equal(m.description, 'A short history of lighthouse optics, from open fires to the Fresnel lens.');
  assert.equal(m.language, 'en');
  assert.equal(m.sourceURL, url);
  assert.equal(m.url, url);
  assert.equal(m.statusCode, 200);
  assert.match(m.contentType, /^text\/html/);
  assert.match(m.scrapeId, UUID);
  assert.equal(m.creditsUsed, 1);
  assert.equal(m.proxyUsed, 'basic');
});

test('metadata: og, twitter, raw meta copies, absolute favicon', async () => {
  const r = await cinder.post('/v1/scrape', { url: site.url('/pages/meta.html') });
  const m = r.json.data.metadata;
  assert.equal(m.title, 'Metadata Page Title');
  assert.equal(m.language, 'fr-CA');
  assert.equal(m.keywords, 'fixture, metadata, cinder');
  assert.equal(m.robots, 'index, follow');
  assert.equal(m.ogTitle, 'OG Title');
  assert.equal(m.ogImage, 'https://example.com/og-image.png');
  assert.equal(m.ogSiteName, 'Fixture Site');
  assert.equal(m.ogLocale, 'fr_CA');
  assert.equal(m['og:title'], 'OG Title');
  assert.equal(m['twitter:card'], 'summary_large_image');
  assert.equal(m.favicon, site.url('/pages/favicon.ico'));
});

test('formats: html, rawHtml, links; onlyMainContent false keeps the whole page', async () => {
  const url = site.url('/pages/article.html');
  const r = await cinder.post('/v1/scrape', { url, formats: ['markdown', 'html', 'rawHtml', 'links'], onlyMainContent: false });
  assert.equal(r.status, 200, r.text);
  const d = r.json.data;
  assert.match(d.markdown, /Trending/);
  assert.match(d.rawHtml, /^<!DOCTYPE html>/);
  assert.match(d.rawHtml, /window\.analytics/);
  assert.ok(!d.html.includes('<script'), 'cleaned html has no scripts');
  assert.ok(d.html.includes(`href="${site.url('/pages/docs/intro.html')}"`), 'html links are absolute');
  assert.ok(d.links.includes(site.url('/pages/docs/intro.html')));
  assert.ok(d.links.includes(site.url('/pages/privacy.html')));
  assert.equal(new Set(d.links).size, d.links.length, 'links are de-duplicated');
  assert.ok(d.links.every((l) => !l.includes('#') || !l.startsWith('#')));
});

test('includeTags and excludeTags are CSS selectors', async () => {
  const url = site.url('/pages/article.html');
  const inc = await cinder.post('/v1/scrape', { url, includeTags: ['blockquote', 'ol > li:first-child'], onlyMainContent: false });
  assert.equal(inc.status, 200, inc.text);
  assert.match(inc.json.data.markdown, /first-order Fresnel lens/);
  assert.match(inc.json.data.markdown, /Fixed: a steady light/);
  assert.ok(!inc.json.data.markdown.includes('Flashing'));
  const exc = await cinder.post('/v1/scrape', { url, excludeTags: ['h2', '.byline'] });
  assert.ok(!exc.json.data.markdown.includes('The Fresnel lens\n'));
  assert.ok(!exc.json.data.markdown.includes('Morgan Keel'));
  const bad = await cinder.post('/v1/scrape', { url, includeTags: ['div[[['] });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.code, 'BAD_REQUEST');
  assert.deepEqual(bad.json.details[0].path, ['includeTags']);
});

test('a target 404 or 500 is a successful scrape carrying the status', async () => {
  for (const code of [404, 500]) {
    const r = await cinder.post('/v1/scrape', { url: site.url(`/status/${code}`) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.metadata.statusCode, code);
    assert.match(r.json.data.markdown, new RegExp(`${code}`));
  }
});

test('with --allow-private, a pinned name is fetched', async () => {
  const r = await cinder.post('/v1/scrape', { url: `http://pinned.example.com:${site.port}/pages/index.html` });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.data.metadata.statusCode, 200);
});

test('redirects: final url reported, sourceURL verbatim', async () => {
  const src = site.url('/redirect/3?pagewanted=all&et_blog');
  const r = await cinder.post('/v1/scrape', { url: src });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.data.metadata.sourceURL, src);
  assert.equal(r.json.data.metadata.url, site.url('/redirect/0'));
  const loop = await cinder.post('/v1/scrape', { url: site.url('/redirect-loop') });
  assert.equal(loop.status, 500);
  assert.equal(loop.json.code, 'SCRAPE_SITE_ERROR');
  assert.match(loop.json.error, /redirect/);
});

test('charsets: Shift-JIS and windows-1252 come out as readable UTF-8', async () => {
  const cases = [['/charset/sjis', '日本語'], ['/charset/sjis-meta', '日本語'],
    ['/charset/win1252', '€'], ['/charset/win1252', 'Café'], ['/charset/win1252-meta', '€'],
    ['/charset/utf8-bom', 'é'], ['/charset/utf16', 'é']];
  for (const [p, want] of cases) {
    const r = await cinder.post('/v1/scrape', { url: site.url(p), onlyMainContent: false });
    assert.equal(r.status, 200, `${p}: ${r.text}`);
    assert.ok(r.json.data.markdown.includes(want), `${p}: ${r.json.data.markdown}`);
    assert.ok(!r.json.data.markdown.includes('\ufffd'), `${p} has replacement characters`);
  }
});

test('content types: JSON fenced, text as is, binary refused', async () => {
  const j = await cinder.post('/v1/scrape', { url: site.url('/json'), formats: ['markdown', 'rawHtml'] });
  assert.equal(j.status, 200, j.text);
  assert.match(j.json.data.markdown, /^```json\n\{"hello":"world","n":\[1,2,3\]\}\n```$/);
  assert.equal(j.json.data.rawHtml.trim(), '{"hello":"world","n":[1,2,3]}');
  const t = await cinder.post('/v1/scrape', { url: site.url('/text') });
  assert.equal(t.status, 200);
  assert.match(t.json.data.markdown, /snake_case \*stars\*/);
  for (const p of ['/binary', '/pdf', '/octet']) {
    const b = await cinder.post('/v1/scrape', { url: site.url(p) });
    assert.equal(b.json.code, 'SCRAPE_UNSUPPORTED_FILE_ERROR', `${p}: ${b.text}`);
    assert.equal(b.json.success, false);
  }
});

test('gzip responses are decoded; user headers and the cinder User-Agent are sent', async () => {
  const g = await cinder.post('/v1/scrape', { url: site.url('/gzip'), onlyMainContent: false });
  assert.equal(g.status, 200, g.text);
  assert.ok(g.json.data.markdown.length > 10);
  const h = await cinder.post('/v1/scrape', { url: site.url('/headers'), headers: { 'X-Test': 'yes' } });
  const echoed = JSON.parse(h.json.data.markdown.replace(/^```json\n|\n```$/g, ''));
  assert.equal(echoed['x-test'], 'yes');
  assert.match(echoed['user-agent'], /^cinder\//);
  assert.match(echoed['accept-encoding'] || '', /gzip/);
});

test('timeout: 408 SCRAPE_TIMEOUT no later than timeout + 1 s', async () => {
  const r = await cinder.post('/v1/scrape', { url: site.url('/hang'), timeout: 1500 });
  assert.equal(r.status, 408, r.text);
  assert.deepEqual(r.json, { success: false, code: 'SCRAPE_TIMEOUT', error: 'Scrape timed out' });
  assert.ok(r.ms < 2500, `took ${r.ms} ms`);
  const trickle = await cinder.post('/v1/scrape', { url: site.url('/trickle?bytes=100&ms=100'), timeout: 1000 });
  assert.equal(trickle.status, 408);
});

test('fetch failures: DNS, connection refused, page over the size cap', async () => {
  const dns = await cinder.post('/v1/scrape', { url: 'http://does-not-exist.invalid/' });
  assert.equal(dns.json.code, 'SCRAPE_DNS_RESOLUTION_ERROR', dns.text);
  assert.match(dns.json.error, /does-not-exist\.invalid/);
  const big = await cinder.post('/v1/scrape', { url: site.url('/big?bytes=5000000') });
  assert.equal(big.json.code, 'SCRAPE_SITE_ERROR', big.text);
  assert.match(big.json.error, /larger than/);
  const refused = await cinder.post('/v1/scrape', { url: 'http://127.0.0.1:1/' });
  assert.equal(refused.json.success, false);
  assert.equal(refused.json.code, 'SCRAPE_SITE_ERROR');
});

test('request validation: malformed JSON, wrong types, unknown fields, huge bodies', async () => {
  const bad = await cinder.post('/v1/scrape', '{"url": ');
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json, { success: false, code: 'BAD_REQUEST_INVALID_JSON', error: 'Bad request, malformed JSON' });
  const types = await cinder.post('/v1/scrape', { url: 42, onlyMainContent: 'yes', timeout: -5, formats: ['markdown', 'nope'] });
  assert.equal(types.status, 400);
  assert.ok(types.json.error.includes(types.json.details[0].message), types.text); /* the sentence, as Firecrawl */
  const paths = types.json.details.map((d) => d.path.join('.'));
  for (const p of ['url', 'onlyMainContent', 'timeout', 'formats.1']) assert.ok(paths.includes(p), `${p} named in ${paths}`);
  const missing = await cinder.post('/v1/scrape', {});
  assert.equal(missing.status, 400);
  assert.deepEqual(missing.json.details[0].path, ['url']);
  const ftp = await cinder.post('/v1/scrape', { url: 'ftp://example.com/x' });
  assert.equal(ftp.status, 400);
  const unknown = await cinder.post('/v1/scrape', { url: site.url('/pages/index.html'), shinyNewOption: 1, origin: 'js-sdk@9' });
  assert.equal(unknown.status, 200, unknown.text);
  assert.match(unknown.json.data.warning, /shinyNewOption/);
  const huge = await cinder.post('/v1/scrape', JSON.stringify({ url: 'x', pad: 'a'.repeat(11 * 1000 * 1000) }));
  assert.equal(huge.status, 413);
  const wait = await cinder.post('/v1/scrape', { url: site.url('/pages/index.html'), timeout: 1000, waitFor: 900 });
  assert.equal(wait.status, 400);
  assert.match(wait.json.details[0].message, /half of timeout/);
  assert.equal(wait.json.error, 'waitFor must not exceed half of timeout');
  const badUrl = await cinder.post('/v2/scrape', { url: 'not a url' });
  assert.equal(badUrl.status, 400);
  assert.match(badUrl.json.error, /Invalid URL/);
});

test('options cinder cannot honour: clear 400s and warnings', async () => {
  const url = site.url('/pages/index.html');
  const act = await cinder.post('/v1/scrape', { url, actions: [{ type: 'wait', milliseconds: 10 }] });
  assert.equal(act.status, 400);
  assert.equal(act.json.code, 'SCRAPE_ACTIONS_NOT_SUPPORTED');
  assert.match(act.json.error, /Actions are not supported/); /* Firecrawl's words */
  const noAct = await cinder.post('/v1/scrape', { url, actions: [] });
  assert.equal(noAct.status, 200);
  const shot = await cinder.post('/v1/scrape', { url, formats: ['markdown', 'screenshot'] });
  assert.equal(shot.status, 400);
  assert.match(shot.json.details[0].message, /not supported/);
  const json = await cinder.post('/v2/scrape', { url, formats: [{ type: 'json', prompt: 'x' }] });
  assert.equal(json.status, 400);
  const mobile = await cinder.post('/v1/scrape', { url, mobile: true, proxy: 'stealth', waitFor: 100 });
  assert.equal(mobile.status, 200);
  assert.match(mobile.json.data.warning, /mobile/);
  assert.match(mobile.json.data.warning, /stealth/);
  assert.match(mobile.json.data.warning, /waitFor/);
});

test('v2 formats as objects, images format, v2 error shape', async () => {
  const url = site.url('/pages/elements.html');
  const r = await cinder.post('/v2/scrape', { url, formats: [{ type: 'markdown' }, 'links', { type: 'images' }] });
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json.data.links));
  assert.ok(Array.isArray(r.json.data.images));
  assert.ok(r.json.data.images.every((u) => /^https?:\/\//.test(u)));
  const bad = await cinder.post('/v2/scrape', { url, formats: [{ type: 'nonsense' }] });
  assert.equal(bad.status, 400);
});

test('v0 scrape: content, markdown, pageStatusCode, pageError', async () => {
  const r = await cinder.post('/v0/scrape', { url: site.url('/status/404'), pageOptions: { includeHtml: true } });
  assert.equal(r.status, 200, r.text);
  const d = r.json.data;
  assert.equal(d.content, d.markdown);
  assert.ok(typeof d.html === 'string');
  assert.equal(d.metadata.pageStatusCode, 404);
  assert.equal(d.metadata.pageError, 'Not Found');
  const err = await cinder.post('/v0/scrape', { url: site.url('/hang'), timeout: 500 });
  assert.equal(err.status, 408);
  assert.ok(err.json.error && err.json.success === undefined);
});

test('GET /v1/scrape/:id returns the stored result; ids are validated', async () => {
  const r = await cinder.post('/v1/scrape', { url: site.url('/pages/index.html') });
  const id = r.json.data.metadata.scrapeId;
  for (const v of ['v1', 'v2']) {
    const g = await cinder.get(`/${v}/scrape/${id}`);
    assert.equal(g.status, 200);
    assert.equal(g.json.data.markdown, r.json.data.markdown);
  }
  const bad = await cinder.get('/v1/scrape/not-a-uuid');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /Invalid job ID format/);
  const unknown = await cinder.get('/v1/scrape/123e4567-e89b-42d3-a456-426614174000');
  assert.equal(unknown.status, 404);
  const zdr = await cinder.post('/v1/scrape', { url: site.url('/pages/index.html'), zeroDataRetention: true });
  const z = await cinder.get(`/v1/scrape/${zdr.json.data.metadata.scrapeId}`);
  assert.equal(z.status, 404, 'zero data retention stores nothing');
});

test('200 concurrent scrapes are served without 200 threads', async () => {
  const before = await threadsOf(cinder.child.pid);
  const t0 = performance.now();
  const all = await Promise.all(Array.from({ length: 200 }, (_, i) =>
    cinder.post('/v1/scrape', { url: site.url(`/slow?ms=1500&i=${i}`) })));
  const elapsed = performance.now() - t0;
  const during = await threadsOf(cinder.child.pid);
  assert.ok(all.every((r) => r.status === 200), all.find((r) => r.status !== 200)?.text);
  assert.ok(elapsed < 8000, `200 slow scrapes took ${elapsed} ms`);
  assert.ok(during <= before + 2, `threads grew from ${before} to ${during}`);
  assert.ok(during < 40, `${during} threads`);
});

test('unknown routes and methods', async () => {
  const r = await cinder.get('/v1/nothing-here');
  assert.equal(r.status, 404);
  const m = await cinder.get('/v1/scrape');
  assert.equal(m.status, 405);
});
