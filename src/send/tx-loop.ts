// The TX timestamp thread's loop: error-queue entries of the data socket
// (SCHED and SND software stamps, hardware stamps when the NIC gives them,
// txtime drop reports from etf/taprio) become ring records for the main
// thread, which owns the send log and decides what each one means. Waits
// are bounded (poll slices) so the stop flag is seen; C's rule that 2 s
// without any timestamp ends the thread is kept.
import type { TimestampSource } from '../sys/boundary.js';
import { LoopControl, LoopState } from '../runtime/control.js';
import type { RecordRing } from '../runtime/ring.js';
import { sleepUntilOrStop } from './send-loop.js';
import { TaiClock, tsFromNs, type Ts } from './timespec.js';
import { type LoopResult } from './tasks.js';

export const POLL_SLICE_MS = 20;

export interface TxLoopParams {
  firstWakeup: bigint;
  timeoutMs: number;
}

export function runTxTimestampLoop(
  src: TimestampSource,
  p: TxLoopParams,
  ring: RecordRing,
  control: LoopControl,
  clock: TaiClock = new TaiClock(),
): LoopResult {
  const now: Ts = { sec: 0, nsec: 0 };
  const slice: Ts = { sec: 0, nsec: 0 };
  clock.now(now);
  control.state = LoopState.Running;
  if (!sleepUntilOrStop(clock, tsFromNs(p.firstWakeup), now, control, slice)) return { status: 'stopped', count: 0 };
  let last = performance.now();
  let count = 0;
  while (!control.stopRequested) {
    const r = src.recvErrQueue(POLL_SLICE_MS);
    if (!r) {
      if (performance.now() - last >= p.timeoutMs) return { status: 'timeout', count };
      continue;
    }
    const c = r.control;
    // ICMP errors (L4) and the like carry no key: not a timestamp.
    if (c.tsKey < 0 && c.txtimeDropped === 0n) continue;
    last = performance.now();
    const b = ring.reserve();
    if (b < 0) continue;
    const d = ring.data;
    d[b] = BigInt(c.tsKey);
    d[b + 1] = BigInt(c.tsType);
    d[b + 2] = c.swTs;
    d[b + 3] = c.hwTs;
    d[b + 4] = c.txtimeDropped;
    d[b + 5] = BigInt(c.txtimeCode);
    ring.commit();
    count++;
    control.addProgress();
  }
  return { status: 'stopped', count };
}
