// The UTC-TAI offset the send log converts software timestamps with
// (CLOCK_REALTIME -> TAI). C's rule (planUtcTaiOffset): --utc-tai-offset
// is written to the kernel (adjtimex ADJ_TAI) and used; otherwise, with
// --omit-sync, the kernel's value is used and announced on stderr.
import { isIsochronError } from '../../core/errors.js';
import { kernelTaiOffset, setKernelTaiOffset } from '../../sys/time.js';
import { strerror } from '../../core/errno-text.js';
import { planUtcTaiOffset } from '../traffic/schedule.js';
import { SendUtcOffset } from './errors.js';
import type { OutputStreams } from '../../core/output.js';

/** Sets the kernel's TAI - UTC offset (CLOCK_TAI moves with it); a failure is the sender's error. */
export function setSenderUtcTaiOffset(offset: number): void {
  const errnum = setKernelTaiOffset(offset);
  if (errnum) throw SendUtcOffset.with({ errno: errnum }, strerror(errnum));
}

/** Resolves the offset for a run with --omit-sync (sync monitoring is refused earlier). */
export function resolveUtcTaiOffset(option: number | null, io: OutputStreams, setKernel = setSenderUtcTaiOffset): number {
  let kernel = 0;
  try {
    kernel = option === null ? kernelTaiOffset() : 0;
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    throw SendUtcOffset.with({ errno: err.errno }, err.message);
  }
  const plan = planUtcTaiOffset(option, true, kernel);
  if (plan.source === 'option') {
    setKernel(plan.offset);
    return plan.offset;
  }
  if (plan.source === 'kernel') io.err(plan.message);
  return kernel;
}
