// Agreeing on base times (C's prog_calculate_oper_base_times).
//
// Without a synchronized sender the nodes' clocks cannot be compared, so
// every sender gets its --base-time unchanged (0 or a past time: the daemon
// rolls it forward itself). With one, the orchestrator reads CLOCK_TAI from
// the first synchronized sender, adds margins for the round trips it is
// about to spend (BASE_TIME + TEST_STATE per sender) and for clock error
// (twice the sync threshold per node: a worst-case linear PTP topology),
// plus TIME_MARGIN, and rolls each base time past that instant on its own
// cycle. Senders then keep the order of their original base times: each
// operational base time is rolled forward, on its own cycle, to at least
// the previous one's.
import { firstBaseTime, futureBaseTime, TIME_MARGIN } from '../../engine/traffic/schedule.js';

export interface SenderTiming {
  baseTime: bigint;
  shiftTime: bigint;
  cycleTime: bigint;
  /** --sync-threshold (0 when not given). */
  syncThreshold: bigint;
  /** Largest round trip measured while configuring this sender. */
  maxRttNs: bigint;
  /** Sync statistics are collected for it (no --omit-sync). */
  synchronized: boolean;
}

/** Index of the reference sender whose clock is read, or -1 (then no clock is read). */
export function referenceSender(senders: readonly SenderTiming[]): number {
  return senders.findIndex((s) => s.synchronized);
}

/**
 * Operational base times in the order given (C's node list order).
 * `refClockTai` is CLOCK_TAI read from senders[referenceSender()]; it is
 * ignored when there is no reference.
 */
export function operBaseTimes(senders: readonly SenderTiming[], refClockTai: bigint): bigint[] {
  const refIndex = referenceSender(senders);
  if (refIndex < 0) return senders.map((s) => s.baseTime);
  const ref = senders[refIndex];
  // The clock was read half a round trip ago: take a whole one to be safe.
  let now = refClockTai + ref.maxRttNs;
  for (const s of senders) {
    now += 2n * s.maxRttNs;
    now += 2n * (s.syncThreshold !== 0n ? s.syncThreshold : ref.syncThreshold);
  }
  now += TIME_MARGIN;
  // The sender adds TIME_MARGIN again for its first wakeup; going past
  // that here keeps it from rolling our value forward on its own.
  const oper = senders.map((s) => firstBaseTime(s.baseTime, s.shiftTime, s.cycleTime, now));
  // C's in-place exchange sort by original base time (kept as is: it
  // decides the order of equal base times).
  const order = senders.map((_, i) => i);
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      if (senders[order[i]].baseTime > senders[order[j]].baseTime) [order[i], order[j]] = [order[j], order[i]];
    }
  }
  for (let k = 1; k < order.length; k++) {
    const cur = order[k];
    oper[cur] = futureBaseTime(oper[cur], senders[cur].cycleTime, oper[order[k - 1]]);
  }
  return oper;
}
