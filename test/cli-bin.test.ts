// The installed command as users start it: through the shebang of an npm
// bin symlink (argv[0] is lost, the symlink's name must still dispatch), a
// verb that is not built yet, and a report run reaching runReport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { cliEntry, vectorsDir } from './helpers/paths.js';
import { renderUsage } from '../src/cli/spec.js';
import { REPORT_SPEC } from '../src/cli/options/report.js';
import { topLevelUsage } from '../src/cli/parse.js';
import { VERB_NAMES, isPending, type VerbName } from '../src/cli/verbs.js';

test('an npm-style isochron-report symlink run through its shebang dispatches to report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-bin-'));
  try {
    const link = join(dir, 'isochron-report');
    symlinkSync(cliEntry, link);
    const help = spawnSync(link, ['--help'], { encoding: 'utf8' });
    assert.equal(help.stderr, renderUsage(REPORT_SPEC));
    assert.equal(help.stdout, '');
    assert.equal(help.status, 255);
    // Like C, no argument at all is the top-level usage even under a verb name.
    const bare = spawnSync(link, [], { encoding: 'utf8' });
    assert.equal(bare.stderr, topLevelUsage());
    assert.equal(bare.status, 22);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Arguments that pass each verb's checks without touching the system.
const VALID_ARGS: Record<VerbName, (dir: string) => string[]> = {
  daemon: () => ['--stats-port', '5040'],
  orchestrate: (dir) => {
    const ini = join(dir, 'o.ini');
    writeFileSync(ini, '[A]\n');
    return ['-F', ini];
  },
  send: () => ['-i', 'lo', '-c', '0.001', '-s', '64', '-o', '-n', '1', '-d', '1:2:3:4:5:6'],
  rcv: () => ['-i', 'lo'],
  report: () => ['-F', 'none.dat'],
};

test('a verb that is not built yet says so with a stable code and status', async (t) => {
  const verb = VERB_NAMES.find(isPending);
  if (verb === undefined) {
    t.skip('every verb is implemented');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'isochron-bin-'));
  try {
    const res = await runCli([verb, ...VALID_ARGS[verb](dir)]);
    assert.equal(res.stdout.length, 0);
    assert.equal(
      res.stderr.toString(),
      `isochron ${verb}: not implemented yet in this build (ISOCHRON_ERR_NOT_IMPLEMENTED)\n`,
    );
    assert.equal(res.status, 218);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface RunCase {
  argv: string[];
  cwd: string;
  exit_code: number;
  stdout?: string;
  stderr?: string;
  stdout_file?: string;
  stderr_file?: string;
}

test('report options reach runReport (first case of the report index, end to end)', async () => {
  const cases = JSON.parse(readFileSync(join(vectorsDir, 'report', 'cases.json'), 'utf8')) as RunCase[];
  const c = cases[0];
  const res = await runCli(c.argv.slice(1), { cwd: join(vectorsDir, c.cwd) });
  const want = (s: 'stdout' | 'stderr') =>
    typeof c[s] === 'string' ? Buffer.from(c[s] as string) : readFileSync(join(vectorsDir, c[`${s}_file`] as string));
  assert.deepEqual(res.stdout, want('stdout'));
  assert.equal(res.stderr.toString(), want('stderr').toString());
  assert.equal(res.status, c.exit_code);
});
