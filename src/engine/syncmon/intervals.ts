// How often C's syncmon checks sync: before the test (depends on how far
// off the first check was) and while sending (depends on the test length).
// The sender and the orchestrator both pace their checks with these.

/**
 * Period of the sync checks while sending: the test duration split into
 * numChecks, at most 1 s. C computes numFrames * cycle, so an endless run
 * (numFrames 0) polls back to back; we keep that value but flag it.
 */
export function monitorIntervalNs(numFrames: number, cycleTime: bigint, numChecks: number): bigint {
  const interval = (BigInt(numFrames) * cycleTime) / BigInt(numChecks);
  return interval > 1_000_000_000n ? 1_000_000_000n : interval;
}

/** Period of the checks before the test: 0.1 s if the first check was fine, 0.5 s if within 3x the threshold, else 1 s. */
export function initialIntervalNs(firstCheck: 'ok' | 'within-3x' | 'bad'): bigint {
  return firstCheck === 'ok' ? 100_000_000n : firstCheck === 'within-3x' ? 500_000_000n : 1_000_000_000n;
}
