// For the merge, compare and fail-if tests: each used packet's metric values
// read back from the real CLI's `--printf-format` output of one file (not
// from the summary code), and the statistics of a list of such packets
// computed the plain way (sort, nearest rank, two-pass mean and stddev).
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { runCli } from './cli.js';
import { exactPercentiles } from './report-metrics.js';

const OMIT_HWTS = 32;
const TAPRIO_OR_TXTIME = 12;

/** One used packet: its file, seqid and every reported metric's value by stable name. */
export interface PacketValues {
  file: string;
  seqid: number;
  values: Record<string, bigint>;
}

/** The used packets of `file` (as given, relative to cwd), in seqid order. */
export async function usedPackets(file: string, cwd: string): Promise<PacketValues[]> {
  const head = readFileSync(isAbsolute(file) ? file : join(cwd, file)).subarray(0, 96);
  const flags = head.readUInt16BE(18);
  const sw = (flags & OMIT_HWTS) !== 0;
  const mac = (flags & TAPRIO_OR_TXTIME) !== 0;
  const r = await runCli(['report', '-F', file, '-f', '%u %d %d %d %d %d %d %d %d %d\\n', '-a', 'qSwTtsRraA'], { cwd });
  if (r.status !== 0) throw new Error(`printf run of ${file} failed: ${r.stderr}`);
  const out: PacketValues[] = [];
  for (const line of r.stdout.toString().split('\n')) {
    if (line === '') continue;
    const [q, S, w, Thw, t, s, Rhw, rsw, a, A] = line.split(' ').map(BigInt);
    const T = sw ? t : Thw;
    const R = sw ? rsw : Rhw;
    const received = a !== 0n || Rhw !== 0n || rsw !== 0n;
    if (t === 0n || s === 0n || T === 0n || !received) continue;
    out.push({
      file, seqid: Number(q),
      values: {
        'path-delay': R - T, 'wakeup-to-tx-timestamp': T - w, 'rx-deadline-delta': R - S,
        [mac ? 'mac-latency' : 'latency-budget']: mac ? T - S : S - T,
        'sender-latency': t - w, 'wakeup-latency': w - (S - A), 'driver-latency': t - s, 'arrival-latency': a - R,
      },
    });
  }
  return out;
}

export interface PlainStats {
  count: number;
  min: bigint;
  max: bigint;
  /** Where the extremes are: on ties the later packet in the list (files in order, seqids ascending). */
  minAt: PacketValues;
  maxAt: PacketValues;
  mean: number;
  stddev: number;
  percentiles: Record<string, bigint>;
}

/** The statistics of one metric over `packets` (in file order, then seqid order). */
export function plainStats(packets: readonly PacketValues[], metric: string): PlainStats {
  const vals = packets.map((p) => p.values[metric]);
  let minAt = packets[0];
  let maxAt = packets[0];
  for (const p of packets) {
    if (p.values[metric] <= minAt.values[metric]) minAt = p;
    if (p.values[metric] >= maxAt.values[metric]) maxAt = p;
  }
  const mean = vals.reduce((s, v) => s + Number(v), 0) / vals.length;
  const stddev = Math.sqrt(vals.reduce((s, v) => s + (Number(v) - mean) ** 2, 0) / vals.length);
  return {
    count: vals.length, min: minAt.values[metric], max: maxAt.values[metric], minAt, maxAt, mean, stddev,
    percentiles: exactPercentiles(vals),
  };
}

/** Whether two doubles agree to the last few bits the two summation orders can differ in. */
export function close(got: number, want: number): boolean {
  return Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
}

/** A report JSON object, as far as these tests read it (numbers parsed as doubles). */
export interface ReportJson {
  schema: string;
  files: string[];
  timestamps: string;
  packets: { count: number; used: number; not_tx_timestamped: number; not_received: number };
  metrics: Record<string, Record<string, number | string>>;
  deadline_misses: { count: number; percent: number } | null;
}

/** Runs the CLI and parses its one-line JSON (status 0 asserted by the caller through `status`). */
export async function reportJson(args: readonly string[], cwd: string): Promise<{ status: number | null; json: ReportJson; stderr: string; raw: string }> {
  const r = await runCli(['report', ...args, '--format', 'json'], { cwd });
  const raw = r.stdout.toString();
  return { status: r.status, json: JSON.parse(raw || 'null') as ReportJson, stderr: r.stderr.toString(), raw };
}
