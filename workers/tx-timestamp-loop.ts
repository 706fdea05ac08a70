// The TX timestamp thread's loop: error-queue entries of the data socket
// (SCHED and SND software stamps, hardware stamps when the NIC gives them,
// txtime drop reports from etf/taprio) become ring records for the main
// thread (TxStampRecord, workers/contract.ts), which owns the send log and
// decides what each one means. Waits are bounded (poll slices) so the stop
// flag is seen; C's rule that 2 s without any timestamp ends the thread is
// kept.
import type { TimestampSource } from '../src/sys/boundary.js';
import { emptyControlStamps, type ControlInfo, type ControlStamps } from '../src/sys/cmsg.js';
import { LoopControl, LoopState } from './control.js';
import type { RecordRing } from './ring.js';
import { sleepUntilOrStop } from './sleep.js';
import { TaiClock, tsFromNs, writeNsLE, type Ts } from './timespec.js';
import { TxStampRecord, type LoopResult, type TxLoopParams } from './contract.js';

export const POLL_SLICE_MS = 20;

/** A source that parses error-queue entries into a reused ControlStamps (FdSource). */
interface ErrQueueStamps {
  recvErrQueueStamps(timeoutMs: number, out: ControlStamps): number;
}

/** A ControlInfo's bigints as ControlStamps numbers (sources without recvErrQueueStamps: fakes). */
export function stampsFromControl(c: ControlInfo, out: ControlStamps): ControlStamps {
  const sw = tsFromNs(c.swTs);
  const hw = tsFromNs(c.hwTs);
  out.sw.sec = sw.sec;
  out.sw.nsec = sw.nsec;
  out.hw.sec = hw.sec;
  out.hw.nsec = hw.nsec;
  out.tsKey = c.tsKey;
  out.tsType = c.tsType;
  const dropped = BigInt.asUintN(64, c.txtimeDropped);
  out.txtimeDroppedHi = Number(dropped >> 32n);
  out.txtimeDroppedLo = Number(dropped & 0xffff_ffffn);
  out.txtimeCode = c.txtimeCode;
  out.otherError = c.otherError !== null;
  out.unknown = c.unknown.length;
  return out;
}

/**
 * The next error-queue entry as numbers, or null on timeout. The same
 * ControlStamps is refilled each time (valid until the next call); with a
 * source that has recvErrQueueStamps (the real socket) nothing is
 * allocated per entry.
 */
function entryReader(src: TimestampSource): (timeoutMs: number) => ControlStamps | null {
  const stamps = emptyControlStamps();
  const direct = src as TimestampSource & Partial<ErrQueueStamps>;
  if (typeof direct.recvErrQueueStamps === 'function') {
    return (ms) => (direct.recvErrQueueStamps!(ms, stamps) >= 0 ? stamps : null);
  }
  return (ms) => {
    const c = src.recvErrQueue(ms)?.control;
    return c ? stampsFromControl(c, stamps) : null;
  };
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
  let last = performance.now();
  let count = 0;
  while (!control.stopRequested) {
    const c = next(POLL_SLICE_MS);
    if (!c) {
      if (performance.now() - last >= p.timeoutMs) return { status: 'timeout', count };
      continue;
    }
    // ICMP errors (L4) and the like carry no key: not a timestamp.
    if (c.tsKey < 0 && c.txtimeDroppedHi === 0 && c.txtimeDroppedLo === 0) continue;
    last = performance.now();
    const b = ring.reserve();
    if (b < 0) continue;
    // Everything goes in as number halves: a BigInt per entry would allocate.
    const at = b * 8;
    writeI64(words, at + TxStampRecord.Key * 8, c.tsKey);
    writeI64(words, at + TxStampRecord.Type * 8, c.tsType);
    writeNsLE(words, at + TxStampRecord.Sw * 8, c.sw);
    writeNsLE(words, at + TxStampRecord.Hw * 8, c.hw);
    words.setUint32(at + TxStampRecord.TxtimeDropped * 8, c.txtimeDroppedLo, true);
    words.setUint32(at + TxStampRecord.TxtimeDropped * 8 + 4, c.txtimeDroppedHi, true);
    writeI64(words, at + TxStampRecord.TxtimeCode * 8, c.txtimeCode);
    // publish(), not commit(): the main thread's pump drains this ring every
    // PUMP_WAIT_MS (it waits on the sender's ring), so a notify per entry
    // would wake nobody and only take V8's process-wide notify/wait lock.
    ring.publish();
    count++;
    control.addProgress();
  }
  return { status: 'stopped', count };
}
