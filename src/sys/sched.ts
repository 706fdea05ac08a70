// Scheduling of the calling thread (pid 0 means "this thread" on Linux, so a
// worker thread can make itself SCHED_FIFO without touching the others),
// CPU affinity and memory locking.
import { MCL_CURRENT, MCL_FUTURE, SCHED_FIFO, SCHED_OTHER, SCHED_RR } from './constants.js';
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
    throw sysError(`sched_setscheduler(${policy.toUpperCase()}${rt})`, lastErrno(), 'real-time priorities need root or CAP_SYS_NICE (and 1..99)');
  }
}

export function getScheduler(tid = 0): SchedState {
  const raw = libc().sched_getscheduler(tid);
  if (raw < 0) throw sysError('sched_getscheduler', lastErrno());
  const param = Buffer.alloc(4);
  if (libc().sched_getparam(tid, param) < 0) throw sysError('sched_getparam', lastErrno());
  const base = raw & ~0x40000000; // SCHED_RESET_ON_FORK
  const name = (Object.keys(POLICY) as Policy[]).find((k) => POLICY[k] === base);
  return { policy: name ?? base, priority: param.readInt32LE(0) };
}

const MASK_BYTES = 128; // 1024 CPUs, glibc's cpu_set_t

export function setAffinity(cpus: readonly number[], tid = 0): void {
  if (cpus.length === 0) throw InvalidSysArgument('CPU affinity mask is empty');
  const mask = Buffer.alloc(MASK_BYTES);
  for (const cpu of cpus) {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= MASK_BYTES * 8) throw InvalidSysArgument(`CPU ${cpu} out of 0..${MASK_BYTES * 8 - 1}`);
    mask[cpu >> 3] |= 1 << (cpu & 7);
  }
  if (libc().sched_setaffinity(tid, MASK_BYTES, mask) < 0) throw sysError(`sched_setaffinity(${cpus.join(',')})`, lastErrno(), 'are those CPUs online and allowed (cpuset)?');
}

export function getAffinity(tid = 0): number[] {
  const mask = Buffer.alloc(MASK_BYTES);
  if (libc().sched_getaffinity(tid, MASK_BYTES, mask) < 0) throw sysError('sched_getaffinity', lastErrno());
  const cpus: number[] = [];
  for (let i = 0; i < MASK_BYTES * 8; i++) if (mask[i >> 3] & (1 << (i & 7))) cpus.push(i);
  return cpus;
}

/** mlockall(MCL_CURRENT | MCL_FUTURE) by default, as isochron does before sending. */
export function lockMemory(flags = MCL_CURRENT | MCL_FUTURE): void {
  if (libc().mlockall(flags) < 0) throw sysError('mlockall', lastErrno());
}

export function unlockMemory(): void {
  if (libc().munlockall() < 0) throw sysError('munlockall', lastErrno());
}
