// Piscina worker of `isochron rcv`: one task = one run of the receive loop
// (workers/receive-task.ts). The thread blocks in poll/recvmsg for at most pollMs at
// a time and never posts a message per packet: records go through the
// shared RecordRing, the stop request comes through LoopControl.
import { runReceiveTask, type ReceiveTask, type ReceiveTaskResult } from './receive-task.js';

export default function receive(task: ReceiveTask): ReceiveTaskResult {
  return runReceiveTask(task);
}
