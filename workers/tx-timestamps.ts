// Piscina worker: reads TX timestamps from the data socket's error queue
// (see workers/tx-timestamp-loop.ts).
//
//   main thread --task {fd, first wakeup, ring, control}--> this thread
//   this thread: poll(POLLPRI) -> recvmsg(MSG_ERRQUEUE) -> ring ...
//   ring (SharedArrayBuffer) --{key, type, sw, hw, txtime drop}--> main thread -> SendLog
import { runTxTimestampTask } from './send-tasks.js';

export default runTxTimestampTask;
