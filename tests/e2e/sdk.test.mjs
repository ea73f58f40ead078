// The official Firecrawl JS SDK (pinned in package-lock.json) against cinder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Firecrawl, { FirecrawlAppV1 } from '@mendable/firecrawl-js';
import { startSite, startCinder } from './lib.mjs';

let site, cinder;

before(async () => {
  site = await startSite();
  cinder = await startCinder(['--allow-private']);
});

after(async () => {
  const code = await cinder.stop();
  await site.stop();
  assert.equal(code, 0, cinder.log().slice(-6000));
});

test('v2 client scrape (no API key, as self-hosters run it)', async () => {
  const fc = new Firecrawl({ apiUrl: cinder.base });
  const doc = await fc.scrape(site.url('/pages/article.html'), { formats: ['markdown', 'links'] });
  assert.match(doc.markdown, /^# How Lighthouses Work$/m);
  assert.ok(doc.links.includes(site.url('/pages/docs/intro.html')));
  assert.equal(doc.metadata.statusCode, 200);
  assert.equal(doc.metadata.sourceURL, site.url('/pages/article.html'));
});

test('v2 client with a dummy key, object formats, and an error surfaced as an exception', async () => {
  const fc = new Firecrawl({ apiUrl: cinder.base, apiKey: 'fc-anything' });
  const doc = await fc.scrape(site.url('/pages/meta.html'), { formats: [{ type: 'html' }], onlyMainContent: false });
  assert.match(doc.html, /Metadata page/);
  assert.equal(doc.metadata.ogTitle, 'OG Title');
  await assert.rejects(() => fc.scrape(site.url('/hang'), { timeout: 1000 }), /timed out|408/i);
});

test('v1 client scrapeUrl', async () => {
  const app = new FirecrawlAppV1({ apiUrl: cinder.base, apiKey: 'fc-anything' });
  const r = await app.scrapeUrl(site.url('/pages/article.html'), { formats: ['markdown', 'html'] });
  assert.equal(r.success, true);
  assert.match(r.markdown, /Fresnel/);
  assert.ok(r.html.length > 0);
  assert.equal(r.metadata.statusCode, 200);
  const viaV1Property = new Firecrawl({ apiUrl: cinder.base, apiKey: 'x' }).v1;
  const r2 = await viaV1Property.scrapeUrl(site.url('/status/404'), {});
  assert.equal(r2.metadata.statusCode, 404);
});
