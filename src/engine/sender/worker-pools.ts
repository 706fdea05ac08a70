// The two loop workers of a session and the main thread's pump between
// them. One piscina pool per loop kind, one thread each: the sender thread
// may be made SCHED_FIFO and pinned, the timestamp reader stays ordinary.
//
//   send worker ──ring SentRecord {seqid, scheduled, wakeup}──┐
//                                                             ├─> pump (main) ─> SendLog
//   TX ts worker ──ring TxStampRecord {key, type, sw, hw, ...}─┘
//
// (workers/contract.ts has the tasks, results and record layouts.)
//
// Stopping goes through each LoopControl's flag (workers check it between
// bounded waits); nothing is ever posted per packet.
import { Piscina } from 'piscina';
import { fileURLToPath } from 'node:url';
import type { IsochronError } from '../../core/errors.js';
import { LoopControl } from '../../../workers/control.js';
import { RecordRing } from '../../../workers/ring.js';
import { SendRingOverflow, SendTxTimestamp } from './errors.js';
import { SendWorkerFailed } from '../../../workers/errors.js';
import type { SendLogFiller } from './log-filler.js';
import {
  decodeWorkerError,
  encodeWorkerError,
  SENT_RECORD_WORDS,
  TX_STAMP_RECORD_WORDS,
  type LoopResult,
  type ProbeTask,
  type SenderTask,
  type ThreadReadback,
  type TxTimestampTask,
} from '../../../workers/contract.js';

const workerFile = (name: string): string => fileURLToPath(new URL(`../../../workers/${name}.js`, import.meta.url));

/** Ring sizes: whole runs up to this many records need no draining at all. */
const MAX_RING = 1 << 18;
const PUMP_WAIT_MS = 10;
/** C waits 2 s for a TX timestamp before giving up. */
export const TX_TIMESTAMP_TIMEOUT_MS = 2000;

export function ringCapacity(numFrames: number, perPacket: number): number {
  const want = numFrames === 0 ? 1 << 16 : numFrames * perPacket + 16;
  return Math.min(MAX_RING, Math.max(1024, want));
}

export class LoopPools {
  #sender: Piscina | undefined;
  #tx: Piscina | undefined;

  private pool(kind: 'sender' | 'tx-timestamps'): Piscina {
    const make = (): Piscina =>
      new Piscina({ filename: workerFile(kind), minThreads: 0, maxThreads: 1, idleTimeout: 60_000, atomics: 'disabled' });
    if (kind === 'sender') return (this.#sender ??= make());
    return (this.#tx ??= make());
  }

  runSender(task: SenderTask): Promise<LoopResult> {
    return this.pool('sender').run(task) as Promise<LoopResult>;
  }

  /** The sender pool thread's current policy/priority/affinity. */
  probeSender(): Promise<ThreadReadback> {
    const probe: ProbeTask = { kind: 'probe' };
    return this.pool('sender').run(probe) as Promise<ThreadReadback>;
  }

  /**
   * Starts both loop threads now (a probe task each) if they are not
   * running: a pool thread's start-up (a new isolate loading the send code
   * and koffi) took 0.3 s on a loaded machine, time the run would otherwise
   * take out of the margin before its first wakeup. Call it before the
   * session start is read; the threads stay up for the pools' idle time-out.
   */
  async prestart(): Promise<void> {
    const probe: ProbeTask = { kind: 'probe' };
    await Promise.all([this.pool('sender').run(probe), this.pool('tx-timestamps').run(probe)]);
  }

  runTx(task: TxTimestampTask): Promise<LoopResult> {
    return this.pool('tx-timestamps').run(task) as Promise<LoopResult>;
  }

  async destroy(): Promise<void> {
    await Promise.all([this.#sender?.destroy(), this.#tx?.destroy()]);
    this.#sender = undefined;
    this.#tx = undefined;
  }
}

export type SenderParams = Omit<SenderTask, 'kind' | 'ring' | 'control'>;

export interface LoopsOutcome {
  sender: LoopResult;
  tx: LoopResult | null;
  /**
   * Keeping going, the pump ended the TX timestamp loop itself: the sender
   * had stopped and no timestamp came for TX_TIMESTAMP_TIMEOUT_MS.
   */
  txGaveUp: boolean;
  /** First error of the pump: a log refusal, a bad TX timestamp, a ring overflow. */
  logError: IsochronError | null;
  txError: IsochronError | null;
}

/** A running pair of loops; `finished` settles after both ended and the rings are drained. */
export class RunningLoops {
  readonly senderControl = new LoopControl();
  readonly txControl = new LoopControl();
  readonly sentRing: RecordRing;
  readonly txRing: RecordRing;
  senderResult: LoopResult | null = null;
  txResult: LoopResult | null = null;
  readonly senderDone: Promise<LoopResult>;
  readonly finished: Promise<LoopsOutcome>;
  private logError: IsochronError | null = null;
  private txError: IsochronError | null = null;
  private txGaveUp = false;

  constructor(
    pools: LoopPools,
    params: SenderParams,
    /**
     * null: no timestamps (--no-ts). failFast: C's rule, 2 s without any
     * timestamp ends the TX timestamp loop even while the sender runs;
     * otherwise the wait only starts once the sender has stopped.
     */
    tx: { firstWakeup: bigint; failFast?: boolean } | null,
    private readonly filler: SendLogFiller,
  ) {
    this.sentRing = RecordRing.create(SENT_RECORD_WORDS, ringCapacity(params.numFrames, 1));
    // SCHED + SND per packet, and as many again from each bridge port that
    // clones the frame (duplicates, dropped by the pump).
    this.txRing = RecordRing.create(TX_STAMP_RECORD_WORDS, ringCapacity(params.numFrames, 4));
    // C starts the timestamp thread first: it must be polling before the first packet leaves.
    const txDone = tx
      ? pools
          .runTx({
            fd: params.fd,
            bufferSize: params.bufferSize,
            firstWakeup: tx.firstWakeup,
            timeoutMs: tx.failFast ? TX_TIMESTAMP_TIMEOUT_MS : Infinity,
            ring: this.txRing.buffer,
            control: this.txControl.buffer,
          })
          .catch((err: unknown) => failedResult('TX timestamp', err))
          .then((r) => (this.txResult = r))
      : null;
    if (!tx) this.txControl.requestStop();
    this.senderDone = pools
      .runSender({ ...params, kind: 'send', ring: this.sentRing.buffer, control: this.senderControl.buffer })
      .catch((err: unknown) => failedResult('send', err))
      .then((r) => (this.senderResult = r));
    this.finished = this.pump(params.numFrames, txDone, tx?.failFast ?? false);
  }

  get senderStopped(): boolean {
    return this.senderResult !== null;
  }

  stopSender(): void {
    this.senderControl.requestStop();
  }

  /** Ends the TX timestamp loop early (after a fatal timestamp or when all are in). */
  stopTx(): void {
    this.txControl.requestStop();
  }

  private drain(): void {
    const e = this.txError ? this.filler.drainSent(this.sentRing) : this.filler.drainTx(this.txRing, this.sentRing);
    if (e && !this.txError && e.code === SendTxTimestamp.code) {
      // C: a bad timestamp ends the timestamp thread, the sender goes on.
      this.txError = e;
      this.stopTx();
    } else if (e) {
      this.logError ??= e;
    }
    if (this.txError) this.txRing.release(this.txRing.readable());
  }

  private async pump(numFrames: number, txDone: Promise<LoopResult> | null, failFast: boolean): Promise<LoopsOutcome> {
    // Keeping going, the TX timestamp loop never times out by itself: the
    // pump gives up TX_TIMESTAMP_TIMEOUT_MS after the later of the sender's
    // end and the last timestamp, whatever the cycle time.
    let quietSince = 0;
    let lastStamps = -1;
    for (;;) {
      await this.sentRing.waitReadable(PUMP_WAIT_MS);
      this.drain();
      const senderOver = this.senderResult !== null;
      // Every packet that left has its timestamps: the timestamp loop can stop
      // (C's condition is timestamped == iterations; a stopped run sent fewer).
      if (senderOver && txDone && this.filler.log.timestamped >= (numFrames === 0 ? 0 : Math.min(numFrames, this.filler.sent))) {
        this.stopTx();
      } else if (!failFast && senderOver && txDone && this.txResult === null && !this.txControl.stopRequested) {
        if (this.filler.stamps !== lastStamps) {
          lastStamps = this.filler.stamps;
          quietSince = performance.now();
        } else if (performance.now() - quietSince >= TX_TIMESTAMP_TIMEOUT_MS) {
          this.txGaveUp = true;
          this.stopTx();
        }
      }
      if (senderOver && (!txDone || this.txResult !== null)) break;
    }
    this.drain();
    for (const [name, ring] of [['sender', this.sentRing], ['TX timestamp', this.txRing]] as const) {
      if (ring.dropped() > 0) this.logError ??= SendRingOverflow(name, ring.dropped());
    }
    return {
      sender: this.senderResult as LoopResult,
      tx: this.txResult,
      txGaveUp: this.txGaveUp,
      logError: this.logError,
      txError: this.txError,
    };
  }
}

/** The result of a task the pool could not run (the worker thread died or did not start). */
function failedResult(which: string, err: unknown): LoopResult {
  return { status: 'failed', count: 0, error: encodeWorkerError(err, (e) => SendWorkerFailed(which, e.message)) };
}

export function resultError(r: LoopResult | null): IsochronError | null {
  return r?.error ? decodeWorkerError(r.error) : null;
}
