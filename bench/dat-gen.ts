// The benchmarks' `.dat` file: written by our own DatWriter with realistic
// timestamps (a 1 ms cycle, jittered wakeups and stamps) and every 1000th
// packet lost, from a fixed seed so every run measures the same file.
import { DatWriter } from '../src/engine/dat/writer.js';
import { DatFlags } from '../src/engine/dat/layout.js';

/** Writes `packets` send records (and their receive records but every 1000th) to `path`. */
export function generateDat(path: string, packets: number): void {
  let x = 12345;
  const rnd = (lo: number, hi: number): bigint => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return BigInt(lo + (x % (hi - lo + 1)));
  };
  const base = 1_795_674_900_000_000_000n;
  const cycle = 1_000_000n;
  const w = DatWriter.create(path, {
    packetCount: packets, frameSize: 64, flags: DatFlags.OMIT_SYNC | DatFlags.DO_TS,
    baseTime: base, advanceTime: 25_000n, shiftTime: 0n, cycleTime: cycle, windowSize: 0n,
  }, { sendSlots: packets, rcvSlots: packets });
  for (let i = 1; i <= packets; i++) {
    const scheduled = base + BigInt(i - 1) * cycle;
    const wakeup = scheduled - 25_000n + rnd(2_000, 30_000);
    const schedTs = wakeup + rnd(3_000, 12_000);
    const swts = schedTs + rnd(1_000, 6_000);
    const hwts = swts + rnd(500, 3_000);
    w.putSend({ seqid: i, scheduled, wakeup, hwts, swts, schedTs });
    if (i % 1000 === 0) continue;
    const rxHw = hwts + rnd(1_500, 4_000);
    w.putRcv({ seqid: i, arrival: rxHw + rnd(10_000, 40_000), hwts: rxHw, swts: rxHw + rnd(2_000, 9_000) });
  }
  w.close();
}
