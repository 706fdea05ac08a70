// The kernel's UTC-TAI offset: read (default) or set (--utc-tai-offset), as
// the C receiver does before anything else. adjtimex is not namespaced: a
// set changes the whole machine, which is what the option asks for.
import { strerror } from '../../core/errno-text.js';
import { kernelTaiOffset, setKernelTaiOffset } from '../../sys/time.js';
import { RcvUtcOffset } from './errors.js';

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
  setReceiverUtcTaiOffset(requested);
  return { offset: Number(requested), stderr: null };
}

/** Sets the kernel's UTC-TAI offset (needs CAP_SYS_TIME); a failure is the receiver's error. */
export function setReceiverUtcTaiOffset(offset: bigint): void {
  if (offset < -0x80000000n || offset > 0x7fffffffn) throw RcvUtcOffset(offset, 'out of range');
  const errnum = setKernelTaiOffset(Number(offset));
  if (errnum) throw RcvUtcOffset.with({ errno: errnum }, offset, `${strerror(errnum)} (needs root or CAP_SYS_TIME)`);
}
