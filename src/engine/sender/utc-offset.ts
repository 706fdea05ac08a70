// The UTC-TAI offset the send log converts software timestamps with
// (CLOCK_REALTIME -> TAI). C's rule (planUtcTaiOffset): --utc-tai-offset
// is written to the kernel (adjtimex ADJ_TAI) and used; otherwise, with
// --omit-sync, the kernel's value is used and announced on stderr.
import { isIsochronError } from '../../core/errors.js';
import { kernelTaiOffset } from '../../sys/time.js';
import { lastErrno, libc, strerror } from '../../sys/libc.js';
import { withErrno } from '../../sys/errors.js';
import { planUtcTaiOffset } from '../traffic/schedule.js';
import { SendUtcOffset } from './errors.js';
import type { OutputStreams } from '../../core/output.js';

const TIMEX_SIZE = 208;
const ADJ_TAI = 0x80;
/** struct timex: `long constant` carries the TAI offset for ADJ_TAI. */
const TIMEX_CONSTANT = 48;

/** adjtimex(ADJ_TAI): sets the kernel's TAI - UTC offset (CLOCK_TAI moves with it). */
export function setKernelTaiOffset(offset: number): void {
  const timex = Buffer.alloc(TIMEX_SIZE);
  timex.writeUInt32LE(ADJ_TAI, 0);
  timex.writeBigInt64LE(BigInt(offset), TIMEX_CONSTANT);
  if (libc().adjtimex(timex) < 0) {
    const errnum = lastErrno();
    throw withErrno(SendUtcOffset(strerror(errnum)), errnum);
  }
}

/** Resolves the offset for a run with --omit-sync (sync monitoring is refused earlier). */
export function resolveUtcTaiOffset(option: number | null, io: OutputStreams, setKernel = setKernelTaiOffset): number {
  let kernel = 0;
  try {
    kernel = option === null ? kernelTaiOffset() : 0;
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    throw withErrno(SendUtcOffset(err.message), -err.errno);
  }
  const plan = planUtcTaiOffset(option, true, kernel);
  if (plan.source === 'option') {
    setKernel(plan.offset);
    return plan.offset;
  }
  if (plan.source === 'kernel') io.err(plan.message);
  return kernel;
}
