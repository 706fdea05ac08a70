// Piscina worker: reads TX timestamps from the data socket's error queue
// (workers/tx-timestamp-loop.ts).
//
//   main thread --TxTimestampTask {fd, first wakeup, ring, control}--> this thread
//   this thread: poll(POLLPRI) -> recvmsg(MSG_ERRQUEUE) -> ring ...
//   ring (SharedArrayBuffer) --TxStampRecord {key, type, sw, hw, txtime drop}--> main thread -> SendLog
//
// Like the sender, a task never throws: errors come back in the LoopResult.
import type { IsochronError } from '../src/core/errors.js';
import { LoopControl, LoopState } from './control.js';
import { RecordRing } from './ring.js';
import { FdSource } from './fd-timestamps.js';
import { readThread } from './thread-setup.js';
import { runTxTimestampLoop } from './tx-timestamp-loop.js';
import { SendWorkerFailed } from './errors.js';
import { encodeWorkerError, type LoopResult, type ProbeTask, type ThreadReadback, type TxTimestampTask } from './contract.js';

/** What a failure that is not an IsochronError (a bug) becomes: its stack, to find it. */
const unexpected = (e: Error): IsochronError => SendWorkerFailed('TX timestamp', e.stack ?? e.message);

function isProbe(task: TxTimestampTask | ProbeTask): task is ProbeTask {
  return (task as ProbeTask).kind === 'probe';
}

export default function runTxTimestampTask(task: TxTimestampTask | ProbeTask): LoopResult | ThreadReadback {
  if (isProbe(task)) return readThread();
  const control = new LoopControl(task.control);
  const src = new FdSource(task.fd, new Uint8Array(0), task.bufferSize);
  let result: LoopResult;
  try {
    result = runTxTimestampLoop(src, task, RecordRing.attach(task.ring), control);
  } catch (err) {
    result = { status: 'failed', count: 0, error: encodeWorkerError(err, unexpected) };
  } finally {
    src.close();
  }
  control.state = result.status === 'failed' ? LoopState.Failed : LoopState.Finished;
  return result;
}
