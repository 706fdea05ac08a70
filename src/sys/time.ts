// Clocks as bigint nanoseconds, and absolute sleeps. A sleep blocks the
// calling thread only (verified in worker threads: the main event loop keeps
// running), so the send loop belongs in a worker.
import { E } from '../core/errors.js';
import { CLOCK_REALTIME, CLOCK_TAI, TIMER_ABSTIME } from './constants.js';
import { sysError } from './errors.js';
import { lastErrno, libc } from './libc.js';
import { readTimespec, writeTimespec } from './structs.js';

const tsBuf = Buffer.alloc(16);

/**
 * clock_gettime(clockid) into `ts`, a caller-owned struct timespec (16
 * bytes: tv_sec i64, tv_nsec i64): for loops that read the clock per packet
 * and allocate nothing. Throws for an unknown clock; `call` names the call in
 * that error (a constant string, so the hot path builds none).
 */
export function clockGettimeInto(clockid: number, ts: Buffer, call?: string): void {
  if (libc().clock_gettime(clockid, ts) < 0) throw sysError(call ?? `clock_gettime(${clockid})`, lastErrno());
}

export function clockGettime(clockid: number): bigint {
  clockGettimeInto(clockid, tsBuf);
  return readTimespec(tsBuf, 0);
}

/**
 * Sleeps until `clockid` reads at least the time in `req`, a caller-owned
 * struct timespec (clock_nanosleep with TIMER_ABSTIME), resuming after
 * signals; returns at once if that time is past. Nothing is allocated. `call`
 * names the call in the error of any failure but EINTR.
 */
export function sleepUntilTimespec(clockid: number, req: Buffer, call?: string): void {
  for (;;) {
    // clock_nanosleep returns the error number itself, not -1/errno.
    const rc = libc().clock_nanosleep(clockid, TIMER_ABSTIME, req, null);
    if (rc === 0) return;
    if (rc !== E.EINTR) throw sysError(call ?? `clock_nanosleep(${clockid}, TIMER_ABSTIME)`, rc);
  }
}

/**
 * Sleeps until `clockid` reads at least `deadlineNs` (TIMER_ABSTIME), resuming
 * after signals. Returns at once if the deadline is in the past.
 */
export function sleepUntil(clockid: number, deadlineNs: bigint): void {
  const req = Buffer.alloc(16);
  writeTimespec(req, 0, deadlineNs);
  sleepUntilTimespec(clockid, req);
}

/** Relative sleep on `clockid` (also TIMER_ABSTIME underneath, so signals do not stretch it). */
export function sleepFor(clockid: number, ns: bigint): void {
  sleepUntil(clockid, clockGettime(clockid) + ns);
}

/**
 * struct timex as adjtimex(2) takes it on 64-bit Linux: `modes` (u32) says
 * what to set; ADJ_TAI sets the TAI offset from `long constant`; `int tai`
 * reads it back.
 */
const TIMEX = { size: 208, modes: 0, constant: 48, tai: 160 } as const;
const ADJ_TAI = 0x0080;

/** The kernel's TAI-UTC offset in seconds (adjtimex, read-only); 0 when nobody set it. */
export function kernelTaiOffset(): number {
  const timex = Buffer.alloc(TIMEX.size);
  if (libc().adjtimex(timex) < 0) throw sysError('adjtimex', lastErrno());
  return timex.readInt32LE(TIMEX.tai);
}

/**
 * Sets the kernel's TAI-UTC offset to `offset` seconds (adjtimex ADJ_TAI;
 * CLOCK_TAI moves with it). Not namespaced: it changes the whole machine, and
 * needs CAP_SYS_TIME. Returns 0, or the positive errno the call failed with
 * (EPERM without the capability, EINVAL outside the kernel's range), so each
 * caller reports it with its own error code. `offset` is an integer.
 */
export function setKernelTaiOffset(offset: number): number {
  const timex = Buffer.alloc(TIMEX.size);
  timex.writeUInt32LE(ADJ_TAI, TIMEX.modes);
  timex.writeBigInt64LE(BigInt(offset), TIMEX.constant);
  return libc().adjtimex(timex) < 0 ? lastErrno() : 0;
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
