// Scheduling of the calling thread (pid 0 means "this thread" on Linux, so a
// worker thread can make itself SCHED_FIFO without touching the others),
// CPU affinity and memory locking.
import { SCHED_FIFO, SCHED_OTHER, SCHED_RR } from './constants.js';
import { InvalidSysArgument, sysError } from './errors.js';
import { lastErrno, libc } from './libc.js';

export type Policy = 'other' | 'fifo' | 'rr';
const POLICY: Record<Policy, number> = { other: SCHED_OTHER, fifo: SCHED_FIFO, rr: SCHED_RR };

export interface SchedState {
  policy: Policy | number;
  priority: number;
}

export function setScheduler(policy: Policy, priority = 0, tid = 0): void {
  const value = POLICY[policy];
  if (value === undefined) throw InvalidSysArgument(`unknown scheduling policy ${String(policy)}`);
  const param = Buffer.alloc(4);
  param.writeInt32LE(priority, 0);
  if (libc().sched_setscheduler(tid, value, param) < 0) {
    const rt = policy === 'other' ? '' : ` priority ${priority}`;
    throw sysError(`sched_setscheduler(${policy.toUpperCase()}${rt})`, lastErrno(), 'sched-policy');
  }
}

export function getScheduler(tid = 0): SchedState {
  const { raw, priority } = readRawPolicy(tid);
  const base = raw & ~0x40000000; // SCHED_RESET_ON_FORK
  const name = (Object.keys(POLICY) as Policy[]).find((k) => POLICY[k] === base);
  return { policy: name ?? base, priority };
}

const MASK_BYTES = 128; // 1024 CPUs, glibc's cpu_set_t

export function setAffinity(cpus: readonly number[], tid = 0): void {
  if (cpus.length === 0) throw InvalidSysArgument('CPU affinity mask is empty');
  const mask = Buffer.alloc(MASK_BYTES);
  for (const cpu of cpus) {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= MASK_BYTES * 8) throw InvalidSysArgument(`CPU ${cpu} out of 0..${MASK_BYTES * 8 - 1}`);
    mask[cpu >> 3] |= 1 << (cpu & 7);
  }
  if (libc().sched_setaffinity(tid, MASK_BYTES, mask) < 0) throw sysError(`sched_setaffinity(${cpus.join(',')})`, lastErrno(), 'sched-affinity');
}

export function getAffinity(tid = 0): number[] {
  const mask = Buffer.alloc(MASK_BYTES);
  if (libc().sched_getaffinity(tid, MASK_BYTES, mask) < 0) throw sysError('sched_getaffinity', lastErrno());
  const cpus: number[] = [];
  for (let i = 0; i < MASK_BYTES * 8; i++) if (mask[i >> 3] & (1 << (i & 7))) cpus.push(i);
  return cpus;
}

/** What applyScheduling changes on the calling thread; null leaves that part alone. */
export interface SchedulingChange {
  /** Policy and priority (C's --sched-fifo/--sched-rr with --sched-priority). */
  sched: { policy: Policy; priority: number } | null;
  /** CPU affinity (--cpu-mask); an empty list fails with InvalidSysArgument. */
  cpus: readonly number[] | null;
}

/** The step that failed, for callers that name it in their own error. */
export type SchedulingStep = 'sched policy' | 'cpu affinity';

/**
 * Applies `change` to the calling thread (C's order: policy and priority,
 * then affinity) and returns the undo, which puts back exactly what was
 * there: the kernel's policy number as read (SCHED_BATCH, SCHED_IDLE and the
 * SCHED_RESET_ON_FORK flag included) with its priority, and the affinity
 * mask. Pool threads run one task after another, so a task restores its
 * thread before returning. When a step fails, what was changed is undone and
 * the error is thrown, passed through `mapError` if given. The undo restores
 * the affinity first, then the policy.
 */
export function applyScheduling(change: SchedulingChange, mapError?: (step: SchedulingStep, err: unknown) => unknown): () => void {
  const policyBefore = change.sched ? readRawPolicy() : null;
  const cpusBefore = change.cpus ? getAffinity() : null;
  const undo = (): void => {
    if (cpusBefore) setAffinity(cpusBefore);
    if (policyBefore) setRawPolicy(policyBefore.raw, policyBefore.priority);
  };
  const step = (name: SchedulingStep, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      undo();
      throw mapError ? mapError(name, err) : err;
    }
  };
  if (change.sched) {
    const { policy, priority } = change.sched;
    step('sched policy', () => setScheduler(policy, priority));
  }
  if (change.cpus) {
    const cpus = change.cpus;
    step('cpu affinity', () => setAffinity(cpus));
  }
  return undo;
}

/** sched_getscheduler and sched_getparam of thread `tid` (0: the calling one), the policy number as the kernel gives it. */
function readRawPolicy(tid = 0): { raw: number; priority: number } {
  const raw = libc().sched_getscheduler(tid);
  if (raw < 0) throw sysError('sched_getscheduler', lastErrno());
  const param = Buffer.alloc(4);
  if (libc().sched_getparam(tid, param) < 0) throw sysError('sched_getparam', lastErrno());
  return { raw, priority: param.readInt32LE(0) };
}

/** sched_setscheduler of the calling thread with a policy number as readRawPolicy returned it. */
function setRawPolicy(raw: number, priority: number): void {
  const param = Buffer.alloc(4);
  param.writeInt32LE(priority, 0);
  if (libc().sched_setscheduler(0, raw, param) < 0) throw sysError(`sched_setscheduler(${raw}, priority ${priority})`, lastErrno());
}
