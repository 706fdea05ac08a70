// `report --packets csv|jsonl` through the real CLI, against `--printf-format`
// run on the same file and range: every row's seqid and timestamps equal the
// printf output (%u for q, %d for the timestamps), CSV and JSONL carry the
// same values, and each metric equals the formula computed here from
// the printf-exported timestamps (empty/null exactly for the packets the C
// summary skips: TX timestamps missing, or no receive record with the seqid,
// which the test reads from the file with its own parser). On every file of
// the vectors' dat/ folder (a file printf cannot read must fail the same way)
// and on files written here with negative metrics, lost and untimestamped
// packets, an incomplete sender log, OMIT_HWTS and txtime flags, and values
// beyond 2^53. Also the option's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli, type CliResult } from '../../helpers/cli.js';
import { vectorsDir } from '../../helpers/paths.js';
import { parseRaw, type RawFile } from '../../helpers/report-support.js';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { DatFlags, type SendRecord, type RcvRecord } from '../../../src/engine/dat/layout.js';
import { reportEngine } from '../../../src/engine/report/engine.js';
import { OP_METRIC, packetColumns } from '../../../src/verbs/report/packets.js';
import { REPORT_SPEC } from '../../../src/verbs/report/options.js';

const OMIT_HWTS = 32;
const TAPRIO_OR_TXTIME = 12;
const TIMESTAMPS = ['scheduled', 'wakeup', 'tx-hw-timestamp', 'tx-sw-timestamp', 'tx-sched-timestamp',
  'arrival', 'rx-hw-timestamp', 'rx-sw-timestamp'];
/** The printf letters of those columns, in the same order, after q. */
const PRINTF_FORMAT = `%u${' %d'.repeat(TIMESTAMPS.length)}\\n`;
const PRINTF_ARGS = 'qSwTtsaRr';

type Row = Map<string, bigint | null>;

/** Metric values from one packet's printf timestamps; null when the C summary skips the packet. */
function expectedMetrics(f: RawFile, ts: bigint[]): [string, bigint | null][] {
  const [q, S, w, Thw, t, s, a, Rhw, Rsw] = ts;
  const sw = (f.flags & OMIT_HWTS) !== 0;
  const mac = (f.flags & TAPRIO_OR_TXTIME) !== 0;
  const rx = f.rcv[Number(q) - 1];
  const used = t !== 0n && s !== 0n && (sw || Thw !== 0n) && rx !== undefined && rx.seqid === Number(q);
  const T = sw ? t : Thw;
  const R = sw ? Rsw : Rhw;
  const v = (x: bigint): bigint | null => (used ? x : null);
  return [
    ['path-delay', v(R - T)],
    ['wakeup-to-tx-timestamp', v(T - w)],
    ['rx-deadline-delta', v(R - S)],
    mac ? ['mac-latency', v(T - S)] : ['latency-budget', v(S - T)],
    ['sender-latency', v(t - w)],
    ['wakeup-latency', v(w - (S - f.advance))],
    ['driver-latency', v(t - s)],
    ['arrival-latency', v(a - R)],
  ];
}

function parseCsv(text: string): { header: string[]; rows: Row[] } {
  assert.ok(text.endsWith('\n'), 'CSV ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => {
    const cells = l.split(',');
    assert.equal(cells.length, header.length, l);
    return new Map(header.map((h, i) => [h, cells[i] === '' ? null : BigInt(cells[i])]));
  });
  return { header, rows };
}

/** JSONL rows, with numbers read exactly (JSON.parse would round those beyond 2^53). */
function parseJsonl(text: string): { keys: string[][]; rows: Row[] } {
  if (text === '') return { keys: [], rows: [] };
  assert.ok(text.endsWith('\n'), 'JSONL ends with a newline');
  const keys: string[][] = [];
  const rows = text.slice(0, -1).split('\n').map((l) => {
    const obj = JSON.parse(l) as Record<string, unknown>; // each line is one valid JSON object
    keys.push(Object.keys(obj));
    const row: Row = new Map();
    for (const m of l.matchAll(/"([a-z-]+)":(-?\d+|null)/g)) row.set(m[1], m[2] === 'null' ? null : BigInt(m[2]));
    assert.deepEqual([...row.keys()], Object.keys(obj), l);
    return row;
  });
  return { keys, rows };
}

/**
 * Runs printf, CSV and JSONL on one file and range and checks them against
 * each other and the formulas. Returns the rows compared, -1 when all three failed alike.
 */
async function checkFile(file: string, range: string[], label: string): Promise<number> {
  const run = (args: string[]): Promise<CliResult> => runCli(['report', '-F', file, ...range, ...args]);
  const [printf, csv, jsonl] = await Promise.all([
    run(['--printf-format', PRINTF_FORMAT, '--printf-args', PRINTF_ARGS]),
    run(['--packets', 'csv']),
    run(['-P', 'jsonl']),
  ]);
  for (const r of [csv, jsonl]) {
    assert.equal(r.status, printf.status, `${label}: ${r.stderr}`);
    assert.equal(r.stderr.toString(), printf.stderr.toString(), label);
  }
  if (printf.status !== 0) {
    // The same error, before any row (also before the CSV header).
    assert.equal(csv.stdout.length, 0, label);
    assert.equal(jsonl.stdout.length, 0, label);
    return -1;
  }
  const f = parseRaw(file);
  const mac = (f.flags & TAPRIO_OR_TXTIME) !== 0;
  const printed = printf.stdout.toString('utf8').split('\n').slice(0, -1).map((l) => l.split(' ').map(BigInt));
  const c = parseCsv(csv.stdout.toString('utf8'));
  const j = parseJsonl(jsonl.stdout.toString('utf8'));
  const metricNames = ['path-delay', 'wakeup-to-tx-timestamp', 'rx-deadline-delta', mac ? 'mac-latency' : 'latency-budget',
    'sender-latency', 'wakeup-latency', 'driver-latency', 'arrival-latency'];
  const columns = ['seqid', ...TIMESTAMPS, ...metricNames];
  assert.deepEqual(c.header, columns, label);
  for (const k of j.keys) assert.deepEqual(k, columns, label);
  assert.equal(c.rows.length, printed.length, `${label}: one CSV row per printf line`);
  assert.equal(j.rows.length, printed.length, `${label}: one JSONL row per printf line`);
  printed.forEach((ts, i) => {
    const want: Row = new Map([['seqid', ts[0]], ...TIMESTAMPS.map((n, k): [string, bigint] => [n, ts[k + 1]]),
      ...expectedMetrics(f, ts)]);
    assert.deepEqual(c.rows[i], want, `${label}: CSV row of seqid ${ts[0]}`);
    assert.deepEqual(j.rows[i], want, `${label}: JSONL row of seqid ${ts[0]}`);
  });
  return printed.length;
}

const RANGES: string[][] = [['-s', '3', '-S', '7'], ['--start', '0x10'], ['-s', '9', '-S', '4'], ['-S', '100000']];
/** Files that also get every range (those of the vectors' printf cases, and more). */
const RANGED = /basic|lost|incomplete|omithwts/;

test('--packets csv/jsonl equal --printf-format and the metric formulas on every recorded file', async () => {
  const dir = join(vectorsDir, 'dat');
  const files = readdirSync(dir).filter((n) => n.endsWith('.dat')).sort();
  assert.ok(files.length > 10, 'the recorded files are there');
  let rows = 0;
  let failures = 0;
  for (const name of files) {
    const n = await checkFile(join(dir, name), [], name);
    if (n < 0) failures++;
    else rows += n;
    if (!RANGED.test(name)) continue;
    for (const range of RANGES) await checkFile(join(dir, name), range, `${name} ${range.join(' ')}`);
  }
  assert.ok(rows > 1000, `rows compared: ${rows}`);
  assert.ok(failures > 0 && failures < files.length, 'both readable and unreadable files were compared');
});

/** A deterministic file with every case the rows must show. */
function writeEdgeFile(path: string, flags: number, n: number, incompleteAt?: number): void {
  let x = 7;
  const rnd = (lo: number, hi: number): bigint => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return BigInt(lo + (x % (hi - lo + 1)));
  };
  // Beyond 2^53 ns and offset clocks: negative path delays and budgets.
  const base = (1n << 62n) + 12345n;
  const cycle = 500_000n;
  const send: SendRecord[] = [];
  const rcv: RcvRecord[] = [];
  for (let i = 1; i <= n; i++) {
    const scheduled = base + BigInt(i - 1) * cycle;
    const wakeup = scheduled - 25_000n + rnd(-40_000, 60_000);
    const schedTs = i % 11 === 4 ? 0n : wakeup + rnd(3_000, 12_000);
    const swts = i % 13 === 6 ? 0n : schedTs + rnd(-2_000, 6_000);
    const hwts = i % 7 === 2 ? 0n : swts + rnd(-3_000, 3_000);
    send.push({ seqid: i, scheduled, wakeup, hwts, swts, schedTs });
    const rxHw = hwts - 5_000_000n + rnd(-4_000, 4_000); // the receiver's clock is 5 ms behind
    const lost = i % 5 === 3;
    rcv.push(lost
      ? { seqid: 0, arrival: 0n, hwts: 0n, swts: 0n }
      : { seqid: i, arrival: rxHw + rnd(-1_000, 40_000), hwts: i % 17 === 9 ? 0n : rxHw, swts: rxHw + rnd(-2_000, 9_000) });
  }
  // An incomplete sender log in the last quarter: the walk stops there, as C's.
  if (incompleteAt) send[incompleteAt - 1] = { seqid: 0, scheduled: 0n, wakeup: 0n, hwts: 0n, swts: 0n, schedTs: 0n };
  writeDatFile(path, {
    packetCount: n, frameSize: 64, flags: DatFlags.DO_TS | flags,
    baseTime: base, advanceTime: 25_000n, shiftTime: 0n, cycleTime: cycle, windowSize: 0n,
  }, send, rcv.slice(0, n - 3)); // the receiver log is also short by three records
}

test('--packets on generated files: negative metrics, lost and untimestamped packets, flags, huge values, ranges', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-packets-'));
  try {
    const cases: [string, number, number?][] = [
      ['plain', DatFlags.OMIT_SYNC],
      ['omit-hwts', DatFlags.OMIT_HWTS],
      ['txtime', DatFlags.TXTIME],
      ['taprio-incomplete', DatFlags.TAPRIO, 226],
    ];
    for (const [name, flags, incompleteAt] of cases) {
      const file = join(dir, `${name}.dat`);
      writeEdgeFile(file, flags, 300, incompleteAt);
      let sawNegative = false;
      let sawNull = false;
      for (const range of [[], ['-s', '40', '-S', '77'], ['-s', '301']]) {
        await checkFile(file, range, `${name} ${range.join(' ')}`);
      }
      // The data really has what the test claims to cover.
      const rows = parseCsv((await runCli(['report', '-F', file, '-P', 'csv'])).stdout.toString()).rows;
      for (const r of rows) {
        for (const [k, v] of r) {
          if (v === null) sawNull = true;
          else if (v < 0n && k !== 'seqid') sawNegative = true;
        }
      }
      assert.ok(sawNegative && sawNull, `${name}: negative and empty metrics present`);
      assert.equal(rows.length, incompleteAt ? incompleteAt - 1 : 300, `${name}: rows up to where the sender log ends`);
      assert.ok(rows.some((r) => r.get('scheduled')! > 1n << 53n), 'values beyond 2^53');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--packets: a bad value and a combination with another output are argument errors with stable texts', async () => {
  const file = join(vectorsDir, 'dat', 'synth_basic_100.dat');
  const bad = await runCli(['report', '-F', file, '--packets', 'json']);
  assert.equal(bad.status, 234);
  assert.equal(bad.stderr.toString(), 'Unknown --packets "json": expected csv or jsonl\nargument parsing failed: Invalid argument\n');
  assert.equal(bad.stdout.length, 0);
  const combos: [string[], string][] = [
    [['-m'], '--summary'], [['--format', 'json'], '--format'],
    [['-f', '%u\\n', '-a', 'q'], '--printf-format'], [['-a', 'q'], '--printf-args'],
  ];
  for (const [extra, name] of combos) {
    const r = await runCli(['report', '-F', file, '-P', 'csv', ...extra]);
    assert.equal(r.status, 234, name);
    assert.equal(r.stderr.toString(), `--packets cannot be combined with ${name}: run report once for each\nargument parsing failed: Invalid argument\n`);
    assert.equal(r.stdout.length, 0);
  }
  // An empty printf format is no format, as in C.
  const empty = await runCli(['report', '-F', file, '-P', 'jsonl', '-f', '', '-a', '']);
  assert.equal(empty.status, 0, empty.stderr.toString());
  assert.equal(empty.stdout.toString().split('\n').length, 101);
});

test('--packets: its op code is the engine\'s, its columns are the documented ones, its option has a doc', () => {
  const g = reportEngine().OP_METRIC;
  assert.ok(g instanceof WebAssembly.Global, 'report.wasm exports OP_METRIC');
  assert.equal(OP_METRIC, Number(g.value));
  assert.deepEqual(packetColumns(false).slice(0, 9), ['seqid', ...TIMESTAMPS]);
  const opt = REPORT_SPEC.options.find((o) => o.long === '--packets');
  assert.ok(opt?.doc?.meaning, '--packets has an OptionDoc');
});
