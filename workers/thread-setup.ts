// Scheduling of a loop task's own thread. Piscina reuses its thread for the
// next task, so whatever a task changes (SCHED_FIFO/RR, affinity) it puts
// back before returning, failure included: a pool thread must never carry
// a real-time policy into work that did not ask for it.
import { isIsochronError } from '../src/core/errors.js';
import { applyScheduling, getAffinity, getScheduler } from '../src/sys/sched.js';
import { SendThreadSetup } from '../src/engine/sender/errors.js';
import type { ThreadPlan } from '../src/engine/sender/plan.js';
import type { ThreadReadback } from './send-contract.js';

export function readThread(): ThreadReadback {
  const s = getScheduler();
  return { policy: s.policy, priority: s.priority, cpus: getAffinity() };
}

/**
 * Applies the plan to the calling thread; returns the undo, which restores
 * exactly what was there. A failed step is undone and reported as
 * SendThreadSetup with the step's name and the kernel's errno.
 */
export function applyThreadPlan(plan: ThreadPlan): () => void {
  return applyScheduling(
    { sched: plan.policy ? { policy: plan.policy, priority: plan.priority } : null, cpus: plan.cpus },
    (step, err) => (isIsochronError(err) ? SendThreadSetup.with({ errno: err.errno }, step, err.message) : err),
  );
}
