// Clocks as bigint nanoseconds, and absolute sleeps. A sleep blocks the
// calling thread only (verified in worker threads: the main event loop keeps
// running), so the send loop belongs in a worker.
import { CLOCK_REALTIME, CLOCK_TAI, E, TIMER_ABSTIME } from './constants.js';
import { sysError } from './errors.js';
import { lastErrno, libc } from './libc.js';
import { readTimespec, writeTimespec } from './structs.js';

const tsBuf = Buffer.alloc(16);

export function clockGettime(clockid: number): bigint {
  if (libc().clock_gettime(clockid, tsBuf) < 0) throw sysError(`clock_gettime(${clockid})`, lastErrno(), 'unknown or closed clock');
  return readTimespec(tsBuf, 0);
}

/**
 * Sleeps until `clockid` reads at least `deadlineNs` (TIMER_ABSTIME), resuming
 * after signals. Returns at once if the deadline is in the past.
 */
export function sleepUntil(clockid: number, deadlineNs: bigint): void {
  const req = Buffer.alloc(16);
  writeTimespec(req, 0, deadlineNs);
  for (;;) {
    // clock_nanosleep returns the error number itself, not -1/errno.
    const rc = libc().clock_nanosleep(clockid, TIMER_ABSTIME, req, null);
    if (rc === 0) return;
    if (rc !== E.EINTR) throw sysError(`clock_nanosleep(${clockid}, TIMER_ABSTIME)`, rc);
  }
}

/** Relative sleep on `clockid` (also TIMER_ABSTIME underneath, so signals do not stretch it). */
export function sleepFor(clockid: number, ns: bigint): void {
  sleepUntil(clockid, clockGettime(clockid) + ns);
}

/** The kernel's TAI-UTC offset in seconds (adjtimex, read-only); 0 when nobody set it. */
export function kernelTaiOffset(): number {
  const timex = Buffer.alloc(208);
  if (libc().adjtimex(timex) < 0) throw sysError('adjtimex', lastErrno());
  return timex.readInt32LE(160);
}

/**
 * CLOCK_TAI minus CLOCK_REALTIME, measured: TAI is read between two
 * REALTIME reads, so the true offset is within `uncertaintyNs` of `offsetNs`.
 */
export function measureTaiOffset(): { offsetNs: bigint; uncertaintyNs: bigint } {
  const rt1 = clockGettime(CLOCK_REALTIME);
  const tai = clockGettime(CLOCK_TAI);
  const rt2 = clockGettime(CLOCK_REALTIME);
  return { offsetNs: tai - (rt1 + rt2) / 2n, uncertaintyNs: (rt2 - rt1 + 1n) / 2n };
}
