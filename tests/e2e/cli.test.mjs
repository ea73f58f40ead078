// The command line: cinder scrape, cinder convert, --help, bad usage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSite, CINDER_BIN } from './lib.mjs';

let site, dir;
const run = (...args) => spawnSync(CINDER_BIN, args, { encoding: 'utf8', timeout: 30000 });

before(async () => {
  site = await startSite();
  dir = mkdtempSync(path.join(tmpdir(), 'cinder-cli-'));
});

after(async () => {
  await site.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('cinder scrape prints markdown, other formats, and fails clearly', () => {
  const md = run('scrape', '--allow-private', site.url('/pages/article.html'));
  assert.equal(md.status, 0, md.stderr);
  assert.match(md.stdout, /^# How Lighthouses Work$/m);
  assert.ok(!md.stdout.includes('Subscribe'));
  const whole = run('scrape', '--allow-private', '--no-main', site.url('/pages/article.html'));
  assert.match(whole.stdout, /Trending/);
  const links = run('scrape', '--allow-private', '--format', 'links', site.url('/pages/article.html'));
  assert.ok(links.stdout.split('\n').includes(site.url('/pages/docs/intro.html')));
  const json = run('scrape', '--allow-private', '-f', 'json', site.url('/pages/meta.html'));
  assert.equal(JSON.parse(json.stdout).metadata.ogTitle, 'OG Title');
  const blocked = run('scrape', site.url('/pages/article.html'));
  assert.equal(blocked.status, 1);
  assert.match(blocked.stderr, /private, loopback or link-local/);
  const slow = run('scrape', '--allow-private', '--timeout', '500ms', site.url('/hang'));
  assert.equal(slow.status, 1);
  assert.match(slow.stderr, /timed out/);
});

test('cinder convert: stdout, -o DIR with NAME.md, --base, charset from <meta>', () => {
  const html = path.join(dir, 'page.html');
  writeFileSync(html, Buffer.concat([
    Buffer.from('<html><head><meta charset="windows-1252"><title>T</title></head><body><article><h1>Caf'),
    Buffer.from([0xe9]),
    Buffer.from(' notes</h1><p>Read <a href="/docs/x.html">the docs</a> for the price: 5 '),
    Buffer.from([0x80]),
    Buffer.from('.</p></article></body></html>')]));
  const out = run('convert', '--base', 'https://example.com/a/', html);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^# Café notes$/m);
  assert.match(out.stdout, /\[the docs\]\(https:\/\/example\.com\/docs\/x\.html\)/);
  assert.match(out.stdout, /5 €/);
  const outdir = path.join(dir, 'out');
  const res = run('convert', '-o', outdir, html, html.replace('page', 'missing'));
  assert.equal(res.status, 1, 'a missing input fails the run');
  assert.match(res.stderr, /missing\.html/);
  assert.ok(existsSync(path.join(outdir, 'page.md')));
  assert.match(readFileSync(path.join(outdir, 'page.md'), 'utf8'), /Café notes/);
});

test('cinder crawl writes one markdown file per page and JSON lines, exact limit', () => {
  const outdir = path.join(dir, 'crawl');
  const jsonl = path.join(dir, 'crawl.jsonl');
  const r = run('crawl', '--allow-private', '--limit', '12', '-o', outdir, '--jsonl', jsonl, site.url('/crawl/quiet50/'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /completed, 12 page\(s\) written, 0 failed/);
  const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 12);
  assert.equal(new Set(lines.map((d) => d.metadata.sourceURL)).size, 12);
  assert.match(readFileSync(path.join(outdir, '00000-' + site.url('/crawl/quiet50/').replace('http://', '').replace(/[/:]/g, '_') + '.md'), 'utf8'), /Page|quiet50/i);
  const bad = run('crawl', '--allow-private', '--include', '(', site.url('/'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /missing closing parenthesis/);
});

test('cinder crawl reports outputs it cannot write', () => {
  const nojsonl = run('crawl', '--allow-private', '--limit', '2', '--jsonl', path.join(dir, 'no/such/dir/x.jsonl'), site.url('/crawl/quiet50/'));
  assert.equal(nojsonl.status, 2);
  assert.match(nojsonl.stderr, /cannot write .*x\.jsonl: No such file or directory/);
  const file = path.join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  const r = run('crawl', '--allow-private', '--limit', '3', '-o', file, site.url('/crawl/quiet50/'));
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /3 file\(s\) could not be written to .*a-file: Not a directory/);
});

test('help and usage errors', () => {
  const help = run('--help');
  assert.equal(help.status, 0);
  for (const cmd of ['serve', 'scrape', 'convert']) assert.match(help.stdout, new RegExp(cmd));
  const serveHelp = run('serve', '--help');
  assert.equal(serveHelp.status, 0);
  for (const opt of ['--host', '--port', '--data', '--workers', '--allow-private', 'CINDER_PORT', 'CINDER_ALLOW_PRIVATE'])
    assert.ok(serveHelp.stdout.includes(opt), `serve --help mentions ${opt}`);
  assert.match(run('convert', '--help').stdout, /--no-main/);
  assert.match(run('scrape', '--help').stdout, /--format/);
  assert.equal(run('nonsense').status, 2);
  assert.equal(run('serve', '--port', 'abc').status, 2);
  assert.equal(run('scrape').status, 2);
  assert.match(run('version').stdout, /^cinder \d+\.\d+\.\d+/);
});
