// What the main thread hands the loop workers, and what they hand back.
// Everything here survives structured cloning (piscina posts it): plain
// numbers, bigints, byte arrays and SharedArrayBuffers. Per-packet data
// never travels this way; it goes through the RecordRings.
import { IsochronError, isIsochronError } from '../src/core/errors.js';
import { SendWorkerFailed } from '../src/engine/sender/errors.js';
import type { ThreadPlan } from '../src/engine/sender/plan.js';
import type { SendLoopParams } from './send-loop.js';

/** Sender ring record: seqid, scheduled, wakeup (int64 words). */
export const SENT_SLOTS = 3;
/** TX timestamp ring record: key, type, sw, hw, txtime dropped, txtime code. */
export const TXTS_SLOTS = 6;

/** The send loop's own parameters (frame, schedule) are SendLoopParams. */
export interface SenderTask extends SendLoopParams {
  kind: 'send';
  /** The data socket (owned by the main thread; the worker only borrows it). */
  fd: number;
  /** sockaddr for msg_name. */
  dest: Uint8Array;
  bufferSize: number;
  thread: ThreadPlan;
  ring: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

/** Reads back the pool thread's scheduling (diagnostics, tests). */
export interface ProbeTask {
  kind: 'probe';
}

export interface TxTimestampTask {
  fd: number;
  bufferSize: number;
  /** Poll only from here on (the sender sleeps until then anyway). */
  firstWakeup: bigint;
  /** C gives up after 2 s without a timestamp. */
  timeoutMs: number;
  ring: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

export interface WireError {
  code: string;
  errno: number;
  message: string;
}

export interface ThreadReadback {
  policy: string | number;
  priority: number;
  cpus: number[];
}

export interface LoopResult {
  /** finished: all frames sent; stopped: stop flag; timeout: no TX timestamp for timeoutMs. */
  status: 'finished' | 'stopped' | 'timeout' | 'failed';
  /** Packets sent / timestamps read. */
  count: number;
  error?: WireError;
  /** Scheduling of the thread after the task restored it. */
  restored?: ThreadReadback;
}

export function toWire(err: unknown): WireError {
  if (isIsochronError(err)) return { code: err.code, errno: err.errno, message: err.message };
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: SendWorkerFailed.code, errno: SendWorkerFailed.errno, message: e.stack ?? e.message };
}

export function fromWire(w: WireError): IsochronError {
  return new IsochronError(w.code, w.message, { errno: w.errno });
}
