// Scheduling of a loop task's own thread. Piscina reuses its thread for the
// next task, so whatever a task changes (SCHED_FIFO/RR, affinity) it puts
// back before returning, failure included: a pool thread must never carry
// a real-time policy into work that did not ask for it.
import { isIsochronError } from '../src/core/errors.js';
import { getAffinity, getScheduler, setAffinity, setScheduler, type Policy } from '../src/sys/sched.js';
import { withErrno } from '../src/sys/errors.js';
import { SendThreadSetup } from './errors.js';
import type { ThreadPlan, ThreadReadback } from './contract.js';

export function readThread(): ThreadReadback {
  const s = getScheduler();
  return { policy: s.policy, priority: s.priority, cpus: getAffinity() };
}

function wrap(what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    throw withErrno(SendThreadSetup(what, err.message), -err.errno);
  }
}

/** Applies the plan to the calling thread; returns the undo. */
export function applyThreadPlan(plan: ThreadPlan): () => void {
  const before = readThread();
  const undo = (): void => {
    if (plan.policy && typeof before.policy === 'string') setScheduler(before.policy as Policy, before.priority);
    if (plan.cpus) setAffinity(before.cpus);
  };
  try {
    // C's order: policy and priority, then affinity.
    if (plan.policy) wrap('sched policy', () => setScheduler(plan.policy as Policy, plan.priority));
    if (plan.cpus) wrap('cpu affinity', () => setAffinity(plan.cpus as number[]));
  } catch (err) {
    undo();
    throw err;
  }
  return undo;
}
