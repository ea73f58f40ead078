// Times turndown (+ the GFM plugin, as Firecrawl's fallback converter uses) on the given HTML
// files, single thread, `runs` times; prints one JSON line {bytes, runs_ms:[...]}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const TurndownService = require('turndown');
const { gfm } = require('turndown-plugin-gfm');

const [runsArg, ...files] = process.argv.slice(2);
const runs = Number(runsArg);
const pages = files.map((f) => readFileSync(f, 'utf8'));
const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
const td = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
td.use(gfm);
td.remove(['script', 'style', 'noscript', 'head']);
const runsMs = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  let out = 0;
  for (const html of pages) out += td.turndown(html).length;
  runsMs.push(performance.now() - t0);
  if (!out) throw new Error('turndown produced nothing');
}
console.log(JSON.stringify({ bytes, runs_ms: runsMs }));
