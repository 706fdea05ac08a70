// Piscina worker of `isochron rcv` (and the daemon's receiver): one task =
// one run of the receive loop (workers/receive-loop.ts). Open the data
// sockets, optionally switch the thread to SCHED_FIFO/RR and pin it, loop
// until asked to stop, then restore the scheduling and close the sockets.
//
//   main thread --ReceiveTask {config, ring, control}--> this thread
//   this thread: poll/recvmsg (at most pollMs at a time) -> parse -> ring ...
//   ring (SharedArrayBuffer) --RxRecord {status, seqid, arrival, hwts, swts, length}--> main thread
//
// Never a message per packet; the stop request comes through LoopControl.
// The result is a plain object, errors included (WorkerError,
// workers/contract.ts), because structured cloning drops an Error's fields.
import { LoopControl, LoopState } from './control.js';
import { RecordRing } from './ring.js';
import { applyThreadPlan } from './thread-setup.js';
import { macBytes } from '../src/sys/structs.js';
import { openDataSockets } from './receive-sockets.js';
import { runReceiveLoop } from './receive-loop.js';
import { RcvLoopFailed } from './errors.js';
import { encodeWorkerError, type ReceiveTask, type ReceiveTaskResult } from './contract.js';

export default function runReceiveTask(task: ReceiveTask): ReceiveTaskResult {
  const control = new LoopControl(task.control);
  const cfg = task.config;
  let sockets: ReturnType<typeof openDataSockets> | null = null;
  let undoThreadPlan: (() => void) | null = null;
  try {
    const ring = RecordRing.attach(task.ring);
    sockets = openDataSockets(cfg);
    undoThreadPlan = applyThreadPlan(cfg.thread);
    control.state = LoopState.Running;
    const stats = runReceiveLoop(sockets.endpoints, { dmac: macBytes(cfg.dmac), etype: cfg.etype }, ring, control, { pollMs: cfg.pollMs });
    control.state = LoopState.Finished;
    return { ok: true, stats };
  } catch (err) {
    control.state = LoopState.Failed;
    return { ok: false, error: encodeWorkerError(err, (e) => RcvLoopFailed(e.message)) };
  } finally {
    // The worker thread is reused by the pool: leave it as it was found.
    undoThreadPlan?.();
    sockets?.close();
  }
}
