// The installed command as users start it: through the shebang of an npm
// bin symlink (argv[0] is lost, the symlink's name must still dispatch), and
// a report run reaching runReport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, withOurLines } from '../helpers/cli.js';
import { cliEntry, vectorsDir } from '../helpers/paths.js';
import { renderUsage } from '../../src/args/spec.js';
import { REPORT_SPEC } from '../../src/verbs/report/options.js';
import { topLevelUsage } from '../../src/args/parse.js';
import type { ReportCase } from '../helpers/report-support.js';

test('an npm-style isochron-report symlink run through its shebang dispatches to report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-bin-'));
  try {
    const link = join(dir, 'isochron-report');
    symlinkSync(cliEntry, link);
    const help = spawnSync(link, ['--help'], { encoding: 'utf8' });
    assert.equal(help.stderr, withOurLines(renderUsage(REPORT_SPEC)));
    assert.equal(help.stdout, '');
    assert.equal(help.status, 255);
    // Like C, no argument at all is the top-level usage even under a verb name.
    const bare = spawnSync(link, [], { encoding: 'utf8' });
    assert.equal(bare.stderr, withOurLines(topLevelUsage()));
    assert.equal(bare.status, 22);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report options reach runReport (first case of the report index, end to end)', async () => {
  const cases = JSON.parse(readFileSync(join(vectorsDir, 'report', 'cases.json'), 'utf8')) as ReportCase[];
  const c = cases[0];
  const res = await runCli(c.argv.slice(1), { cwd: join(vectorsDir, c.cwd) });
  const want = (s: 'stdout' | 'stderr') =>
    typeof c[s] === 'string' ? Buffer.from(c[s] as string) : readFileSync(join(vectorsDir, c[`${s}_file`] as string));
  assert.deepEqual(res.stdout, want('stdout'));
  assert.equal(res.stderr.toString(), want('stderr').toString());
  assert.equal(res.status, c.exit_code);
});
