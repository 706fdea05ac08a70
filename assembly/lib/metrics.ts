// The report metrics: one row per metric, its slot and its formula. The
// engine (report.ts) computes every row for a packet into a value table and
// feeds each slot to its accumulator, so a new metric is one row here and
// one entry in src/engine/report/metrics.ts (which finds the slot by its
// export name, e.g. M_PATH_DELAY, so the numbers live only here).
//
// Letters as in the C tool's printf variables: S scheduled, w wakeup, T/t
// sender hardware/software TX timestamp, s sched timestamp, R receiver RX
// timestamp, a arrival, A advance time. T and R are the software
// timestamps in OMIT_HWTS files (see report.ts).

export const M_PATH_DELAY: u32 = 0; // R - T
export const M_WAKEUP_TO_TX_TS: u32 = 1; // T - w
export const M_RX_DEADLINE_DELTA: u32 = 2; // R - S
export const M_RX_DEADLINE_DELTA_REVERSED: u32 = 3; // S - R: the C summary's "arrived earlier" line
export const M_LATENCY_BUDGET: u32 = 4; // S - T, or T - S (MAC latency) with taprio/txtime
export const M_SENDER_LATENCY: u32 = 5; // t - w
export const M_WAKEUP_LATENCY: u32 = 6; // w - (S - A)
export const M_DRIVER_LATENCY: u32 = 7; // t - s
export const M_ARRIVAL_LATENCY: u32 = 8; // a - R
export const METRIC_COUNT: u32 = 9;

/** Writes every metric of one packet as i64 at dst + slot * 8. */
@inline export function computeMetrics(
  dst: usize, scheduled: i64, wakeup: i64, txTs: i64, swts: i64, schedTs: i64,
  rxTs: i64, arrival: i64, advance: i64, mac: bool,
): void {
  store<i64>(dst + (<usize>M_PATH_DELAY << 3), rxTs - txTs);
  store<i64>(dst + (<usize>M_WAKEUP_TO_TX_TS << 3), txTs - wakeup);
  store<i64>(dst + (<usize>M_RX_DEADLINE_DELTA << 3), rxTs - scheduled);
  store<i64>(dst + (<usize>M_RX_DEADLINE_DELTA_REVERSED << 3), scheduled - rxTs);
  store<i64>(dst + (<usize>M_LATENCY_BUDGET << 3), mac ? txTs - scheduled : scheduled - txTs);
  store<i64>(dst + (<usize>M_SENDER_LATENCY << 3), swts - wakeup);
  store<i64>(dst + (<usize>M_WAKEUP_LATENCY << 3), wakeup - (scheduled - advance));
  store<i64>(dst + (<usize>M_DRIVER_LATENCY << 3), swts - schedTs);
  store<i64>(dst + (<usize>M_ARRIVAL_LATENCY << 3), arrival - rxTs);
}
