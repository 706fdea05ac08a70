// The send thread's loop, one packet per cycle:
//
//   sleep until wakeup(k) (clock_nanosleep TIMER_ABSTIME on CLOCK_TAI)
//   -> now = clock_gettime(CLOCK_TAI)
//   -> stamp scheduled/wakeup/seqid into the frame, in the socket's TX buffer
//   -> ring record {seqid, scheduled, now}, committed BEFORE sendmsg, so the
//      main thread has the log slot before any TX timestamp can name it
//   -> sendmsg (+ SCM_TXTIME = scheduled with --txtime)
//
// Times are (sec, nsec) numbers: no BigInt and no allocation per packet
// except the txtime value the sendmsg binding takes as a bigint. A wakeup
// far away (a --base-time in the future) is slept in bounded slices so the
// stop flag is seen: nothing can interrupt a thread inside clock_nanosleep.
import { writeTimespecNs, HDR_SCHEDULED, HDR_SEQID, HDR_WAKEUP } from '../traffic/frame.js';
import type { TimestampSource } from '../sys/boundary.js';
import { isIsochronError } from '../errors.js';
import { withErrno } from '../sys/errors.js';
import { strerror } from '../sys/libc.js';
import { LoopControl, LoopState } from '../runtime/control.js';
import type { RecordRing } from '../runtime/ring.js';
import { SendPacketFailed } from './errors.js';
import { TaiClock, tsAdd, tsDiffNs, tsFromNs, tsToNs, writeNsLE, type Ts } from './timespec.js';
import { SENT_SLOTS, toWire, type LoopResult } from './tasks.js';

/** Longest single sleep, so a stop request is seen within this. */
export const SLEEP_SLICE_NS = 50_000_000;

export interface SendLoopParams {
  /** Frame template: copied once into the socket's native TX buffer, then stamped in place. */
  frame: Uint8Array;
  headerOffset: number;
  numFrames: number;
  /** scheduled(1); wakeup(k) = firstScheduled + (k-1)*cycle - advance. */
  firstScheduled: bigint;
  cycleTime: bigint;
  advanceTime: bigint;
  /** Put scheduled(k) in an SCM_TXTIME cmsg. */
  txtime: boolean;
}

/**
 * Sleeps until `target`, in slices of at most SLEEP_SLICE_NS measured from
 * `now` (a recent clock reading, updated). False if a stop was requested.
 */
export function sleepUntilOrStop(clock: TaiClock, target: Ts, now: Ts, control: LoopControl, slice: Ts): boolean {
  while (tsDiffNs(target, now) > SLEEP_SLICE_NS) {
    if (control.stopRequested) return false;
    tsAdd(slice, now, { sec: 0, nsec: SLEEP_SLICE_NS });
    clock.sleepUntil(slice);
    clock.now(now);
  }
  if (control.stopRequested) return false;
  clock.sleepUntil(target);
  return true;
}

/**
 * Runs the per-packet arithmetic on scratch memory before the first wakeup:
 * otherwise the first packets pay for JIT compilation and wake late (the
 * first two were ~2.5 ms late in a 1 ms run before this).
 */
function warmUp(clock: TaiClock, from: Ts, cycle: Ts, now: Ts): void {
  const scratch = new DataView(new ArrayBuffer(24));
  const t: Ts = { sec: from.sec, nsec: from.nsec };
  for (let i = 0; i < 2000; i++) {
    clock.now(now);
    tsAdd(t, t, cycle);
    writeTimespecNs(scratch, 0, t.sec, t.nsec);
    writeNsLE(scratch, 8, now);
    scratch.setUint32(16, i);
    tsDiffNs(t, now);
  }
}

export function runSendLoop(
  src: TimestampSource,
  p: SendLoopParams,
  ring: RecordRing,
  control: LoopControl,
  clock: TaiClock = new TaiClock(),
): LoopResult {
  if (p.frame.length > src.txBuffer.length) throw new RangeError(`frame of ${p.frame.length} bytes exceeds the socket buffer`);
  const tx = src.txBuffer;
  tx.set(p.frame, 0);
  const len = p.frame.length;
  const hv = new DataView(tx.buffer, tx.byteOffset, tx.byteLength);
  const h = p.headerOffset;
  const rv = new DataView(ring.buffer);
  const base0 = ring.data.byteOffset;
  const wake = tsFromNs(p.firstScheduled - p.advanceTime);
  const advance = tsFromNs(p.advanceTime);
  const cycle = tsFromNs(p.cycleTime);
  const sched: Ts = { sec: 0, nsec: 0 };
  const now: Ts = { sec: 0, nsec: 0 };
  const slice: Ts = { sec: 0, nsec: 0 };
  warmUp(clock, wake, cycle, now);
  clock.now(now);
  control.state = LoopState.Running;
  let sent = 0;
  for (let seqid = 1; p.numFrames === 0 || seqid <= p.numFrames; seqid++) {
    if (!sleepUntilOrStop(clock, wake, now, control, slice)) return { status: 'stopped', count: sent };
    clock.now(now);
    tsAdd(sched, wake, advance);
    writeTimespecNs(hv, h + HDR_SCHEDULED, sched.sec, sched.nsec);
    writeTimespecNs(hv, h + HDR_WAKEUP, now.sec, now.nsec);
    hv.setUint32(h + HDR_SEQID, seqid);
    // A full ring is counted by the ring itself; the main thread reports it.
    const r = ring.reserve();
    if (r >= 0) {
      const at = base0 + r * 8;
      rv.setUint32(at, seqid, true);
      rv.setUint32(at + 4, 0, true);
      writeNsLE(rv, at + 8, sched);
      writeNsLE(rv, at + 16, now);
      ring.commit();
    }
    try {
      src.sendPrepared(len, p.txtime ? tsToNs(sched) : undefined);
    } catch (err) {
      const errnum = isIsochronError(err) ? -err.errno : 5;
      return { status: 'failed', count: sent, error: toWire(withErrno(SendPacketFailed(strerror(errnum), seqid), errnum)) };
    }
    sent++;
    control.addProgress();
    tsAdd(wake, wake, cycle);
  }
  return { status: 'finished', count: sent };
}

export { SENT_SLOTS };
