// Scheduling of a loop task's own thread, for the send and receive workers
// alike. Piscina reuses its thread for the next task, so whatever a task
// changes (SCHED_FIFO/RR, affinity) it puts back before returning, failure
// included: a pool thread must never carry a real-time policy into work
// that did not ask for it. The apply/restore itself is src/sys/sched.ts's
// applyScheduling, the one such helper.
import { isIsochronError } from '../src/core/errors.js';
import { hintFor } from '../src/core/hints.js';
import { applyScheduling, getAffinity, getScheduler, type SchedulingStep } from '../src/sys/sched.js';
import { SendThreadSetup } from './errors.js';
import type { ThreadPlan, ThreadReadback } from './contract.js';

export function readThread(): ThreadReadback {
  const s = getScheduler();
  return { policy: s.policy, priority: s.priority, cpus: getAffinity() };
}

/** What a failed step of the plan throws instead of the sys layer's error. */
export type ThreadSetupFailure = (step: SchedulingStep, err: unknown) => unknown;

/** The send thread's failure: C's message with our hint, the kernel's errno kept. */
export const sendThreadSetupFailure: ThreadSetupFailure = (step, err) =>
  isIsochronError(err)
    ? SendThreadSetup.with({ errno: err.errno, hint: hintFor(step === 'sched policy' ? 'sched-policy' : 'sched-affinity', err.errno) }, step, err.message)
    : err;

/**
 * Applies the plan to the calling thread (C's order: policy and priority,
 * then affinity) and returns the undo, which restores exactly what was there
 * (applyScheduling). On failure, undoes what it did and throws the sys
 * layer's error, or what `failed` makes of it.
 */
export function applyThreadPlan(plan: ThreadPlan, failed: ThreadSetupFailure | null = null): () => void {
  return applyScheduling(
    { sched: plan.policy ? { policy: plan.policy, priority: plan.priority } : null, cpus: plan.cpus },
    failed ?? undefined,
  );
}
