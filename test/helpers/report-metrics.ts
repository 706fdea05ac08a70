// Independent per-packet metric values and exact percentiles for the report
// tests: the packets the C summary uses, read with report-support's own
// parser (not src/engine/dat), the formulas written out again, and
// nearest rank by sorting bigints with the rank in bigint arithmetic.
import type { RawFile } from './report-support.js';

const OMIT_HWTS = 32;
const TAPRIO_OR_TXTIME = 12;

/** Every reported metric's values over the used packets, keyed by stable name. */
export function usedPacketValues(f: RawFile): Map<string, bigint[]> {
  const sw = (f.flags & OMIT_HWTS) !== 0;
  const mac = (f.flags & TAPRIO_OR_TXTIME) !== 0;
  const out = new Map<string, bigint[]>();
  const put = (name: string, v: bigint): void => {
    const list = out.get(name);
    if (list) list.push(v);
    else out.set(name, [v]);
  };
  for (let s = 1; s <= f.packetCount && s <= f.send.length; s++) {
    const tx = f.send[s - 1];
    if (tx.seqid !== s) break;
    const rx = f.rcv[s - 1];
    if (!tx.swts || !tx.schedTs || (!sw && !tx.hwts) || !rx || rx.seqid !== s) continue;
    const { scheduled: S, wakeup: w, swts: t, schedTs: st } = tx;
    const T = sw ? tx.swts : tx.hwts;
    const R = sw ? rx.swts : rx.hwts;
    put('path-delay', R - T);
    put('wakeup-to-tx-timestamp', T - w);
    put('rx-deadline-delta', R - S);
    if (mac) put('mac-latency', T - S);
    else put('latency-budget', S - T);
    put('sender-latency', t - w);
    put('wakeup-latency', w - (S - f.advance));
    put('driver-latency', t - st);
    put('arrival-latency', rx.arrival - R);
  }
  return out;
}

export const PERCENTILE_POINTS: readonly [string, bigint, bigint][] = [
  ['p50', 1n, 2n], ['p90', 9n, 10n], ['p99', 99n, 100n],
  ['p99_9', 999n, 1000n], ['p99_99', 9999n, 10000n], ['p99_999', 99999n, 100000n],
];

/** Exact nearest-rank percentiles: the value of rank ceil(num/den * n) (at least 1) of the sorted values. */
export function exactPercentiles(values: readonly bigint[]): Record<string, bigint> {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = BigInt(sorted.length);
  const out: Record<string, bigint> = {};
  for (const [key, num, den] of PERCENTILE_POINTS) {
    let rank = (num * n + den - 1n) / den;
    if (rank < 1n) rank = 1n;
    out[key] = sorted[Number(rank) - 1];
  }
  return out;
}

/** Whether a reported double is the exact value within the tolerance (0.1 % or 1 ns). */
export function withinTolerance(got: number, exact: bigint): boolean {
  const e = Number(exact);
  return Math.abs(got - e) <= Math.max(1, Math.abs(e) * 0.001);
}
