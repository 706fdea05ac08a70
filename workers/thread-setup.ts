// Scheduling of a loop task's own thread, for the send and receive workers
// alike. Piscina reuses its thread for the next task, so whatever a task
// changes (SCHED_FIFO/RR, affinity) it puts back before returning, failure
// included: a pool thread must never carry a real-time policy into work
// that did not ask for it.
import { isIsochronError, type IsochronError } from '../src/core/errors.js';
import { getAffinity, getScheduler, setAffinity, setScheduler, type Policy } from '../src/sys/sched.js';
import { withErrno } from '../src/sys/errors.js';
import { SendThreadSetup } from './errors.js';
import type { ThreadPlan, ThreadReadback } from './contract.js';

export function readThread(): ThreadReadback {
  const s = getScheduler();
  return { policy: s.policy, priority: s.priority, cpus: getAffinity() };
}

/** What a failed step of the plan throws: `what` is 'sched policy' or 'cpu affinity'. */
export type ThreadSetupFailure = (what: string, err: IsochronError) => Error;

/** The send thread's failure: C's message with our hint, the kernel's errno kept. */
export const sendThreadSetupFailure: ThreadSetupFailure = (what, err) => withErrno(SendThreadSetup(what, err.message), -err.errno);

function step(what: string, fn: () => void, failed: ThreadSetupFailure | null): void {
  try {
    fn();
  } catch (err) {
    if (!failed || !isIsochronError(err)) throw err;
    throw failed(what, err);
  }
}

/**
 * Applies the plan to the calling thread (C's order: policy and priority,
 * then affinity) and returns the undo. On failure, undoes what it did and
 * throws the sys layer's error, or what `failed` makes of it. The undo
 * puts a policy the kernel named but we cannot (SCHED_BATCH, SCHED_IDLE)
 * back as SCHED_OTHER: the thread never keeps the plan's real-time policy.
 */
export function applyThreadPlan(plan: ThreadPlan, failed: ThreadSetupFailure | null = null): () => void {
  const before = readThread();
  const undo = (): void => {
    if (plan.policy) setScheduler(typeof before.policy === 'string' ? (before.policy as Policy) : 'other', before.priority);
    if (plan.cpus) setAffinity(before.cpus);
  };
  try {
    if (plan.policy) step('sched policy', () => setScheduler(plan.policy as Policy, plan.priority), failed);
    if (plan.cpus) step('cpu affinity', () => setAffinity(plan.cpus as number[]), failed);
  } catch (err) {
    undo();
    throw err;
  }
  return undo;
}
