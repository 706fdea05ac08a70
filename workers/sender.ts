// Piscina worker: the time-triggered send loop (see workers/send-loop.ts).
//
//   main thread --task {fd, frame, schedule, ring, control}--> this thread
//   this thread: [SCHED_FIFO/RR, affinity] sleep -> stamp -> ring -> sendmsg ... [restore]
//   ring (SharedArrayBuffer) --{seqid, scheduled, wakeup}--> main thread -> SendLog
import { runSenderTask } from './send-tasks.js';

export default runSenderTask;
