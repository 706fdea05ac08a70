// Sleeping until an absolute CLOCK_TAI time while staying stoppable: nothing
// can interrupt a thread inside clock_nanosleep (piscina's abort included),
// so a far wakeup (a --base-time in the future) is slept in bounded slices
// with the stop word looked at between them. The send and TX timestamp loops
// both wait this way for their first wakeup.
import type { LoopControl } from './control.js';
import { tsAdd, tsDiffNs, type TaiClock, type Ts } from './timespec.js';

/** Longest single sleep, so a stop request is seen within this. */
export const SLEEP_SLICE_NS = 50_000_000;

/**
 * Sleeps until `target`, in slices of at most SLEEP_SLICE_NS measured from
 * `now` (a recent clock reading, updated). False if a stop was requested.
 * `slice` is scratch space, so that nothing is allocated per call.
 */
export function sleepUntilOrStop(clock: TaiClock, target: Ts, now: Ts, control: LoopControl, slice: Ts): boolean {
  while (tsDiffNs(target, now) > SLEEP_SLICE_NS) {
    if (control.stopRequested) return false;
    tsAdd(slice, now, { sec: 0, nsec: SLEEP_SLICE_NS });
    clock.sleepUntil(slice);
    clock.now(now);
  }
  if (control.stopRequested) return false;
  clock.sleepUntil(target);
  return true;
}
