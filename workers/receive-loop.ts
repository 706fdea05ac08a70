// The receive loop: runs in a worker thread (workers/receiver.ts), blocks in
// poll/recvmsg with a bounded timeout and hands every isochron frame to the
// main thread through the RecordRing (RxRecord, workers/contract.ts).
//
//   L2/L4 socket --recvmsg--> [arrival = CLOCK_TAI] --parse--> ring record
//        ^                                                         |
//        +-- poll(pollMs) -- stop flag checked after every wake-up  v
//                                                       main thread: RcvSession
//
// Piscina cannot interrupt a thread blocked in a syscall, so the stop flag
// (LoopControl) is read between bounded waits; a stop requested before the
// call still drains what is already queued, so nothing received is lost.
import type { TimestampSource } from '../src/sys/boundary.js';
import { CLOCK_TAI } from '../src/sys/constants.js';
import { clockGettime } from '../src/sys/time.js';
import type { LoopControl } from './control.js';
import type { RecordRing } from './ring.js';
import { newRxHeader, parseL2Frame, parseUdpPayload, RxStatus, type L2Filter } from '../src/core/frame.js';
import { FdPoller } from '../src/sys/poll.js';
import { RxRecord, RxRecordStatus, type ReceiveStats } from './contract.js';

export interface RxEndpoint {
  source: TimestampSource;
  /** Descriptor for poll; needed only when there is more than one endpoint. */
  fd: number;
  /** L2 frames carry the Ethernet header; L4 ones are UDP payloads. */
  l2: boolean;
}

export interface LoopOptions {
  /** Longest wait before the stop flag is looked at again. */
  pollMs: number;
  /** Frames read from one socket before looking at the others and at the stop flag. */
  batch?: number;
}

/** Runs until control.stopRequested; returns what it saw. Throws on a socket error. */
export function runReceiveLoop(
  endpoints: readonly RxEndpoint[],
  filter: L2Filter,
  ring: RecordRing,
  control: LoopControl,
  opts: LoopOptions,
): ReceiveStats {
  const stats: ReceiveStats = { records: 0, ignored: 0 };
  const hdr = newRxHeader();
  const batch = opts.batch ?? 256;
  const poller = endpoints.length > 1 ? new FdPoller(endpoints.map((e) => e.fd)) : null;

  const drain = (ep: RxEndpoint, firstWaitMs: number, limit: number): void => {
    let wait = firstWaitMs;
    for (let n = 0; n < limit; n++) {
      const r = ep.source.recv(wait);
      wait = 0;
      if (!r) return;
      // C reads the arrival time before looking at the frame.
      const arrival = clockGettime(CLOCK_TAI);
      const status = ep.l2 ? parseL2Frame(r.data, r.length, filter, hdr) : parseUdpPayload(r.data, r.length, hdr);
      if (status === RxStatus.NotForUs || status === RxStatus.WrongEtype) {
        stats.ignored++;
        continue;
      }
      const at = ring.reserve();
      if (at < 0) continue; // counted by the ring; the main thread reports it
      const d = ring.data;
      d[at + RxRecord.Status] = status === RxStatus.Ok ? RxRecordStatus.Packet : RxRecordStatus.TooShort;
      d[at + RxRecord.Seqid] = status === RxStatus.Ok ? BigInt(hdr.seqid) : 0n;
      d[at + RxRecord.Arrival] = arrival;
      d[at + RxRecord.Hwts] = r.control.hwTs;
      d[at + RxRecord.Swts] = r.control.swTs;
      d[at + RxRecord.Length] = BigInt(r.length);
      // publish(), not commit(): the main thread drains on a short bounded
      // wait (DataPlane's DRAIN_INTERVAL_MS), so a notify per frame would
      // only take V8's process-wide notify/wait lock from this (possibly
      // SCHED_FIFO) thread.
      ring.publish();
      stats.records++;
      control.addProgress();
    }
  };

  for (;;) {
    const stopping = control.stopRequested;
    const waitMs = stopping ? 0 : opts.pollMs;
    // On the way out, read everything already queued.
    const limit = stopping ? Infinity : batch;
    if (poller) {
      const ready = poller.wait(waitMs);
      for (let i = 0; i < endpoints.length; i++) if (ready & (1 << i)) drain(endpoints[i], 0, limit);
    } else if (endpoints.length === 1) {
      drain(endpoints[0], waitMs, limit);
    } else if (!stopping) {
      // Neither L2 nor L4 enabled: nothing to read, just wait for the stop.
      Atomics.wait(new Int32Array(control.buffer), 0, 0, opts.pollMs);
    }
    if (stopping) return stats;
  }
}
