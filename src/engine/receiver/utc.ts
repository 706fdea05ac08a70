// The kernel's UTC-TAI offset: read (default) or set (--utc-tai-offset), as
// the C receiver does before anything else. adjtimex is not namespaced: a
// set changes the whole machine, which is what the option asks for.
import { lastErrno, libc } from '../../sys/libc.js';
import { strerror, withErrno } from '../../sys/errors.js';
import { kernelTaiOffset } from '../../sys/time.js';
import { RcvUtcOffset } from './errors.js';

const TIMEX_SIZE = 208;
const TIMEX_CONSTANT = 48;
const ADJ_TAI = 0x0080;

export interface UtcOffsetPlan {
  offset: number;
  /** stderr line C prints when the kernel's value is used. */
  stderr: string | null;
}

/** Reads or sets the offset; the returned line goes to stderr. */
export function planReceiverUtcOffset(requested: bigint | null): UtcOffsetPlan {
  if (requested === null) {
    const offset = kernelTaiOffset();
    return { offset, stderr: `Using the kernel UTC-TAI offset which is ${offset}\n` };
  }
  setKernelTaiOffset(requested);
  return { offset: Number(requested), stderr: null };
}

/** adjtimex(ADJ_TAI): needs CAP_SYS_TIME. */
export function setKernelTaiOffset(offset: bigint): void {
  if (offset < -0x80000000n || offset > 0x7fffffffn) throw RcvUtcOffset(offset, 'out of range');
  const timex = Buffer.alloc(TIMEX_SIZE);
  timex.writeUInt32LE(ADJ_TAI, 0);
  timex.writeBigInt64LE(offset, TIMEX_CONSTANT);
  if (libc().adjtimex(timex) < 0) {
    const errnum = lastErrno();
    throw withErrno(RcvUtcOffset(offset, `${strerror(errnum)} (needs root or CAP_SYS_TIME)`), errnum);
  }
}
