// Main-thread side of the receive loop: one piscina thread runs it
// (workers/receiver.ts), this class starts, stops and reconfigures it and
// pumps the RecordRing into a callback.
//
//   start() -> pool.run(task) --worker--> state Running (sockets open)
//   pump: every DRAIN_INTERVAL_MS (ring.waitReadable) -> onRecords(ring)
//         (batches; the loop publishes without a wake-up, no messages)
//   stop()  -> control.requestStop() -> task returns within pollMs
//
// SET L2_ENABLED/L4_ENABLED are rare (a sender sends them once, usually
// without a change), so a change restarts the loop with the new sockets
// instead of adding a command channel to the worker.
import { Piscina } from 'piscina';
import type { IsochronError } from '../../core/errors.js';
import { LoopControl, LoopState } from '../../../workers/control.js';
import { RecordRing } from '../../../workers/ring.js';
import { RcvLoopFailed } from '../../../workers/errors.js';
import {
  decodeWorkerError,
  encodeWorkerError,
  RX_RECORD_WORDS,
  RX_RING_CAPACITY,
  type ReceiveStats,
  type ReceiveTask,
  type ReceiveTaskConfig,
  type ReceiveTaskResult,
} from '../../../workers/contract.js';

const WORKER_FILE = new URL('../../../workers/receiver.js', import.meta.url);

export type RecordSink = (ring: RecordRing) => void;

/**
 * How long a received frame may wait in the ring before the pump hands it
 * to the sink. The loop publishes records without Atomics.notify (no
 * wake-up per frame), so this bound is what makes them reach the log
 * promptly; it matches the sender's pump.
 */
export const DRAIN_INTERVAL_MS = 10;

export class DataPlane {
  readonly ring = RecordRing.create(RX_RECORD_WORDS, RX_RING_CAPACITY);
  #config: ReceiveTaskConfig;
  readonly #sink: RecordSink;
  readonly #pool: Piscina<ReceiveTask, ReceiveTaskResult>;
  #control: LoopControl | null = null;
  #task: Promise<ReceiveTaskResult> | null = null;
  #closed = false;
  #sinkFailed = false;
  #pump: Promise<void>;

  readonly #onFailure: (err: IsochronError) => void;

  /** onFailure: the loop ended on its own (a socket error), not because stop() asked. */
  constructor(config: ReceiveTaskConfig, sink: RecordSink, onFailure: (err: IsochronError) => void = () => undefined) {
    this.#config = { ...config };
    this.#sink = sink;
    this.#onFailure = onFailure;
    this.#pool = new Piscina({ filename: WORKER_FILE.href, minThreads: 1, maxThreads: 1, idleTimeout: 60_000 });
    this.#pump = this.#runPump();
  }

  get config(): Readonly<ReceiveTaskConfig> {
    return this.#config;
  }

  /** Records in the ring not yet handed to the sink. */
  get pending(): number {
    return this.ring.readable();
  }

  /**
   * Hands every readable record to the sink now (the caller wants data
   * before a management reply). Never throws: a sink that throws is a bug,
   * which would otherwise end the pump with an unhandled rejection (a crash)
   * or fail stop(); it is reported once through onFailure, like a loop that
   * died, so the run ends with a code, and the sink is not called again.
   */
  drain(): void {
    const n = this.ring.readable();
    if (n === 0) return;
    if (this.#sinkFailed) {
      // Nobody can take them any more: free the ring so the pump sleeps.
      this.ring.release(n);
      return;
    }
    try {
      this.#sink(this.ring);
    } catch (err) {
      this.#sinkFailed = true;
      this.#onFailure(RcvLoopFailed(`handling received packets: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  /** Starts the loop; resolves once its sockets are open, rejects with the task's error otherwise. */
  async start(): Promise<void> {
    if (this.#task) return;
    const control = new LoopControl();
    const task = this.#pool
      .run({ config: this.#config, ring: this.ring.buffer, control: control.buffer })
      .catch((err: unknown): ReceiveTaskResult => ({ ok: false, error: encodeWorkerError(err, () => RcvLoopFailed(String(err))) }));
    this.#control = control;
    this.#task = task;
    let reachedRunning = false;
    void task.then((result) => {
      if (reachedRunning && this.#task === task && !control.stopRequested && !result.ok) {
        this.#task = null;
        this.#control = null;
        this.#onFailure(decodeWorkerError(result.error));
      }
    });
    const running = new Promise<'running'>((resolve) => {
      const check = (): void => {
        if (control.state === LoopState.Running) resolve('running');
        else if (control.state === LoopState.Starting) setTimeout(check, 2);
      };
      check();
    });
    const outcome = await Promise.race([running, task]);
    if (outcome === 'running') {
      reachedRunning = true;
      return;
    }
    this.#control = null;
    this.#task = null;
    // An ok result means the loop ran (it is Running before it can finish) and
    // a stop asked meanwhile ended it between two looks at its state: it
    // started. Only a failed task is a failure to start.
    if (outcome.ok) return;
    throw decodeWorkerError(outcome.error);
  }

  /** Stops the loop (no-op if stopped); everything it received is drained to the sink first. */
  async stop(): Promise<ReceiveStats | null> {
    const task = this.#task;
    if (!task) return null;
    this.#control?.requestStop();
    const result = await task;
    this.#task = null;
    this.#control = null;
    this.drain();
    if (!result.ok) throw decodeWorkerError(result.error);
    return result.stats;
  }

  /** Applies SET L2_ENABLED / L4_ENABLED: restarts the loop only when a socket has to open or close. */
  async setEnabled(l2: boolean, l4: boolean): Promise<void> {
    if (l2 === this.#config.l2 && l4 === this.#config.l4) return;
    const wasRunning = this.#task !== null;
    await this.stop();
    const previous = this.#config;
    this.#config = { ...previous, l2, l4 };
    if (!wasRunning) return;
    try {
      await this.start();
    } catch (err) {
      // Keep receiving with what worked before; the SET reports the error.
      this.#config = previous;
      await this.start().catch(() => undefined);
      throw err;
    }
  }

  /** True while a loop task is running. */
  get running(): boolean {
    return this.#task !== null;
  }

  /** Packets the ring could not take because the main thread fell behind. */
  get dropped(): number {
    return this.ring.dropped();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.stop();
    } finally {
      this.#closed = true;
      await this.#pump;
      await this.#pool.destroy();
    }
  }

  async #runPump(): Promise<void> {
    while (!this.#closed && !this.#sinkFailed) {
      await this.ring.waitReadable(DRAIN_INTERVAL_MS);
      this.drain();
    }
  }
}
