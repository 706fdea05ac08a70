// The TX timestamp thread's loop: error-queue entries of the data socket
// (SCHED and SND software stamps, hardware stamps when the NIC gives them,
// txtime drop reports from etf/taprio) become ring records for the main
// thread, which owns the send log and decides what each one means. Waits
// are bounded (poll slices) so the stop flag is seen; C's rule that 2 s
// without any timestamp ends the thread is kept.
import type { ControlInfo, TimestampSource } from '../sys/boundary.js';
import { emptyControlInfo } from '../sys/cmsg.js';
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

/** A source that can parse error-queue entries into a reused ControlInfo (FdSource). */
interface ErrQueueInto {
  recvErrQueueInto(timeoutMs: number, out: ControlInfo): number;
}

/**
 * The next error-queue entry's control info, or null on timeout. With a
 * source that has recvErrQueueInto, the same ControlInfo is refilled each
 * time (valid until the next call) and no Received is built per entry.
 */
function entryReader(src: TimestampSource): (timeoutMs: number) => ControlInfo | null {
  const into = src as TimestampSource & Partial<ErrQueueInto>;
  if (typeof into.recvErrQueueInto === 'function') {
    const info = emptyControlInfo();
    return (ms) => (into.recvErrQueueInto!(ms, info) >= 0 ? info : null);
  }
  return (ms) => src.recvErrQueue(ms)?.control ?? null;
}

/** A 32-bit signed integer as a little-endian int64 word. */
function writeI64(view: DataView, off: number, v: number): void {
  view.setInt32(off, v, true);
  view.setInt32(off + 4, v < 0 ? -1 : 0, true);
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
  const next = entryReader(src);
  const words = new DataView(ring.buffer, ring.data.byteOffset, ring.data.byteLength);
  const d = ring.data;
  let last = performance.now();
  let count = 0;
  while (!control.stopRequested) {
    const c = next(POLL_SLICE_MS);
    if (!c) {
      if (performance.now() - last >= p.timeoutMs) return { status: 'timeout', count };
      continue;
    }
    // ICMP errors (L4) and the like carry no key: not a timestamp.
    if (c.tsKey < 0 && c.txtimeDropped === 0n) continue;
    last = performance.now();
    const b = ring.reserve();
    if (b < 0) continue;
    // The small integers go in as number halves: BigInt(x) would allocate per entry.
    writeI64(words, b * 8, c.tsKey);
    writeI64(words, (b + 1) * 8, c.tsType);
    d[b + 2] = c.swTs;
    d[b + 3] = c.hwTs;
    d[b + 4] = c.txtimeDropped;
    writeI64(words, (b + 5) * 8, c.txtimeCode);
    ring.commit();
    count++;
    control.addProgress();
  }
  return { status: 'stopped', count };
}
