// Piscina worker: the time-triggered send loop (workers/send-loop.ts).
//
//   main thread --SenderTask {fd, frame, schedule, ring, control}--> this thread
//   this thread: [SCHED_FIFO/RR, affinity] sleep -> stamp -> ring -> sendmsg ... [restore]
//   ring (SharedArrayBuffer) --SentRecord {seqid, scheduled, wakeup}--> main thread -> SendLog
//
// A task never throws: its outcome, errors included, comes back as a
// LoopResult (workers/contract.ts), because an Error crossing threads loses
// its code and errno.
import type { IsochronError } from '../src/core/errors.js';
import { LoopControl, LoopState } from './control.js';
import { RecordRing } from './ring.js';
import { DiscardSink } from './discard-sink.js';
import { FdSource } from './fd-timestamps.js';
import { runSendLoop } from './send-loop.js';
import { TaiClock } from './timespec.js';
import { applyThreadPlan, readThread, sendThreadSetupFailure } from './thread-setup.js';
import { SendWorkerFailed } from './errors.js';
import { encodeWorkerError, type LoopResult, type ProbeTask, type SenderTask, type ThreadReadback } from './contract.js';

/** What a failure that is not an IsochronError (a bug) becomes: its stack, to find it. */
const unexpected = (e: Error): IsochronError => SendWorkerFailed('send', e.stack ?? e.message);

/** The warm-up's discard socket; without one (socketpair refused) the warm-up sends nothing. */
function openWarmUpSink(bufferSize: number): DiscardSink | null {
  try {
    return DiscardSink.open(bufferSize);
  } catch {
    return null;
  }
}

export default function runSenderTask(task: SenderTask | ProbeTask): LoopResult | ThreadReadback {
  if (task.kind === 'probe') return readThread();
  const control = new LoopControl(task.control);
  let result: LoopResult;
  let undo: (() => void) | undefined;
  const src = new FdSource(task.fd, task.dest, task.bufferSize);
  const sink = openWarmUpSink(task.bufferSize);
  try {
    undo = applyThreadPlan(task.thread, sendThreadSetupFailure);
    result = runSendLoop(src, task, RecordRing.attach(task.ring), control, new TaiClock(), sink);
  } catch (err) {
    result = { status: 'failed', count: 0, error: encodeWorkerError(err, unexpected) };
  } finally {
    src.close();
    sink?.close();
  }
  try {
    undo?.();
    result.restored = readThread();
  } catch (err) {
    result = { ...result, status: 'failed', error: result.error ?? encodeWorkerError(err, unexpected) };
  }
  control.state = result.status === 'failed' ? LoopState.Failed : LoopState.Finished;
  return result;
}
