// `report --fail-if 'METRIC.STAT OP VALUE'` through the real CLI: a condition
// that holds exits 1 and is named on stderr, one that does not exits 0; the
// thresholds are set around each file's own JSON values (so the boundary of
// every operator is crossed), in every unit; with and without --summary
// (whose output the gates never change); merged runs; values a run does not
// have; and every argument error, with C's status and the expected form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertReportUsageThenHelp, runCli, REPORT_EXTENSION_LINES } from '../../helpers/cli.js';
import { vectorsDir } from '../../helpers/paths.js';
import { reportJson } from '../../helpers/report-runs.js';

const FILE = 'dat/synth_basic_100.dat';

async function gate(conditions: string[], extra: string[] = [], file = FILE): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await runCli(['report', '-F', file, ...conditions.flatMap((c) => ['--fail-if', c]), ...extra], { cwd: vectorsDir });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test('--fail-if: each operator on both sides of the file\'s own values, every statistic', async () => {
  const { json } = await reportJson(['-F', FILE], vectorsDir);
  const checks: { expr: string; holds: boolean; shown: string }[] = [];
  for (const [name, m] of Object.entries(json.metrics)) {
    for (const stat of ['count', 'min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99', 'p99_9', 'p99_99', 'p99_999']) {
      const v = m[stat] as number;
      const unit = stat === 'count' ? '' : ' ns';
      const shown = `${name}.${stat} is ${Number.isInteger(v) ? v : v.toFixed(3)}${unit}`;
      // v itself: <= and >= hold, < and > do not; one above / below: the other way round.
      checks.push({ expr: `${name}.${stat} <= ${v}`, holds: true, shown }, { expr: `${name}.${stat} < ${v}`, holds: false, shown });
      checks.push({ expr: `${name}.${stat}>=${v}`, holds: true, shown }, { expr: `${name}.${stat} > ${v}`, holds: false, shown });
      checks.push({ expr: `${name}.${stat} > ${Math.floor(v) - 1}`, holds: true, shown });
      checks.push({ expr: `${name}.${stat} >= ${Math.floor(v) + 1}`, holds: false, shown });
    }
  }
  checks.push({ expr: 'packets.count >= 100', holds: true, shown: 'packets.count is 100' });
  checks.push({ expr: 'packets.not_received > 0', holds: false, shown: '' });
  checks.push({ expr: 'deadline_misses.count > 61', holds: true, shown: `deadline_misses.count is ${json.deadline_misses!.count}` });
  checks.push({ expr: 'deadline_misses.percent < 62.5', holds: true, shown: 'deadline_misses.percent is 62%' });
  // One run with every condition: exactly those that hold are named, in order.
  const r = await gate(checks.map((c) => c.expr));
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr.trimEnd().split('\n'), checks.filter((c) => c.holds).map((c) => `--fail-if '${c.expr}' holds: ${c.shown}`));
  // And none that do not hold: exit 0, nothing printed.
  const pass = await gate(checks.filter((c) => !c.holds).map((c) => c.expr));
  assert.deepEqual([pass.status, pass.stdout, pass.stderr], [0, '', '']);
});

test('--fail-if: units ns, us, ms, s and a plain number (ns), decimals and negative values', async () => {
  const { json } = await reportJson(['-F', FILE], vectorsDir);
  const max = json.metrics['path-delay'].max as number; // 3960 ns
  assert.equal(max, 3960);
  const holds: [string, boolean][] = [
    ['path-delay.max >= 3960', true], ['path-delay.max > 3960ns', false], ['path-delay.max >= 3.96us', true],
    ['path-delay.max > 3.959 us', true], ['path-delay.max > 3.96us', false], ['path-delay.max < 0.00396001ms', true],
    ['path-delay.max < 0.00000396s', false], ['path-delay.max <= 0.00000396s', true], ['path-delay.max < 1s', true],
    ['latency-budget.min < -21.966us', true], ['latency-budget.min < -21.967us', false], ['latency-budget.min <= -21967', true],
    ['path-delay.max > +3959', true],
  ];
  assert.equal(json.metrics['latency-budget'].min, -21967);
  for (const [expr, want] of holds) {
    const r = await gate([expr]);
    assert.equal(r.status, want ? 1 : 0, `${expr}: ${r.stderr}`);
    assert.equal(r.stderr !== '', want, expr);
  }
});

test('--fail-if with --summary, --format json and --printf-format: the output is unchanged, the status is the gate\'s', async () => {
  for (const extra of [['-m'], ['--format', 'json'], ['-O', 'csv'], ['-f', '%u\\n', '-a', 'q', '-s', '3', '-S', '9'], []]) {
    const plain = await runCli(['report', '-F', FILE, ...extra], { cwd: vectorsDir });
    const failing = await gate(['path-delay.p99 > 3us'], extra);
    const passing = await gate(['path-delay.p99 < 3us'], extra);
    assert.equal(failing.stdout, plain.stdout.toString(), extra.join(' '));
    assert.equal(passing.stdout, plain.stdout.toString(), extra.join(' '));
    assert.equal(failing.status, 1);
    assert.equal(passing.status, 0);
    assert.equal(passing.stderr, '');
  }
});

test('--fail-if on merged runs, and values a run does not have count as holding', async () => {
  const merged = await runCli(['report', '-F', FILE, '-F', 'dat/synth_lost_40.dat', '--fail-if', 'packets.not_received > 3',
    '--fail-if', 'packets.count > 140'], { cwd: vectorsDir });
  assert.equal(merged.status, 1);
  assert.equal(merged.stderr.toString(), "--fail-if 'packets.not_received > 3' holds: packets.not_received is 4\n");
  const none = await gate(['path-delay.p99 > 1s', 'packets.used < 1', 'deadline_misses.count > 0'], [], 'dat/synth_none_received_10.dat');
  assert.equal(none.status, 1);
  assert.deepEqual(none.stderr.trimEnd().split('\n'), [
    "--fail-if 'path-delay.p99 > 1s' counts as holding: path-delay.p99 does not exist in this run (no packet could be used)",
    "--fail-if 'packets.used < 1' holds: packets.used is 0",
    "--fail-if 'deadline_misses.count > 0' counts as holding: deadline_misses.count does not exist in this run (no packet could be used)",
  ]);
  const mac = await gate(['latency-budget.max > 1s', 'mac-latency.max > 1s', 'deadline_misses.count > 100'], [], 'dat/synth_txtime_deadline_30.dat');
  assert.equal(mac.status, 1);
  assert.deepEqual(mac.stderr.trimEnd().split('\n'), [
    "--fail-if 'latency-budget.max > 1s' counts as holding: latency-budget.max does not exist in this run (this run reports mac-latency instead)",
    "--fail-if 'deadline_misses.count > 100' counts as holding: deadline_misses.count does not exist in this run (with taprio or txtime no deadline misses are counted)",
  ]);
  // A load error is the load error's status, not the gate's.
  const missing = await gate(['path-delay.p99 > 1s'], [], 'dat/nope.dat');
  assert.equal(missing.status, 255);
});

const FORM = "expected METRIC.STAT OP VALUE, e.g. --fail-if 'path-delay.p99 > 50us' " +
  '(OP one of < <= > >=; VALUE a number with ns, us, ms or s, a plain number is ns)';
const TAIL = 'argument parsing failed: Invalid argument';
const METRICS = 'path-delay, wakeup-to-tx-timestamp, rx-deadline-delta, latency-budget, mac-latency, sender-latency, ' +
  'wakeup-latency, driver-latency, arrival-latency, packets, deadline_misses';

test('--fail-if: every malformed expression is an argument error (234) that shows the expected form', async () => {
  const syntax = (expr: string, problem: string): [string, string] => [expr, `Cannot read --fail-if ${JSON.stringify(expr)}: ${problem}\n${FORM}\n${TAIL}\n`];
  const cases: [string, string][] = [
    syntax('path-delay.p99 = 5', 'no comparison operator'),
    syntax('path-delay.p99 == 5', 'no comparison operator'),
    syntax('', 'no comparison operator'),
    syntax('path-delay > 5', '"path-delay" is not METRIC.STAT'),
    syntax('path-delay. > 5', '"path-delay." is not METRIC.STAT'),
    syntax('.p99 > 5', '".p99" is not METRIC.STAT'),
    syntax('path delay.p99 > 5', '"path delay.p99" is not METRIC.STAT'),
    syntax('> 5', '"" is not METRIC.STAT'),
    syntax('path-delay.p99 >', '"" is not a number'),
    syntax('path-delay.p99 > fast', '"fast" is not a number'),
    syntax('path-delay.p99 > 1e3', '"1e3" is not a number'),
    syntax('path-delay.p99 > .5us', '".5us" is not a number'),
    syntax('path-delay.p99 > > 5', '"> 5" is not a number'),
    syntax('path-delay.p99 > 5 kb', 'unknown unit "kb"'),
    syntax('path-delay.p99 > 5US', '"5US" is not a number'),
    syntax('packets.not_received > 1us', 'packets.not_received is not a time: give a plain number, without a unit'),
    syntax('path-delay.count > 5ms', 'path-delay.count is not a time: give a plain number, without a unit'),
    syntax('deadline_misses.percent > 5s', 'deadline_misses.percent is not a time: give a plain number, without a unit'),
    ['pathdelay.p99 > 5', `Unknown metric "pathdelay" in --fail-if "pathdelay.p99 > 5": expected one of ${METRICS}\n${TAIL}\n`],
    ['path-delay.p95 > 5', 'Unknown statistic "p95" of path-delay in --fail-if "path-delay.p95 > 5": expected one of ' +
      `count, min, max, mean, stddev, p50, p90, p99, p99_9, p99_99, p99_999\n${TAIL}\n`],
    ['path-delay.min_seqid > 5', 'Unknown statistic "min_seqid" of path-delay in --fail-if "path-delay.min_seqid > 5": expected one of ' +
      `count, min, max, mean, stddev, p50, p90, p99, p99_9, p99_99, p99_999\n${TAIL}\n`],
    ['packets.lost > 5', `Unknown statistic "lost" of packets in --fail-if "packets.lost > 5": expected one of count, used, not_tx_timestamped, not_received\n${TAIL}\n`],
    ['deadline_misses.max > 5', `Unknown statistic "max" of deadline_misses in --fail-if "deadline_misses.max > 5": expected one of count, percent\n${TAIL}\n`],
  ];
  for (const [expr, stderr] of cases) {
    // A bad expression after a good one, and before the file is even looked at.
    const r = await runCli(['report', '-F', 'dat/nope.dat', '--fail-if', 'packets.count > 0', '--fail-if', expr, '-m'], { cwd: vectorsDir });
    assert.deepEqual([r.status, r.stderr.toString(), r.stdout.length], [234, stderr, 0], expr);
  }
  const missing = await runCli(['report', '--fail-if'], { cwd: vectorsDir });
  assert.deepEqual([missing.status, missing.stderr.toString()], [234, `Value expected after --fail-if\n${TAIL}\n`]);
  const long = await runCli(['report', '--fail-if', `path-delay.p99 > ${'9'.repeat(300)}`], { cwd: vectorsDir });
  assert.equal(long.status, 222);
});

test('report --help lists -C|--compare and -G|--fail-if after the C tool\'s options', async () => {
  const help = await runCli(['report', '-h']);
  assertReportUsageThenHelp(help.stderr.toString());
  assert.match(REPORT_EXTENSION_LINES, /-C\|--compare: File path \(optional\)\n-G\|--fail-if: String \(optional\)\n/);
});
