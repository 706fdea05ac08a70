// One run of the receive loop, as the worker executes it: open the data
// sockets, optionally switch the thread to SCHED_FIFO/RR and pin it, loop
// until asked to stop, then restore the scheduling and close the sockets.
// The result is a plain object: errors cross the thread boundary as
// {code, errno, message} because structured cloning drops an Error's fields.
import { isIsochronError } from '../src/core/errors.js';
import { RcvLoopFailed } from '../src/engine/receiver/errors.js';
import { LoopControl, LoopState } from './control.js';
import { RecordRing } from './ring.js';
import { applyScheduling } from '../src/sys/sched.js';
import { parseMac } from '../src/sys/structs.js';
import { openDataSockets, type DataSocketConfig } from './receive-sockets.js';
import { runReceiveLoop, type LoopStats } from './receive-loop.js';

export interface ReceiveTaskConfig extends DataSocketConfig {
  /** null: keep the thread's policy (SCHED_OTHER). */
  sched: { policy: 'fifo' | 'rr'; priority: number } | null;
  /** null: keep the thread's affinity. */
  cpus: number[] | null;
  pollMs: number;
}

export interface ReceiveTask {
  config: ReceiveTaskConfig;
  ring: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

export type ReceiveTaskResult =
  | { ok: true; stats: LoopStats }
  | { ok: false; code: string; errno: number; message: string };

export function runReceiveTask(task: ReceiveTask): ReceiveTaskResult {
  const control = new LoopControl(task.control);
  const cfg = task.config;
  let sockets: ReturnType<typeof openDataSockets> | null = null;
  let restoreScheduling: (() => void) | null = null;
  try {
    const ring = RecordRing.attach(task.ring);
    sockets = openDataSockets(cfg);
    restoreScheduling = applyScheduling({ sched: cfg.sched, cpus: cfg.cpus });
    control.state = LoopState.Running;
    const stats = runReceiveLoop(sockets.endpoints, { dmac: parseMac(cfg.dmac), etype: cfg.etype }, ring, control, { pollMs: cfg.pollMs });
    control.state = LoopState.Finished;
    return { ok: true, stats };
  } catch (err) {
    control.state = LoopState.Failed;
    if (isIsochronError(err)) return { ok: false, code: err.code, errno: err.errno, message: err.message };
    return { ok: false, code: RcvLoopFailed.code, errno: RcvLoopFailed.errno, message: RcvLoopFailed(err instanceof Error ? err.message : String(err)).message };
  } finally {
    // The worker thread is reused by the pool: leave it as it was found.
    restoreScheduling?.();
    sockets?.close();
  }
}
