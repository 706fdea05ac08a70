// Every case of vectors report/cases.json, twice: through the real CLI
// (the contract) and through runReport() with options parsed from the case's
// argv (the engine alone). stdout byte for byte, stderr and exit status as
// recorded. Exemption: `--summary` of OMIT_HWTS files, where we deliberately
// print labelled software-timestamp statistics; those are checked against
// metrics computed here independently. Our own options' usage lines follow
// the C tool's in --help (REPORT_EXTENSION_LINES), and our help and
// did-you-mean lines follow the C text (ourLinesAfter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { vectorsDir } from '../../helpers/paths.js';
import { runCli, REPORT_EXTENSION_LINES, ourLinesAfter } from '../../helpers/cli.js';
import {
  loadCases, expected, prepareArgv, parseReportArgv, runReportChild, inputFileOf, isOmitHwts,
  parseRaw, checkSoftwareSummary, ReportCase, Captured,
} from '../../helpers/report-support.js';

const cases = loadCases();

function verify(c: ReportCase, argv: string[], got: Captured): void {
  const cwd = join(vectorsDir, c.cwd);
  const file = inputFileOf(argv, cwd);
  const summary = argv.includes('-m') || argv.includes('--summary');
  assert.equal(got.status, c.exit_code, `exit status; stderr: ${got.stderr}`);
  let wantErr = expected(c, 'stderr').toString('latin1');
  if (wantErr.startsWith('isochron-report usage:\n')) wantErr += REPORT_EXTENSION_LINES;
  wantErr += ourLinesAfter(wantErr, 'report');
  assert.equal(got.stderr.toString('latin1'), wantErr);
  if (summary && c.exit_code === 0 && isOmitHwts(file)) {
    checkSoftwareSummary(got.stdout.toString('utf8'), parseRaw(file!), (ok, msg) => assert.ok(ok, msg));
    return;
  }
  const want = expected(c, 'stdout');
  if (!got.stdout.equals(want)) {
    assert.equal(got.stdout.toString('latin1'), want.toString('latin1'), 'stdout differs');
  }
}

for (const c of cases) {
  test(`report vector (CLI) ${c.id}`, async (t) => {
    const prepared = prepareArgv(c);
    if ('skip' in prepared) return t.skip(prepared.skip);
    const got = await runCli(prepared.argv, { cwd: join(vectorsDir, c.cwd), argv0: c.argv[0] });
    verify(c, prepared.argv, got);
  });

  test(`report vector (runReport) ${c.id}`, async (t) => {
    const prepared = prepareArgv(c);
    if ('skip' in prepared) return t.skip(prepared.skip);
    const opts = parseReportArgv(prepared.argv);
    if (!opts) return t.skip('argument-parsing case: covered by the CLI path only');
    const got = await runReportChild(opts, join(vectorsDir, c.cwd));
    verify(c, prepared.argv, got);
  });
}
