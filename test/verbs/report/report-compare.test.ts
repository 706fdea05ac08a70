// `report --compare A B` through the real CLI: a file against itself is all
// zeros; two different files give, for every metric and statistic, the values
// of each file's own --format json summary, their difference and relative
// change (computed here from those two summaries); the JSON validates against
// docs/compare.schema.json; the text fits 100 columns and shows the same
// numbers; CSV carries the JSON's cells; the option's argument errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { runCli } from '../../helpers/cli.js';
import { repoRoot, vectorsDir } from '../../helpers/paths.js';
import { reportJson, type ReportJson } from '../../helpers/report-runs.js';
import { formatFixed } from '../../../src/verbs/report/format-double.js';

interface Cell { a: number | null; b: number | null; diff: number | null; relative: number | null }
interface CompareJson {
  schema: string;
  a: { file: string; timestamps: string };
  b: { file: string; timestamps: string };
  packets: Record<string, Cell>;
  deadline_misses: Record<string, Cell>;
  metrics: Record<string, Record<string, Cell>>;
}

const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(repoRoot, 'docs', 'compare.schema.json'), 'utf8')));
const STATS = ['count', 'min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99', 'p99_9', 'p99_99', 'p99_999'];

async function compare(a: string, b: string, format: string[] = ['--format', 'json']): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await runCli(['report', '--compare', a, b, ...format], { cwd: vectorsDir });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Every cell of a comparison with where it is. */
function cells(c: CompareJson): [string, Cell][] {
  return [
    ...Object.entries(c.packets).map(([k, v]) => [`packets.${k}`, v] as [string, Cell]),
    ...Object.entries(c.deadline_misses).map(([k, v]) => [`deadline_misses.${k}`, v] as [string, Cell]),
    ...Object.entries(c.metrics).flatMap(([m, stats]) => Object.entries(stats).map(([k, v]) => [`${m}.${k}`, v] as [string, Cell])),
  ];
}

for (const file of ['dat/synth_basic_100.dat', 'dat/real_l2_64b_1ms_100.dat', 'dat/synth_txtime_deadline_30.dat', 'dat/synth_single_1.dat']) {
  test(`--compare of a file with itself is all zeros: ${file}`, async () => {
    const r = await compare(file, file);
    assert.equal(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout) as CompareJson;
    assert.ok(validate(c), JSON.stringify(validate.errors));
    assert.equal(Object.keys(c.metrics).length, 8);
    for (const [where, x] of cells(c)) {
      if (where.startsWith('deadline_misses') && x.a === null) continue; // taprio/txtime: not counted
      assert.deepEqual([x.diff, x.relative, x.a], [0, 0, x.b], where);
    }
    const text = await compare(file, file, []);
    const rows = text.stdout.split('\n').filter((l) => /^ {2}\S/.test(l));
    assert.ok(rows.length >= 8 * 11 + 4);
    for (const row of rows) assert.match(row, /\s(0|-)\s+(0\.00%|n\/a)$/, row);
  });
}

/** The value of one statistic in a report JSON (null when the run has none). */
function valueOf(j: ReportJson, group: string, stat: string): number | null {
  if (group === 'packets') return j.packets[stat as keyof ReportJson['packets']];
  if (group === 'deadline_misses') return j.deadline_misses ? j.deadline_misses[stat as 'count' | 'percent'] : null;
  const m = j.metrics[group];
  return m ? (m[stat] as number) : null;
}

const PAIRS: [string, string][] = [
  ['dat/synth_basic_100.dat', 'dat/synth_lost_40.dat'],
  ['dat/real_l2_64b_1ms_100.dat', 'dat/real_l2_1500b_500us_1000.dat'],
  // taprio/txtime against plain: mac-latency and latency-budget each have one side only.
  ['dat/synth_basic_100.dat', 'dat/synth_txtime_deadline_30.dat'],
  // No usable packet in A: every metric value of A is missing.
  ['dat/synth_none_received_10.dat', 'dat/synth_basic_100.dat'],
  // Hardware against software timestamps: compared, with a note.
  ['dat/synth_basic_100.dat', 'dat/real_l2_64b_1ms_100.dat'],
];

for (const [fa, fb] of PAIRS) {
  test(`--compare ${fa} ${fb}: each file's own summary, the difference and the relative change`, async () => {
    const [r, ja, jb, text, csv] = await Promise.all([
      compare(fa, fb), reportJson(['-F', fa], vectorsDir), reportJson(['-F', fb], vectorsDir), compare(fa, fb, []), compare(fa, fb, ['-O', 'csv']),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout) as CompareJson;
    assert.ok(validate(c), JSON.stringify(validate.errors));
    assert.deepEqual([c.a, c.b], [{ file: fa, timestamps: ja.json.timestamps }, { file: fb, timestamps: jb.json.timestamps }]);
    const names = [...new Set([...Object.keys(ja.json.metrics), ...Object.keys(jb.json.metrics)])];
    assert.deepEqual(Object.keys(c.metrics).sort(), names.sort());
    const groups: [string, string[]][] = [
      ['packets', ['count', 'used', 'not_tx_timestamped', 'not_received']], ['deadline_misses', ['count', 'percent']],
      ...names.map((n) => [n, STATS] as [string, string[]]),
    ];
    for (const [group, stats] of groups) {
      for (const stat of stats) {
        const a = valueOf(ja.json, group, stat);
        const b = valueOf(jb.json, group, stat);
        const x = group === 'packets' ? c.packets[stat] : group === 'deadline_misses' ? c.deadline_misses[stat] : c.metrics[group][stat];
        const where = `${group}.${stat}`;
        assert.deepEqual([x.a, x.b], [a, b], where);
        if (a === null || b === null) {
          assert.deepEqual([x.diff, x.relative], [null, null], where);
          continue;
        }
        assert.ok(Math.abs(x.diff! - (b - a)) <= 1e-9 * Math.max(1, Math.abs(b - a)), `${where}: diff ${x.diff} != ${b - a}`);
        if (a === 0) assert.equal(x.relative, b === 0 ? 0 : null, where);
        else assert.ok(Math.abs(x.relative! - (b - a) / Math.abs(a)) <= 1e-12, `${where}: relative ${x.relative}`);
      }
    }
    // Text: 100 columns at most, the same numbers.
    assert.equal(text.status, 0);
    const lines = text.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 2), [`A: ${fa}`, `B: ${fb}`]);
    assert.equal(lines[2].startsWith('Note: A has hardware timestamps, B software timestamps'), c.a.timestamps !== c.b.timestamps, lines[2]);
    for (const l of lines) assert.ok(l.length <= 100, `too wide: ${l}`);
    const pd = c.metrics['path-delay'];
    if (pd?.mean.a != null && pd.mean.b != null) {
      const at = lines.indexOf('path-delay (ns)');
      const mean = lines[at + 4].trim().split(/\s+/);
      assert.deepEqual(mean, ['mean', formatFixed(pd.mean.a), formatFixed(pd.mean.b),
        `${pd.mean.diff! > 0 ? '+' : ''}${formatFixed(pd.mean.diff!)}`, `${pd.mean.relative! > 0 ? '+' : ''}${(pd.mean.relative! * 100).toFixed(2)}%`]);
    }
    // CSV: one row per cell, the JSON's values.
    const rows = csv.stdout.trimEnd().split('\n').map((l) => l.split(','));
    assert.deepEqual(rows[0], ['group', 'stat', 'unit', 'a', 'b', 'diff', 'relative']);
    assert.equal(rows.length - 1, cells(c).length);
    for (const row of rows.slice(1)) {
      const x = row[0] === 'packets' ? c.packets[row[1]] : row[0] === 'deadline_misses' ? c.deadline_misses[row[1]] : c.metrics[row[0]][row[1]];
      const v = (s: string): number | null => (s === '' ? null : Number(s));
      assert.deepEqual([v(row[3]), v(row[4]), v(row[5]), v(row[6])], [x.a, x.b, x.diff, x.relative], row.join(','));
    }
  });
}

test('--compare: argument errors (C\'s status 234) and unreadable files', async () => {
  const f = 'dat/synth_basic_100.dat';
  const tail = 'argument parsing failed: Invalid argument\n';
  const cases: [string[], number, string][] = [
    [['--compare', f], 234, `Value expected after --compare\n${tail}`],
    [['--compare', f, f, '-F', f], 234, `--compare cannot be combined with -F/--input-file: it reads the two files it names and prints their comparison\n${tail}`],
    [['--compare', f, f, '-f', '%u\\n', '-a', 'q'], 234, `--compare cannot be combined with --printf-format/--printf-args: it reads the two files it names and prints their comparison\n${tail}`],
    [['--compare', f, f, '--fail-if', 'path-delay.max > 1us'], 234, `--compare cannot be combined with --fail-if: it reads the two files it names and prints their comparison\n${tail}`],
    [['--compare', f, 'dat/nope.dat'], 255, 'Failed to open file dat/nope.dat: No such file or directory\n'],
  ];
  for (const [args, status, stderr] of cases) {
    const r = await runCli(['report', ...args], { cwd: vectorsDir });
    assert.deepEqual([r.status, r.stderr.toString(), r.stdout.length], [status, stderr, 0], args.join(' '));
  }
  // --compare=A B is the same as --compare A B; a repeated --compare: the last one counts.
  const [eq, plain, twice] = await Promise.all([
    compare(`--compare=${f}`.slice('--compare='.length), f), runCli(['report', `--compare=${f}`, f, '-O', 'json'], { cwd: vectorsDir }),
    runCli(['report', '--compare', 'dat/nope.dat', 'dat/nope.dat', '--compare', f, f, '-O', 'json'], { cwd: vectorsDir }),
  ]);
  assert.equal(plain.status, 0);
  assert.equal(plain.stdout.toString(), eq.stdout);
  assert.equal(twice.status, 0, twice.stderr.toString());
  assert.equal(twice.stdout.toString(), eq.stdout);
});
