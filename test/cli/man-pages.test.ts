// The man pages' sources (docs/man/*.8.md) with their generated parts: one
// page per verb plus isochron(8), each verb page listing every option of
// its table with its doc, and the built roff (dist/man, by the build) that
// man(1) can read. The installed pages are checked by test/e2e/package-install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { fillManPage, optionsMarkdown } from '../../src/cli/man-markdown.js';
import { VERB_SPECS } from '../../src/cli/verbs.js';
import { ALL_VERB_NAMES } from '../../src/args/verb-names.js';

const sources = join(repoRoot, 'docs', 'man');
const pages = ['isochron', ...ALL_VERB_NAMES.map((v) => `isochron-${v}`)];

test('one man page source per verb, and package.json installs each built page', () => {
  const found = readdirSync(sources).filter((n) => n.endsWith('.8.md')).map((n) => n.replace(/\.8\.md$/, '')).sort();
  assert.deepEqual(found, [...pages].sort());
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { man: string[]; files: string[]; scripts: Record<string, string> };
  assert.deepEqual([...pkg.man].sort(), pages.map((p) => `./dist/man/${p}.8`).sort());
  assert.ok(pkg.files.includes('dist/man/') && pkg.files.includes('docs/'));
  assert.match(pkg.scripts.prepack, /npm run build/);
});

test('each verb page lists every option of its table with its meaning; the verb list goes into isochron(8)', () => {
  for (const verb of ALL_VERB_NAMES) {
    const page = fillManPage(`isochron-${verb}`, readFileSync(join(sources, `isochron-${verb}.8.md`), 'utf8'));
    assert.ok(!page.includes('<!-- options -->'), verb);
    assert.ok(page.includes(optionsMarkdown(VERB_SPECS[verb])), verb);
    for (const o of VERB_SPECS[verb].options) assert.ok(page.includes(`\`${o.long}\``), `${verb} ${o.long}`);
  }
  const top = fillManPage('isochron', readFileSync(join(sources, 'isochron.8.md'), 'utf8'));
  for (const verb of ALL_VERB_NAMES) assert.ok(top.includes(`see isochron-${verb}(8)`), verb);
  assert.throws(() => fillManPage('isochron-bogus', '<!-- options -->'), /bogus is not a verb/);
});

test('the built pages read with man -l', (t) => {
  const built = join(repoRoot, 'dist', 'man', 'isochron-report.8');
  if (!existsSync(built)) return t.skip('dist/man not built (npm run build builds it)');
  if (spawnSync('sh', ['-c', 'command -v man']).status !== 0) return t.skip('man is not installed (.ci/run installs man-db)');
  const res = spawnSync('man', ['-l', built], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80' } });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /isochron-report - per-frame lines and statistics of a \.dat file/);
  assert.match(res.stdout, /--printf-args TEXT/);
  assert.match(res.stdout, /--fail-if +'path-delay\.p99 +> +50us'/, 'quoted examples print their quotes');
  for (const page of pages) {
    const roff = readFileSync(join(repoRoot, 'dist', 'man', `${page}.8`), 'utf8');
    assert.doesNotMatch(roff, /&(#\d+|quot|lt|gt|amp);/, `${page}: an HTML entity left in the roff`);
  }
});
