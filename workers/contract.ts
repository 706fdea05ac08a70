// Everything that crosses between the main thread and the worker threads,
// defined once for both sides:
//
//   main thread --task (piscina, structured clone)--> worker     (start)
//   main thread <==LoopControl words (SharedArrayBuffer)==> worker (stop, state)
//   main thread <--RecordRing records (SharedArrayBuffer)-- worker (per packet)
//   main thread <--result (piscina, structured clone)----- worker (end)
//
// Tasks and results hold only what survives structured cloning: numbers,
// bigints, strings, byte arrays and SharedArrayBuffers. Per-packet data never
// travels as a message: it goes through the rings, whose record layouts are
// below, one table each, used by the producer (worker) and the consumer
// (main thread). The control words are workers/control.ts.
import { IsochronError, isIsochronError } from '../src/core/errors.js';
import type { LoopControl } from './control.js';

/** A LoopControl's buffer (workers/control.ts): the stop request and the worker's state. */
type ControlBuffer = LoopControl['buffer'];

// ---------------------------------------------------------------- errors

/**
 * A worker's error on its way to the main thread: structured cloning keeps
 * an Error's message but drops its code and errno, so it travels as fields.
 * The one wire format of the send, TX timestamp and receive workers.
 */
export interface WorkerError {
  code: string;
  /** Negative errno: the exit status. */
  errno: number;
  message: string;
  /** The hint (src/core/hints.ts), null when none names the cause. */
  hint?: string | null;
}

/**
 * `err` as a WorkerError. An IsochronError keeps its code, errno and
 * message; anything else (a bug, a runtime failure, a pool that could not
 * run the task) becomes the error `unexpected` makes of it.
 */
export function encodeWorkerError(err: IsochronError): WorkerError;
export function encodeWorkerError(err: unknown, unexpected: (e: Error) => IsochronError): WorkerError;
export function encodeWorkerError(err: unknown, unexpected?: (e: Error) => IsochronError): WorkerError {
  const e = isIsochronError(err) ? err : unexpected!(err instanceof Error ? err : new Error(String(err)));
  return { code: e.code, errno: e.errno, message: e.message, hint: e.hint };
}

/** The IsochronError a WorkerError stands for (same code, errno and message). */
export function decodeWorkerError(w: WorkerError): IsochronError {
  return new IsochronError(w.code, w.message, { errno: w.errno, hint: w.hint ?? null });
}

// ---------------------------------------------------------------- thread scheduling

export type ThreadPolicy = 'fifo' | 'rr';

/** Scheduling of a send or receive thread (C sets it through pthread attributes). */
export interface ThreadPlan {
  /** null: SCHED_OTHER, left alone. */
  policy: ThreadPolicy | null;
  priority: number;
  /** null: no --cpu-mask (affinity left alone). Possibly empty: C then fails with EINVAL. */
  cpus: number[] | null;
}

/** A pool thread's scheduling as read back (policy 'other', or a number the kernel named that we do not). */
export interface ThreadReadback {
  policy: string | number;
  priority: number;
  cpus: number[];
}

/** Reads back the pool thread's scheduling (diagnostics, tests) and starts the thread. */
export interface ProbeTask {
  kind: 'probe';
}

// ---------------------------------------------------------------- send and TX timestamp workers

/** The send loop's own parameters: the frame and the schedule. */
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

/** workers/sender.ts: one run of the send loop. */
export interface SenderTask extends SendLoopParams {
  kind: 'send';
  /** The data socket (owned by the main thread; the worker only borrows it). */
  fd: number;
  /** sockaddr for msg_name. */
  dest: Uint8Array;
  bufferSize: number;
  thread: ThreadPlan;
  /** A RecordRing of SentRecord records. */
  ring: SharedArrayBuffer;
  control: ControlBuffer;
}

/** The TX timestamp loop's own parameters. */
export interface TxLoopParams {
  /** Poll only from here on (the sender sleeps until then anyway). */
  firstWakeup: bigint;
  /** C gives up after 2 s without a timestamp (Infinity: never by itself). */
  timeoutMs: number;
}

/** workers/tx-timestamps.ts: one run of the TX timestamp loop. */
export interface TxTimestampTask extends TxLoopParams {
  /** The data socket whose error queue is read. */
  fd: number;
  bufferSize: number;
  /** A RecordRing of TxStampRecord records. */
  ring: SharedArrayBuffer;
  control: ControlBuffer;
}

/** What the send and TX timestamp workers hand back. */
export interface LoopResult {
  /** finished: all frames sent; stopped: stop flag; timeout: no TX timestamp for timeoutMs. */
  status: 'finished' | 'stopped' | 'timeout' | 'failed';
  /** Packets sent / timestamps read. */
  count: number;
  error?: WorkerError;
  /** Scheduling of the thread after the task restored it. */
  restored?: ThreadReadback;
}

// ---------------------------------------------------------------- receive worker

/** The receiver's data sockets (workers/receive-sockets.ts opens them in the worker). */
export interface DataSocketConfig {
  ifname: string;
  l2: boolean;
  l4: boolean;
  /** Our address: --dmac or the interface's MAC (aa:bb:cc:dd:ee:ff). */
  dmac: string;
  etype: number;
  dataPort: number;
  omitHwts: boolean;
}

export interface ReceiveTaskConfig extends DataSocketConfig {
  /** The receive thread's scheduling (rcv --sched-fifo/--sched-rr, priority). */
  thread: ThreadPlan;
  /** Longest wait in poll/recvmsg before the stop flag is looked at again. */
  pollMs: number;
}

/** workers/receiver.ts: one run of the receive loop. */
export interface ReceiveTask {
  config: ReceiveTaskConfig;
  /** A RecordRing of RxRecord records (RX_RECORD_WORDS, RX_RING_CAPACITY). */
  ring: SharedArrayBuffer;
  control: ControlBuffer;
}

export interface ReceiveStats {
  /** Frames handed to the main thread (including too-short ones). */
  records: number;
  /** Frames for another destination or EtherType (ignored silently, as in C). */
  ignored: number;
}

export type ReceiveTaskResult = { ok: true; stats: ReceiveStats } | { ok: false; error: WorkerError };

// ---------------------------------------------------------------- ring records
// Word indexes into a record (RecordRing: signed 64-bit words, little-endian;
// a byte offset is the index * 8). These are not the .dat records
// (src/engine/dat/layout.ts): the main thread turns ring records into those.

/**
 * One packet handed to sendmsg, logged BEFORE the sendmsg so that its TX
 * timestamps always find it. Producer workers/send-loop.ts, consumer
 * src/engine/sender/log-filler.ts.
 */
export const enum SentRecord {
  /** u32 seqid in the low half, 0 in the high half. */
  Seqid = 0,
  /** TAI ns written into the frame. */
  Scheduled = 1,
  /** TAI ns the thread woke up (the frame's wakeup). */
  Wakeup = 2,
}
export const SENT_RECORD_WORDS = 3;

/**
 * One error-queue entry of the data socket. Producer
 * workers/tx-timestamp-loop.ts, consumer src/engine/sender/log-filler.ts.
 */
export const enum TxStampRecord {
  /** SOF_TIMESTAMPING_OPT_ID counter (seqid - 1). */
  Key = 0,
  /** SCM_TSTAMP_SND/SCHED/ACK. */
  Type = 1,
  /** Software stamp, CLOCK_REALTIME ns; 0: none. */
  Sw = 2,
  /** Hardware stamp, raw PHC ns; 0: none. */
  Hw = 3,
  /** txtime (u64 ns) of a packet etf/taprio dropped; 0: not a drop report. */
  TxtimeDropped = 4,
  /** SO_EE_CODE_TXTIME_* of the drop. */
  TxtimeCode = 5,
}
export const TX_STAMP_RECORD_WORDS = 6;

/**
 * One received frame. Producer workers/receive-loop.ts, consumer
 * src/engine/receiver/receiver.ts. A timestamp word of 0 means "absent", as
 * in the C tool.
 */
export const enum RxRecord {
  /** An RxRecordStatus. */
  Status = 0,
  Seqid = 1,
  /** CLOCK_TAI ns read right after recvmsg. */
  Arrival = 2,
  /** Raw PHC ns. */
  Hwts = 3,
  /** CLOCK_REALTIME ns. */
  Swts = 4,
  /** Bytes received. */
  Length = 5,
}
export const RX_RECORD_WORDS = 6;

export const RxRecordStatus = {
  /** A frame carrying an isochron header. */
  Packet: 0n,
  /** Too short for the header: C prints "Packet too short (N bytes)" (and still re-arms the timer). */
  TooShort: 1n,
} as const;

/** Receive ring size: 64 Ki records (3 MiB), seconds of traffic at the fastest cycle. */
export const RX_RING_CAPACITY = 1 << 16;
