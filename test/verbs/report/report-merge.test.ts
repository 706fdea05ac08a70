// `report -F a.dat -F b.dat ...` through the real CLI: the merged summary is
// the summary of the union of the files' used packets. The union is computed
// here independently, from each file's per-packet values printed by
// --printf-format (test/helpers/report-runs.ts): counts, min/max with the
// file and seqid of each extreme, mean, stddev and nearest-rank percentiles.
// Also: one -F is the C tool's output byte for byte; printf lines come file
// after file; files that cannot be merged, or cannot be read, are refused
// before anything is printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Ajv } from 'ajv';
import { runCli } from '../../helpers/cli.js';
import { repoRoot, vectorsDir } from '../../helpers/paths.js';
import { expected, isOmitHwts, loadCases } from '../../helpers/report-support.js';
import { PERCENTILE_POINTS } from '../../helpers/report-metrics.js';
import { close, plainStats, reportJson, usedPackets, type PacketValues, type ReportJson } from '../../helpers/report-runs.js';
import { formatFixed } from '../../../src/verbs/report/format-double.js';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { DatFlags } from '../../../src/engine/dat/layout.js';

const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(repoRoot, 'docs', 'report.schema.json'), 'utf8')));

/** Hardware-timestamp files with a 1 ms cycle and no taprio/txtime: lost, short, unstamped, tied, single, -5 s path delays. */
const HARDWARE = ['synth_basic_100', 'synth_lost_40', 'synth_not_txts_20', 'synth_rcv_short_30', 'synth_send_incomplete_25',
  'synth_ties_5', 'synth_single_1', 'synth_negpath_unsync_30'].map((n) => `dat/${n}.dat`);
/** Real recorded runs (OMIT_HWTS: software timestamps), 1 ms cycles, different advance times. */
const SOFTWARE = ['real_l2_64b_1ms_100', 'real_l4_128b_1ms_100', 'real_l2_window_shift_base_1ms_100'].map((n) => `dat/${n}.dat`);

/** Asserts the merged JSON against the union computed from each file's printf output. */
async function checkUnion(files: readonly string[], cwd: string): Promise<ReportJson> {
  const { status, json, stderr, raw } = await reportJson(files.flatMap((f) => ['-F', f]), cwd);
  assert.equal(status, 0, stderr);
  assert.ok(validate(json), JSON.stringify(validate.errors));
  assert.deepEqual(json.files, files);
  const union: PacketValues[] = [];
  for (const f of files) union.push(...(await usedPackets(f, cwd)));
  assert.equal(json.packets.used, union.length);
  const names = union.length ? Object.keys(union[0].values) : [];
  assert.deepEqual(Object.keys(json.metrics).sort(), [...names].sort());
  for (const name of names) {
    const want = plainStats(union, name);
    const got = json.metrics[name];
    assert.equal(got.count, want.count, name);
    // min and max exactly, also beyond 2^53 (read from the text: JSON.parse rounds them).
    const exact = new RegExp(`"${name}":\\{"unit":"ns","count":\\d+,"min":(-?\\d+),"min_seqid":\\d+,"max":(-?\\d+),`).exec(raw);
    assert.ok(exact, name);
    assert.deepEqual([BigInt(exact[1]), BigInt(exact[2])], [want.min, want.max], name);
    assert.deepEqual([got.min_file, got.min_seqid, got.max_file, got.max_seqid],
      [want.minAt.file, want.minAt.seqid, want.maxAt.file, want.maxAt.seqid], `${name}: where the extremes are`);
    assert.ok(close(got.mean as number, want.mean), `${name}: mean ${got.mean} != ${want.mean}`);
    assert.ok(close(got.stddev as number, want.stddev), `${name}: stddev ${got.stddev} != ${want.stddev}`);
    for (const [p] of PERCENTILE_POINTS) assert.equal(got[p], Number(want.percentiles[p]), `${name}.${p}`);
  }
  return json;
}

test('merge: the JSON summary of several recorded files is that of the union of their packets', async () => {
  const json = await checkUnion(HARDWARE, vectorsDir);
  assert.equal(json.timestamps, 'hardware');
  // Counts add up over the files (each file's own JSON).
  const parts = await Promise.all(HARDWARE.map((f) => reportJson(['-F', f], vectorsDir)));
  for (const key of ['count', 'used', 'not_tx_timestamped', 'not_received'] as const) {
    assert.equal(json.packets[key], parts.reduce((s, p) => s + p.json.packets[key], 0), key);
  }
  assert.equal(json.deadline_misses?.count, parts.reduce((s, p) => s + (p.json.deadline_misses?.count ?? 0), 0));
  // The -5 s path delays of synth_negpath_unsync_30 are the union's minimum.
  assert.equal(json.metrics['path-delay'].min_file, 'dat/synth_negpath_unsync_30.dat');
});

test('merge: recorded software-timestamp runs (OMIT_HWTS) merge from their software timestamps', async () => {
  const json = await checkUnion(SOFTWARE, vectorsDir);
  assert.equal(json.timestamps, 'software');
});

test('merge: a file with itself doubles the counts and keeps the statistics; ties go to the later file', async () => {
  const f = 'dat/synth_basic_100.dat';
  const [one, twice] = await Promise.all([reportJson(['-F', f], vectorsDir), reportJson(['-F', f, '-F', f], vectorsDir)]);
  assert.equal(twice.json.packets.used, 2 * one.json.packets.used);
  for (const [name, m] of Object.entries(one.json.metrics)) {
    const t = twice.json.metrics[name];
    for (const k of ['min', 'max', 'min_seqid', 'max_seqid', ...PERCENTILE_POINTS.map(([p]) => p)]) assert.equal(t[k], m[k], `${name}.${k}`);
    assert.ok(close(t.mean as number, m.mean as number) && close(t.stddev as number, m.stddev as number), name);
    assert.equal(t.count, 2 * (m.count as number));
  }
});

test('merge: generated files with negative, tied and extreme values, and an extreme tied across files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-merge-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const base = 1_700_000_000_000_000_000n;
  const cycle = 1_000_000n;
  // Each file: path delays from a list (negative, tied, beyond 2^53 ns); x.dat's and z.dat's minimum tie.
  const make = (name: string, delays: bigint[]): string => {
    const send = delays.map((_, i) => {
      const scheduled = base + BigInt(i) * cycle;
      return { seqid: i + 1, scheduled, wakeup: scheduled - 30_000n, schedTs: scheduled - 20_000n, swts: scheduled - 15_000n, hwts: scheduled - 14_000n };
    });
    const rcv = delays.map((d, i) => ({ seqid: i + 1, hwts: send[i].hwts + d, swts: send[i].hwts + d + 500n, arrival: send[i].hwts + d + 9_000n }));
    const path = join(dir, name);
    writeDatFile(path, {
      packetCount: delays.length, frameSize: 64, flags: DatFlags.OMIT_SYNC | DatFlags.DO_TS,
      baseTime: base, advanceTime: 50_000n, shiftTime: 0n, cycleTime: cycle, windowSize: 0n,
    }, send, rcv);
    return path;
  };
  const files = [
    make('x.dat', [-7n, 5n, -7n, 1000n, 3n]),
    make('y.dat', Array.from({ length: 3000 }, (_, i) => BigInt((i * 7919) % 4001) - 2000n)),
    make('z.dat', [(1n << 55n) + 3n, -7n, 12n, -7n]),
  ];
  const json = await checkUnion(files, dir);
  assert.deepEqual([json.metrics['path-delay'].min, json.metrics['path-delay'].min_file], [-2000, files[1]]);
  assert.equal(json.metrics['path-delay'].max_file, files[2]);
  // Without y.dat the tied minimum -7 is in x.dat (seqid 3) and z.dat (seqid 4): the later file wins.
  const tied = await checkUnion([files[0], files[2]], dir);
  assert.deepEqual([tied.metrics['path-delay'].min, tied.metrics['path-delay'].min_file, tied.metrics['path-delay'].min_seqid], [-7, files[2], 4]);
});

const LINE = /^(.*): min (-?\d+) max (-?\d+) mean (-?[\d.]+) stddev ([\d.]+), min at seqid (\d+) \((.*)\), max at seqid (\d+) \((.*)\)$/;

test('merge: the text summary is the C layout with each extreme\'s file next to its seqid, and agrees with the JSON', async () => {
  const files = ['dat/synth_basic_100.dat', 'dat/synth_lost_40.dat', 'dat/synth_ties_5.dat'];
  const args = files.flatMap((f) => ['-F', f]);
  const [text, { json }, csv] = await Promise.all([
    runCli(['report', ...args, '-m'], { cwd: vectorsDir }), reportJson(args, vectorsDir),
    runCli(['report', ...args, '--format', 'csv'], { cwd: vectorsDir }),
  ]);
  assert.equal(text.status, 0, text.stderr.toString());
  const lines = text.stdout.toString().split('\n');
  assert.equal(lines[0], `Summary of 3 files merged: ${files.join(', ')}`);
  assert.equal(lines[1], 'Packets not received: 4 (2.759%)'); // 4 of 145 sender records
  assert.equal(lines[2], 'Summary:');
  const metricLines = lines.filter((l) => LINE.test(l));
  assert.equal(metricLines.length, 8);
  const order = ['path-delay', 'wakeup-to-tx-timestamp', 'rx-deadline-delta', 'latency-budget', 'sender-latency',
    'wakeup-latency', 'driver-latency', 'arrival-latency'];
  order.forEach((name, i) => {
    const g = LINE.exec(metricLines[i])!;
    const m = json.metrics[name];
    assert.ok(name !== 'rx-deadline-delta' || /later/.test(g[1]), g[1]);
    assert.deepEqual([g[2], g[3], g[4], g[5], Number(g[6]), g[7], Number(g[8]), g[9]],
      [String(m.min), String(m.max), formatFixed(m.mean as number), formatFixed(m.stddev as number),
        m.min_seqid, m.min_file, m.max_seqid, m.max_file], name);
  });
  assert.match(text.stdout.toString(), new RegExp(`\nHW TX deadline misses: ${json.deadline_misses!.count} \\(`));
  // CSV: the file columns come last.
  const rows = csv.stdout.toString().trimEnd().split('\n').map((r) => r.split(','));
  assert.deepEqual(rows[0].slice(-2), ['min_file', 'max_file']);
  for (const row of rows.slice(1)) assert.deepEqual(row.slice(-2), [json.metrics[row[0]].min_file, json.metrics[row[0]].max_file]);
});

test('merge: the synchronisation checks run on the union only when no file has OMIT_SYNC', async () => {
  const unsync = 'dat/synth_negpath_unsync_30.dat'; // OMIT_SYNC clear, path delays of -5 s
  const [alone, twice, mixed] = await Promise.all([
    runCli(['report', '-F', unsync, '-m'], { cwd: vectorsDir }),
    runCli(['report', '-F', unsync, '-F', unsync, '-m'], { cwd: vectorsDir }),
    runCli(['report', '-F', unsync, '-F', 'dat/synth_basic_100.dat', '-m'], { cwd: vectorsDir }),
  ]);
  const warnings = (out: Buffer): string[] => out.toString().split('\n').filter((l) => /not synchronized/.test(l));
  assert.equal(warnings(alone.stdout).length, 3);
  assert.deepEqual(warnings(twice.stdout), warnings(alone.stdout));
  assert.deepEqual(warnings(mixed.stdout), []);
});

test('one -F, with a --fail-if that does not hold, is the C tool\'s output byte for byte; several -F print each file\'s printf lines in order', async () => {
  const summaries = loadCases().filter((c) => c.exit_code === 0 && c.id.startsWith('summary__') && c.cwd === '.' &&
    existsSync(join(vectorsDir, c.argv[3])));
  assert.ok(summaries.length >= 15);
  for (const c of summaries) {
    const [r, plain] = await Promise.all([
      runCli([...c.argv.slice(1), '--fail-if', 'packets.count < 0'], { cwd: vectorsDir }), runCli(c.argv.slice(1), { cwd: vectorsDir }),
    ]);
    assert.deepEqual([r.status, r.stderr.toString()], [0, ''], c.id);
    assert.deepEqual(r.stdout, plain.stdout, c.id);
    // OMIT_HWTS files get their software-timestamp summary (docs/report.md); every other one is C's.
    if (!isOmitHwts(join(vectorsDir, c.argv[3]))) assert.deepEqual(r.stdout, expected(c, 'stdout'), c.id);
  }
  const fmt = ['-f', '%u %d\\n', '-a', 'qT', '-s', '2', '-S', '5'];
  const [a, b, both] = await Promise.all([
    runCli(['report', '-F', 'dat/synth_basic_100.dat', ...fmt], { cwd: vectorsDir }),
    runCli(['report', '-F', 'dat/synth_lost_40.dat', ...fmt], { cwd: vectorsDir }),
    runCli(['report', '-F', 'dat/synth_basic_100.dat', '-F', 'dat/synth_lost_40.dat', ...fmt], { cwd: vectorsDir }),
  ]);
  assert.equal(both.status, 0);
  assert.deepEqual(both.stdout, Buffer.concat([a.stdout, b.stdout]));
  assert.equal(both.stdout.toString().split('\n').length, 9);
});

test('merge: files that cannot be merged, or read, are refused before anything is printed', async () => {
  const printf = ['-f', '%u\\n', '-a', 'q', '-m'];
  const cases: [string[], number, string][] = [
    [['dat/synth_basic_100.dat', 'dat/real_l2_64b_1ms_100.dat'], 234,
      'Cannot merge dat/synth_basic_100.dat and dat/real_l2_64b_1ms_100.dat: the first has hardware timestamps, the other software timestamps only (OMIT_HWTS)\n'],
    [['dat/synth_basic_100.dat', 'dat/synth_lost_40.dat', 'dat/synth_txtime_deadline_30.dat'], 234,
      'Cannot merge dat/synth_basic_100.dat and dat/synth_txtime_deadline_30.dat: the first was sent without taprio or txtime, the other with taprio or txtime (latency-budget against mac-latency)\n'],
    [['dat/real_l2_64b_1ms_100.dat', 'dat/synth_omithwts_flag_1000.dat'], 234,
      'Cannot merge dat/real_l2_64b_1ms_100.dat and dat/synth_omithwts_flag_1000.dat: their cycle times differ (1000000 ns and 10000000 ns); compare them with --compare\n'],
    [['dat/synth_basic_100.dat', 'dat/no_such.dat'], 255, 'Failed to open file dat/no_such.dat: No such file or directory\n'],
    [['dat/synth_basic_100.dat', 'dat/corrupt_bad_magic.dat'], 234, 'Unrecognized file format\n'],
  ];
  for (const [files, status, stderr] of cases) {
    const r = await runCli(['report', ...files.flatMap((f) => ['-F', f]), ...printf], { cwd: vectorsDir });
    assert.deepEqual([r.status, r.stderr.toString(), r.stdout.length], [status, stderr, 0], files.join(' '));
  }
});
