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
// stop flag is seen (workers/sleep.ts). The ring record is SentRecord
// (workers/contract.ts).
import { getHeapSpaceStatistics } from 'node:v8';
import { writeTimespecNs, HDR_SCHEDULED, HDR_SEQID, HDR_WAKEUP } from '../src/core/frame.js';
import type { TimestampSource } from '../src/sys/boundary.js';
import { isIsochronError } from '../src/core/errors.js';
import { strerror } from '../src/core/errno-text.js';
import { LoopControl, LoopState } from './control.js';
import { RecordRing } from './ring.js';
import { SendPacketFailed } from './errors.js';
import { sleepUntilOrStop } from './sleep.js';
import { TaiClock, tsAdd, tsDiffNs, tsFromNs, tsToNs, writeNsLE, type Ts } from './timespec.js';
import { encodeWorkerError, SENT_RECORD_WORDS, SentRecord, type LoopResult, type SendLoopParams } from './contract.js';

/**
 * The per-packet work, with its state in fields so the warm-up can run this
 * exact code (same functions, same object shapes) on a scratch ring and a
 * discard socket. Nothing here allocates per packet except the txtime
 * bigint the sendPrepared binding takes.
 */
class PacketCycle {
  /** wakeup(seqid) of the next packet. */
  readonly wake: Ts;
  readonly now: Ts = { sec: 0, nsec: 0 };
  readonly slice: Ts = { sec: 0, nsec: 0 };
  private readonly sched: Ts = { sec: 0, nsec: 0 };
  private readonly advance: Ts;
  private readonly cycle: Ts;
  private readonly hv: DataView;
  private readonly rv: DataView;
  private readonly base0: number;
  private readonly len: number;
  private readonly h: number;

  /** `wake`: wakeup of the first packet. */
  constructor(
    private readonly src: TimestampSource,
    p: SendLoopParams,
    private readonly ring: RecordRing,
    private readonly control: LoopControl,
    private readonly clock: TaiClock,
    private readonly txtime: boolean,
    wake: Ts,
  ) {
    if (p.frame.length > src.txBuffer.length) throw new RangeError(`frame of ${p.frame.length} bytes exceeds the socket buffer`);
    const tx = src.txBuffer;
    tx.set(p.frame, 0);
    this.len = p.frame.length;
    this.hv = new DataView(tx.buffer, tx.byteOffset, tx.byteLength);
    this.rv = new DataView(ring.buffer);
    this.base0 = ring.data.byteOffset;
    this.h = p.headerOffset;
    this.wake = wake;
    this.advance = tsFromNs(p.advanceTime);
    this.cycle = tsFromNs(p.cycleTime);
  }

  /** Sleeps until `wake`; false if a stop was requested. */
  sleep(): boolean {
    return sleepUntilOrStop(this.clock, this.wake, this.now, this.control, this.slice);
  }

  /** Reads the clock, stamps and logs `seqid`, sends it (throws what sendmsg throws), then moves `wake` on. */
  fire(seqid: number): void {
    const { hv, now, sched } = this;
    const h = this.h;
    this.clock.now(now);
    tsAdd(sched, this.wake, this.advance);
    writeTimespecNs(hv, h + HDR_SCHEDULED, sched.sec, sched.nsec);
    writeTimespecNs(hv, h + HDR_WAKEUP, now.sec, now.nsec);
    hv.setUint32(h + HDR_SEQID, seqid);
    // A full ring is counted by the ring itself; the main thread reports it.
    const r = this.ring.reserve();
    if (r >= 0) {
      const at = this.base0 + r * 8;
      this.rv.setUint32(at + SentRecord.Seqid * 8, seqid, true);
      this.rv.setUint32(at + SentRecord.Seqid * 8 + 4, 0, true);
      writeNsLE(this.rv, at + SentRecord.Scheduled * 8, sched);
      writeNsLE(this.rv, at + SentRecord.Wakeup * 8, now);
      // publish(), not commit(): no Atomics.notify from this SCHED_FIFO
      // thread. V8 serialises every notify/wait of the process on one mutex
      // (the main thread's waitAsync and the TX thread take it too); when an
      // ordinary thread was preempted holding it, this thread stalled 1-11 ms
      // (66-309 missed cycles per 10 000 at 100 us; 0-11 without). The main
      // thread drains on its bounded-wait timeout instead.
      this.ring.publish();
    }
    this.src.sendPrepared(this.len, this.txtime ? tsToNs(sched) : undefined);
    this.control.addProgress();
    tsAdd(this.wake, this.wake, this.cycle);
  }
}

/** Where the warm-up sends: a source whose frames go nowhere, and how to empty it. */
export interface WarmUpSink {
  readonly source: TimestampSource;
  drain(): void;
}

/** Warm-up rounds: enough for the optimising compiler to take the cycle code. */
export const WARM_UP_ROUNDS = 3000;
/** The warm-up and the young-generation settling end at the latest this long before the first wakeup. */
export const WARM_UP_MARGIN_NS = 50_000_000;
/**
 * The warm-up's own cycle: its wakeups start 2 s in the past and move on by
 * this much a round, so WARM_UP_ROUNDS of them stay in the past (3 ms in
 * all) and clock_nanosleep returns at once every time. Moving on by the
 * real cycle time instead caught up with the clock after a few rounds at
 * cycles of 5 ms and more, and from then on each round slept one real cycle:
 * the first wakeup was passed by up to seconds and the first packets went
 * out in a burst.
 */
export const WARM_UP_CYCLE_NS = 1000n;

/**
 * Runs the real per-packet code before the first wakeup: PacketCycle.fire
 * (clock_gettime through koffi, frame stamping, ring reserve/commit,
 * sendmsg) and the sleep path (clock_nanosleep on a time already past),
 * up to WARM_UP_ROUNDS times, on a scratch ring and, with a sink, sending
 * to it. Otherwise the first packets run in the interpreter and wait for
 * the compilers, and the first scavenges of this thread's heap land in the
 * first few hundred milliseconds of the run (measured: late wakeups of
 * 1.5-5 ms there at 100 us, in C's p99 range after).
 *
 * Bounded by the clock, never by its round count: every round reads the
 * clock (fire() does), and the warm-up gives up its remaining rounds as soon
 * as the first wakeup is less than WARM_UP_MARGIN_NS away or `stop` (the
 * run's own control) asks to stop. It never sleeps: its wakeups are all in
 * the past. Returns the rounds run.
 */
export function warmUp(p: SendLoopParams, clock: TaiClock, sink: WarmUpSink | null, stop: LoopControl | null = null): number {
  const ring = RecordRing.create(SENT_RECORD_WORDS, 64);
  // Its own control: the warm-up's sends must not count as the run's progress.
  const control = new LoopControl();
  const first = tsFromNs(p.firstScheduled - p.advanceTime);
  const now: Ts = { sec: 0, nsec: 0 };
  clock.now(now);
  if (tsDiffNs(first, now) < WARM_UP_MARGIN_NS || stop?.stopRequested) return 0;
  // Starting just below a second boundary, the warm-up crosses one, as runs do.
  const src = sink?.source ?? new ScratchSource(p.frame.length);
  const scratch: SendLoopParams = { ...p, cycleTime: WARM_UP_CYCLE_NS };
  const c = new PacketCycle(src, scratch, ring, control, clock, false, { sec: now.sec - 2, nsec: 999_000_000 });
  let rounds = 0;
  while (rounds < WARM_UP_ROUNDS) {
    c.sleep();
    c.fire(rounds + 1);
    rounds++;
    ring.release(ring.readable());
    sink?.drain();
    // c.now: the clock as fire() read it, this round.
    if (tsDiffNs(first, c.now) < WARM_UP_MARGIN_NS || stop?.stopRequested) break;
  }
  return rounds;
}

/**
 * Lets one scavenge of this thread's young generation happen now: the
 * warm-up and the task set-up leave it part full, and the first scavenge
 * of a fresh worker heap took 1-4 ms in the run. Allocates short-lived
 * garbage until V8 reports the new space emptied (or a bound is reached),
 * reading the clock every round (about 0.1 ms of work) and giving up when
 * the first wakeup is less than WARM_UP_MARGIN_NS away or `stop` asks to stop.
 */
export function settleYoungGeneration(clock: TaiClock, firstWakeup: Ts, stop: LoopControl | null = null): boolean {
  const now: Ts = { sec: 0, nsec: 0 };
  let last = newSpaceUsed();
  let keep: unknown[] = [];
  // At most ~100 MB of garbage: more than any young generation V8 sizes by default.
  for (let round = 0; round < 1024; round++) {
    if (tsDiffNs(firstWakeup, clock.now(now)) < WARM_UP_MARGIN_NS || stop?.stopRequested) return false;
    keep = [];
    for (let i = 0; i < 1024; i++) keep.push([i, i + 1, i + 2, i + 3, i + 4, i + 5]);
    const used = newSpaceUsed();
    if (used < last) return keep.length > 0;
    last = used;
  }
  return false;
}

function newSpaceUsed(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s.space_used_size;
  return 0;
}

const PAGE = 4096;

/**
 * Writes a zero into every page of the ring's (empty, unpublished) record
 * area, so the loop never takes a page fault on it. A SharedArrayBuffer of
 * this size is mapped lazily: each first write to a page faulted, ~60 per
 * 10 000 packets, and a fault waits for the process's mmap lock, which any
 * other thread (a GC in the main or TX timestamp thread unmapping pages)
 * may hold while it sits preempted on another CPU: late wakeups of 1-3 ms
 * at 100 us, while the C sender (mlockall) has none.
 */
export function prefaultRecords(ring: RecordRing): void {
  const view = new Uint8Array(ring.buffer, ring.data.byteOffset, ring.data.byteLength);
  for (let off = 0; off < view.length; off += PAGE) view[off] = 0;
  if (view.length > 0) view[view.length - 1] = 0;
}

/** Stand-in sink when none is given (tests with fake sources): sends nothing. */
class ScratchSource implements TimestampSource {
  readonly txBuffer: Buffer;
  constructor(size: number) {
    this.txBuffer = Buffer.alloc(size);
  }
  sendPrepared(length: number): number {
    return length;
  }
  recv(): null {
    return null;
  }
  recvErrQueue(): null {
    return null;
  }
  close(): void {}
}

export function runSendLoop(
  src: TimestampSource,
  p: SendLoopParams,
  ring: RecordRing,
  control: LoopControl,
  clock: TaiClock = new TaiClock(),
  sink: WarmUpSink | null = null,
): LoopResult {
  const c = new PacketCycle(src, p, ring, control, clock, p.txtime, tsFromNs(p.firstScheduled - p.advanceTime));
  prefaultRecords(ring);
  warmUp(p, clock, sink, control);
  settleYoungGeneration(clock, c.wake, control);
  clock.now(c.now);
  control.state = LoopState.Running;
  if (control.stopRequested) return { status: 'stopped', count: 0 };
  let sent = 0;
  for (let seqid = 1; p.numFrames === 0 || seqid <= p.numFrames; seqid++) {
    if (!c.sleep()) return { status: 'stopped', count: sent };
    try {
      c.fire(seqid);
    } catch (err) {
      const errnum = isIsochronError(err) ? -err.errno : 5;
      return { status: 'failed', count: sent, error: encodeWorkerError(SendPacketFailed.with({ errno: errnum }, strerror(errnum), seqid)) };
    }
    sent++;
  }
  return { status: 'finished', count: sent };
}
