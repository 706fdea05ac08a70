// Shared by the report tests: the vectors index, expected outputs, an
// independent .dat parser (plain DataView, deliberately not src/engine/dat) and the
// software-timestamp statistics the OMIT_HWTS summary must show.
import type { ReportOptions } from '../../src/verbs/report/request.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join, isAbsolute } from 'node:path';
import { tmpdir } from 'node:os';
import { repoRoot, sharedToolsDir, vectorsDir } from './paths.js';
import type { MetricStats } from '../../src/engine/report/metrics.js';

export interface ReportCase {
  id: string;
  argv: string[];
  cwd: string;
  exit_code: number;
  stdout?: string;
  stderr?: string;
  stdout_file?: string;
  stderr_file?: string;
}

export function loadCases(): ReportCase[] {
  return JSON.parse(readFileSync(join(vectorsDir, 'report', 'cases.json'), 'utf8')) as ReportCase[];
}

export function expected(c: ReportCase, which: 'stdout' | 'stderr'): Buffer {
  const file = c[`${which}_file`];
  if (file && existsSync(join(vectorsDir, file))) return readFileSync(join(vectorsDir, file));
  return Buffer.from(c[which] ?? '', 'utf8');
}

let genDir: string | undefined;
let python: boolean | undefined;

/**
 * argv with .dat paths that are not stored (e.g. synth_large_200000) replaced
 * by a generated copy. Returns a reason string when generation is impossible.
 */
export function prepareArgv(c: ReportCase): { argv: string[] } | { skip: string } {
  const argv = c.argv.slice(1);
  for (let i = 0; i < argv.length; i++) {
    const prev = argv[i - 1];
    if (prev !== '-F' && prev !== '--input-file') continue;
    const abs = isAbsolute(argv[i]) ? argv[i] : join(vectorsDir, c.cwd, argv[i]);
    const m = /(synth_[a-z0-9_]+)\.dat$/.exec(argv[i]);
    if (existsSync(abs) || !m || c.id.startsWith('missing')) continue;
    python ??= spawnSync('python3', ['--version']).status === 0;
    if (!python) return { skip: `python3 missing: cannot generate ${argv[i]}` };
    if (!genDir) {
      const dir = mkdtempSync(join(tmpdir(), 'isochron-report-'));
      // Generated per test process; nothing of it is kept.
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      genDir = dir;
    }
    const out = join(genDir, `${m[1]}.dat`);
    if (!existsSync(out)) {
      const r = spawnSync('python3', [join(sharedToolsDir, 'datfile.py'), 'synth', m[1], out]);
      if (r.status !== 0) return { skip: `datfile.py synth ${m[1]} failed: ${r.stderr}` };
    }
    argv[i] = out;
  }
  return { argv };
}

export function inputFileOf(argv: string[], cwd: string): string | undefined {
  const i = argv.findIndex((a) => a === '-F' || a === '--input-file');
  if (i < 0) return undefined;
  return isAbsolute(argv[i + 1]) ? argv[i + 1] : join(cwd, argv[i + 1]);
}

// ---- C strtoul(s, NULL, 0) on a 64-bit machine (null when C sets ERANGE) ----
export function strtoul(s: string): number | null {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    base = 16;
    i += 2;
  } else if (s[i] === '0') base = 8;
  let v = 0n;
  for (; i < s.length; i++) {
    const d = parseInt(s[i], 36);
    if (Number.isNaN(d) || d >= base) break;
    v = v * BigInt(base) + BigInt(d);
    if (v >= 1n << 64n) return null;
  }
  if (neg && v !== 0n) v = (1n << 64n) - v;
  return Number(v);
}

/** The report's own options type: the vectors' argv parsed the same way. */
export type ParsedReportArgs = ReportOptions;

/** A minimal report argv parser for the in-process path; null for cases only the CLI handles. */
export function parseReportArgv(argv: string[]): ParsedReportArgs | null {
  const o: ParsedReportArgs = { inputFile: 'isochron.dat', summary: false, start: 0, stop: 0 };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string | undefined => argv[++i];
    if (a === '-m' || a === '--summary') o.summary = true;
    else if (a === '-F' || a === '--input-file') o.inputFile = val() ?? '';
    else if (a === '-f' || a === '--printf-format') o.printfFormat = val();
    else if (a === '-a' || a === '--printf-args') o.printfArgs = val();
    else if (a === '-s' || a === '--start' || a === '-S' || a === '--stop') {
      const n = strtoul(val() ?? '');
      if (n === null) return null;
      if (a === '-s' || a === '--start') o.start = n;
      else o.stop = n;
    } else return null;
  }
  return o;
}

export interface Captured {
  status: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** Runs runReport() in a child node (it writes to fd 1 and 2 directly). */
export function runReportChild(opts: ParsedReportArgs, cwd: string, timeoutMs = 60_000): Promise<Captured> {
  const runJs = join(repoRoot, 'dist', 'src', 'verbs', 'report', 'run.js');
  const script = `import { runReport } from ${JSON.stringify(runJs)};\n` +
    `process.exitCode = await runReport(JSON.parse(process.argv[1]));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(opts)], { cwd });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

// ---- independent parsing and software-timestamp statistics ----
export interface RawFile {
  flags: number;
  packetCount: number;
  cycle: bigint;
  advance: bigint;
  send: { seqid: number; scheduled: bigint; wakeup: bigint; hwts: bigint; swts: bigint; schedTs: bigint }[];
  rcv: { seqid: number; arrival: bigint; hwts: bigint; swts: bigint }[];
}

export function parseRaw(path: string): RawFile {
  const b = readFileSync(path);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const sendStart = Number(dv.getBigUint64(64));
  const rcvStart = Number(dv.getBigUint64(72));
  const send = [];
  for (let o = sendStart; o + 48 <= sendStart + dv.getUint32(80); o += 48) {
    send.push({
      seqid: dv.getUint32(o), scheduled: dv.getBigInt64(o + 8), wakeup: dv.getBigInt64(o + 16),
      hwts: dv.getBigInt64(o + 24), swts: dv.getBigInt64(o + 32), schedTs: dv.getBigInt64(o + 40),
    });
  }
  const rcv = [];
  for (let o = rcvStart; o + 32 <= rcvStart + dv.getUint32(84); o += 32) {
    rcv.push({ seqid: dv.getUint32(o), arrival: dv.getBigInt64(o + 8), hwts: dv.getBigInt64(o + 16), swts: dv.getBigInt64(o + 24) });
  }
  return {
    flags: dv.getUint16(18), packetCount: dv.getUint32(12), cycle: dv.getBigInt64(48), advance: dv.getBigInt64(32), send, rcv,
  };
}

/** The same shape as the engine's per-metric statistics. */
export type SimpleStats = MetricStats;

/** Straightforward statistics; ties go to the highest seqid (the C walk order). */
export function simpleStats(values: { seqid: number; v: bigint }[]): SimpleStats {
  let min = values[0];
  let max = values[0];
  for (const x of values) {
    if (x.v < min.v || (x.v === min.v && x.seqid > min.seqid)) min = x;
    if (x.v > max.v || (x.v === max.v && x.seqid > max.seqid)) max = x;
  }
  const mean = values.reduce((s, x) => s + Number(x.v), 0) / values.length;
  const stddev = Math.sqrt(values.reduce((s, x) => s + (Number(x.v) - mean) ** 2, 0) / values.length);
  return { min: min.v, max: max.v, mean, stddev, seqidOfMin: min.seqid, seqidOfMax: max.seqid };
}

/** Software-timestamp metrics of a whole file (default start/stop). */
export function softwareMetrics(f: RawFile): { name: string; stats: SimpleStats; misses?: number }[] | null {
  const rows: { s: number; tx: RawFile['send'][number]; rx: RawFile['rcv'][number] }[] = [];
  const stop = f.packetCount;
  for (let s = 1; s <= stop && s <= f.send.length; s++) {
    const tx = f.send[s - 1];
    if (tx.seqid !== s) break;
    const rx = f.rcv[s - 1];
    if (!tx.swts || !tx.schedTs || !rx || rx.seqid !== s) continue;
    rows.push({ s, tx, rx });
  }
  if (rows.length === 0) return null;
  const metric = (fn: (r: (typeof rows)[number]) => bigint) => simpleStats(rows.map((r) => ({ seqid: r.s, v: fn(r) })));
  const later = metric((r) => r.rx.swts - r.tx.scheduled);
  const misses = rows.filter((r) => r.tx.swts > r.tx.scheduled).length;
  return [
    { name: 'SW path delay', stats: metric((r) => r.rx.swts - r.tx.swts) },
    { name: 'Wakeup to SW TX timestamp', stats: metric((r) => r.tx.swts - r.tx.wakeup) },
    later.mean > 0
      ? { name: 'Packets arrived later than scheduled. TX time to SW RX timestamp', stats: later }
      : { name: 'Packets arrived earlier than scheduled. SW RX timestamp to TX time', stats: metric((r) => r.tx.scheduled - r.rx.swts) },
    (f.flags & 12) !== 0
      ? { name: 'SW MAC latency', stats: metric((r) => r.tx.swts - r.tx.scheduled) }
      : { name: 'SW application latency budget', stats: metric((r) => r.tx.scheduled - r.tx.swts) },
    { name: 'Sender latency', stats: metric((r) => r.tx.swts - r.tx.wakeup) },
    { name: 'Wakeup latency', stats: metric((r) => r.tx.wakeup - (r.tx.scheduled - f.advance)) },
    { name: 'Driver latency', stats: metric((r) => r.tx.swts - r.tx.schedTs) },
    { name: 'Arrival latency after SW RX timestamp', stats: metric((r) => r.rx.arrival - r.rx.swts), misses },
  ];
}

const LINE = /^(.*): min (-?\d+) max (-?\d+) mean (-?[\d.]+) stddev ([\d.]+), min at seqid (\d+), max at seqid (\d+)$/;

/** Asserts a labelled software-timestamp summary against independently computed metrics. */
export function checkSoftwareSummary(text: string, f: RawFile, assertFn: (ok: boolean, msg: string) => void): void {
  const lines = text.split('\n');
  assertFn(/software timestamps only/i.test(lines[0]), `first line must announce software timestamps: ${lines[0]}`);
  const metrics = softwareMetrics(f);
  if (!metrics) {
    assertFn(text.includes('Could not calculate statistics'), 'no usable packet: statistics must be refused');
    return;
  }
  const statLines = lines.filter((l) => LINE.test(l));
  assertFn(statLines.length === metrics.length, `expected ${metrics.length} metric lines, got ${statLines.length}`);
  metrics.forEach((m, i) => {
    const g = LINE.exec(statLines[i])!;
    assertFn(g[1] === m.name, `metric ${i}: name "${g[1]}" != "${m.name}"`);
    assertFn(BigInt(g[2]) === m.stats.min && BigInt(g[3]) === m.stats.max, `${m.name}: min/max ${g[2]}/${g[3]} != ${m.stats.min}/${m.stats.max}`);
    assertFn(Math.abs(Number(g[4]) - m.stats.mean) <= 0.0006 + Math.abs(m.stats.mean) * 1e-12, `${m.name}: mean ${g[4]} != ${m.stats.mean}`);
    assertFn(Math.abs(Number(g[5]) - m.stats.stddev) <= 0.0006 + m.stats.stddev * 1e-9, `${m.name}: stddev ${g[5]} != ${m.stats.stddev}`);
    assertFn(Number(g[6]) === m.stats.seqidOfMin && Number(g[7]) === m.stats.seqidOfMax, `${m.name}: seqids ${g[6]}/${g[7]}`);
  });
  if ((f.flags & 12) === 0) {
    const misses = metrics[metrics.length - 1].misses;
    assertFn(new RegExp(`^SW TX deadline misses: ${misses} \\(`, 'm').test(text), `SW deadline-miss line must count ${misses}`);
  }
}

export function isOmitHwts(path: string | undefined): boolean {
  if (!path || !existsSync(path)) return false;
  const b = readFileSync(path);
  return b.length >= 20 && b.subarray(0, 8).toString('latin1') === 'ISOCHRON' && (b.readUInt16BE(18) & 32) !== 0;
}
