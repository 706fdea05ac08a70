// The bodies of the two piscina workers (workers/sender.ts and
// workers/tx-timestamps.ts are one-line entries into these). A task never
// throws: its outcome, errors included, comes back as a LoopResult, because
// an Error crossing threads loses its code and errno.
import { LoopControl, LoopState } from './control.js';
import { RecordRing } from './ring.js';
import { DiscardSink } from './discard-sink.js';
import { FdSource } from './fd-timestamps.js';
import { runSendLoop } from './send-loop.js';
import { TaiClock } from './timespec.js';
import { applyThreadPlan, readThread } from './thread-setup.js';
import { toWire, type LoopResult, type ProbeTask, type SenderTask, type ThreadReadback, type TxTimestampTask } from './send-contract.js';
import { runTxTimestampLoop } from './tx-timestamp-loop.js';

function finish(control: LoopControl, result: LoopResult): LoopResult {
  control.state = result.status === 'failed' ? LoopState.Failed : LoopState.Finished;
  return result;
}

/** The warm-up's discard socket; without one (socketpair refused) the warm-up sends nothing. */
function openWarmUpSink(bufferSize: number): DiscardSink | null {
  try {
    return DiscardSink.open(bufferSize);
  } catch {
    return null;
  }
}

export function runSenderTask(task: SenderTask | ProbeTask): LoopResult | ThreadReadback {
  if (task.kind === 'probe') return readThread();
  const control = new LoopControl(task.control);
  let result: LoopResult;
  let undo: (() => void) | undefined;
  const src = new FdSource(task.fd, task.dest, task.bufferSize);
  const sink = openWarmUpSink(task.bufferSize);
  try {
    undo = applyThreadPlan(task.thread);
    result = runSendLoop(src, task, RecordRing.attach(task.ring), control, new TaiClock(), sink);
  } catch (err) {
    result = { status: 'failed', count: 0, error: toWire(err) };
  } finally {
    src.close();
    sink?.close();
  }
  try {
    undo?.();
    result.restored = readThread();
  } catch (err) {
    result = { ...result, status: 'failed', error: result.error ?? toWire(err) };
  }
  return finish(control, result);
}

function isProbe(task: TxTimestampTask | ProbeTask): task is ProbeTask {
  return (task as ProbeTask).kind === 'probe';
}

export function runTxTimestampTask(task: TxTimestampTask | ProbeTask): LoopResult | ThreadReadback {
  if (isProbe(task)) return readThread();
  const control = new LoopControl(task.control);
  const src = new FdSource(task.fd, new Uint8Array(0), task.bufferSize);
  let result: LoopResult;
  try {
    result = runTxTimestampLoop(src, task, RecordRing.attach(task.ring), control);
  } catch (err) {
    result = { status: 'failed', count: 0, error: toWire(err) };
  } finally {
    src.close();
  }
  return finish(control, result);
}
