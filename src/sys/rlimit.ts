// Resource limits (getrlimit): what the doctor reads to tell whether this
// process may ask for a real-time priority without CAP_SYS_NICE.
import { sysError } from './errors.js';
import { lastErrno, libc } from './libc.js';

/** RLIMIT_RTPRIO (asm-generic/resource.h): the highest SCHED_FIFO/RR priority an unprivileged process may set. */
export const RLIMIT_RTPRIO = 14;
const RLIM_INFINITY = 0xffffffffffffffffn;

export interface Rlimit {
  /** The soft limit; null = unlimited (RLIM_INFINITY). */
  soft: bigint | null;
  hard: bigint | null;
}

/** getrlimit(2) of `resource` for this process; throws a system error. */
export function getRlimit(resource: number): Rlimit {
  // struct rlimit: two rlim_t (u64) on 64-bit Linux.
  const b = Buffer.alloc(16);
  if (libc().getrlimit(resource, b) < 0) throw sysError(`getrlimit(${resource})`, lastErrno());
  const soft = b.readBigUInt64LE(0);
  const hard = b.readBigUInt64LE(8);
  return { soft: soft === RLIM_INFINITY ? null : soft, hard: hard === RLIM_INFINITY ? null : hard };
}
