// `report --format json|csv` through the real CLI on every recorded file the
// report vectors summarise (same argv, --format added): the JSON validates
// against docs/report.schema.json; every metric's count/min/max/mean/stddev
// and extreme seqids equal what the text summary prints for the same run;
// percentiles equal an independent exact nearest rank (test/helpers/
// report-metrics.ts); the CSV rows carry the JSON's values. Also the
// option's errors and its --help line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { assertReportUsageThenHelp, runCli } from '../../helpers/cli.js';
import { repoRoot, vectorsDir } from '../../helpers/paths.js';
import { loadCases, prepareArgv, inputFileOf, parseRaw } from '../../helpers/report-support.js';
import { exactPercentiles, usedPacketValues, PERCENTILE_POINTS } from '../../helpers/report-metrics.js';
import { formatFixed } from '../../../src/verbs/report/format-double.js';

interface JsonMetric {
  unit: string; count: number; min: number; min_seqid: number; max: number; max_seqid: number;
  mean: number; stddev: number; [p: string]: number | string;
}
interface JsonReport {
  schema: string; files: string[]; timestamps: string;
  packets: { count: number; used: number; not_tx_timestamped: number; not_received: number };
  metrics: Record<string, JsonMetric>;
  deadline_misses: { count: number; percent: number } | null;
}

const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(repoRoot, 'docs', 'report.schema.json'), 'utf8')));
const TEXT_ORDER = ['path-delay', 'wakeup-to-tx-timestamp', 'rx-deadline-delta', 'budget', 'sender-latency', 'wakeup-latency', 'driver-latency', 'arrival-latency'];
const LINE = /^(.*): min (-?\d+) max (-?\d+) mean (-?[\d.]+) stddev ([\d.]+), min at seqid (\d+), max at seqid (\d+)$/;

/** Summary runs of the vectors that succeed, one per distinct argv. */
const summaryCases = loadCases().filter((c) => c.exit_code === 0 && (c.argv.includes('-m') || c.argv.includes('--summary')));

function checkAgainstText(json: JsonReport, text: string): void {
  const lines = text.split('\n').filter((l) => LINE.test(l));
  const names = Object.keys(json.metrics);
  if (text.includes('Could not calculate statistics')) {
    assert.deepEqual(json.metrics, {});
    assert.equal(json.deadline_misses, null);
    assert.equal(json.packets.used, 0);
    return;
  }
  assert.equal(lines.length, 8);
  assert.equal(names.length, 8);
  TEXT_ORDER.forEach((slot, i) => {
    const g = LINE.exec(lines[i])!;
    const name = slot === 'budget' ? names.find((n) => n === 'latency-budget' || n === 'mac-latency')! : slot;
    assert.equal(name === 'mac-latency', /MAC latency/.test(g[1]), g[1]);
    const m = json.metrics[name];
    assert.ok(m, name);
    assert.equal(m.count, json.packets.used);
    // The C text shows S - R ("arrived earlier") when the mean R - S is not positive.
    const lead = slot === 'rx-deadline-delta' && /earlier/.test(g[1]);
    const [min, max, mean, minSeq, maxSeq] = lead
      ? [-m.max, -m.min, -m.mean, m.max_seqid, m.min_seqid]
      : [m.min, m.max, m.mean, m.min_seqid, m.max_seqid];
    assert.deepEqual([String(min), String(max), formatFixed(mean), formatFixed(m.stddev), minSeq, maxSeq],
      [g[2], g[3], g[4], g[5], Number(g[6]), Number(g[7])], name);
  });
  const misses = /TX deadline misses: (\d+) \(([\d.]+)%\)/.exec(text);
  if (misses) assert.deepEqual([json.deadline_misses?.count, formatFixed(json.deadline_misses!.percent)], [Number(misses[1]), misses[2]]);
  else assert.equal(json.deadline_misses, null);
}

function checkCsv(csv: string, json: JsonReport): void {
  const rows = csv.trimEnd().split('\n').map((r) => r.split(','));
  const header = rows[0];
  assert.deepEqual(header, ['metric', 'unit', 'count', 'min', 'min_seqid', 'max', 'max_seqid', 'mean', 'stddev',
    ...PERCENTILE_POINTS.map(([k]) => k)]);
  assert.deepEqual(rows.slice(1).map((r) => r[0]), Object.keys(json.metrics));
  for (const row of rows.slice(1)) {
    const m = json.metrics[row[0]];
    header.slice(1).forEach((col, i) => assert.equal(col === 'unit' ? row[i + 1] : Number(row[i + 1]), m[col], `${row[0]}.${col}`));
  }
}

for (const c of summaryCases) {
  test(`report --format json/csv agree with the text summary: ${c.id}`, async (t) => {
    const prepared = prepareArgv(c);
    if ('skip' in prepared) return t.skip(prepared.skip);
    const cwd = join(vectorsDir, c.cwd);
    const [text, jsonRun, csvRun] = await Promise.all([
      runCli(prepared.argv, { cwd }),
      runCli([...prepared.argv, '--format', 'json'], { cwd }),
      runCli([...prepared.argv, '-O', 'csv'], { cwd }),
    ]);
    for (const r of [text, jsonRun, csvRun]) assert.equal(r.status, 0, r.stderr.toString());
    // With --printf-format the packets' lines come first, as before the text summary.
    const textOut = text.stdout.toString('utf8');
    const split = (out: string, head: string): string => {
      const at = out.indexOf(head);
      assert.ok(at >= 0 && textOut.startsWith(out.slice(0, at)), `printf output, then ${head}`);
      return out.slice(at);
    };
    const out = split(jsonRun.stdout.toString('utf8'), '{"schema":');
    assert.equal(out.split('\n').length, 2, 'one line');
    const json = JSON.parse(out) as JsonReport;
    assert.ok(validate(json), JSON.stringify(validate.errors));
    assert.equal(json.schema, 'isochron-report/1');
    checkAgainstText(json, textOut);
    checkCsv(split(csvRun.stdout.toString('utf8'), 'metric,unit,count,'), json);
    // Percentiles over the whole file; the cases with --start/--stop use a range.
    const file = inputFileOf(prepared.argv, cwd)!;
    assert.deepEqual(json.files, [prepared.argv[prepared.argv.findIndex((a) => a === '-F' || a === '--input-file') + 1]]);
    if (prepared.argv.some((a) => ['-s', '--start', '-S', '--stop'].includes(a))) return;
    const values = usedPacketValues(parseRaw(file));
    assert.deepEqual([...values.keys()].sort(), Object.keys(json.metrics).sort());
    for (const [name, list] of values) {
      const exact = exactPercentiles(list);
      for (const [p] of PERCENTILE_POINTS) assert.equal(json.metrics[name][p], Number(exact[p]), `${name}.${p}`);
    }
  });
}

test('--format: an unknown value is an argument error; any value implies --summary; --help lists it after C', async () => {
  const file = join(vectorsDir, 'dat', 'synth_basic_100.dat');
  const bad = await runCli(['report', '-F', file, '--format', 'xml']);
  assert.equal(bad.status, 234);
  assert.equal(bad.stderr.toString(), 'Unknown --format "xml": expected text, json or csv\nargument parsing failed: Invalid argument\n');
  assert.equal(bad.stdout.length, 0);
  const [implied, plain] = await Promise.all([runCli(['report', '-F', file, '--format', 'text']), runCli(['report', '-F', file, '-m'])]);
  assert.equal(implied.status, 0);
  assert.ok(implied.stdout.toString().startsWith('Summary:\n') || implied.stdout.toString().includes('\nSummary:\n'));
  assert.deepEqual(implied.stdout, plain.stdout);
  const help = await runCli(['report', '-h']);
  assertReportUsageThenHelp(help.stderr.toString());
});
