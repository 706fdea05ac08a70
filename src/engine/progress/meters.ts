// The numbers a status line shows, kept on the main thread from what it
// already handles: each sent packet as its ring record is drained (the send
// thread's timing is untouched), each received frame as it is logged.

/** Frames per second over the last second or so, from (time, count) samples. */
export class RateMeter {
  #samples: { t: number; n: number }[] = [];

  constructor(
    private readonly windowMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records the count now and returns the rate, frames/s (0 until two samples span time). */
  sample(count: number): number {
    const t = this.now();
    this.#samples.push({ t, n: count });
    while (this.#samples.length > 2 && t - this.#samples[1].t >= this.windowMs) this.#samples.shift();
    const first = this.#samples[0];
    const dt = t - first.t;
    return dt > 0 ? ((count - first.n) * 1000) / dt : 0;
  }
}

/**
 * What the sender's main thread learns per packet (SentObserver of
 * src/engine/sender/log-filler.ts): how many went out, how many woke up
 * after their scheduled time (a missed deadline: the frame cannot leave on
 * time), and the worst wakeup latency (wakeup - (scheduled - advance time),
 * the report's `wakeup-latency`) of the last whole second and the current one.
 */
export class SendMeter {
  sent = 0;
  missedDeadlines = 0;
  #windowStart = -1n;
  #worstNow: bigint | null = null;
  #worstLast: bigint | null = null;

  /** @param advanceTime the run's advance time, ns */
  constructor(private readonly advanceTime: bigint) {}

  /** One sent packet (scheduled and wakeup are CLOCK_TAI ns). */
  observe(scheduled: bigint, wakeup: bigint): void {
    this.sent++;
    if (wakeup > scheduled) this.missedDeadlines++;
    // Windows follow the sender's own clock, so a late drain does not smear them.
    if (this.#windowStart < 0n || wakeup - this.#windowStart >= 1_000_000_000n) {
      this.#worstLast = this.#worstNow;
      this.#worstNow = null;
      this.#windowStart = wakeup;
    }
    const latency = wakeup - (scheduled - this.advanceTime);
    if (this.#worstNow === null || latency > this.#worstNow) this.#worstNow = latency;
  }

  /** The worst wakeup latency of the last second, ns (null before any packet). */
  get worstWakeupLatency(): bigint | null {
    if (this.#worstLast === null) return this.#worstNow;
    if (this.#worstNow === null) return this.#worstLast;
    return this.#worstLast > this.#worstNow ? this.#worstLast : this.#worstNow;
  }
}

/** A duration for a status line: ns below 10 us, then us, ms, s. */
export function formatDuration(ns: bigint): string {
  const a = ns < 0n ? -ns : ns;
  const sign = ns < 0n ? '-' : '';
  if (a < 10_000n) return `${ns} ns`;
  if (a < 10_000_000n) return `${sign}${a / 1000n} us`;
  if (a < 10_000_000_000n) return `${sign}${a / 1_000_000n} ms`;
  return `${sign}${a / 1_000_000_000n} s`;
}

/** A rate for a status line, frames per second ("1000/s"): whole, one decimal below 10. */
export function formatRate(perSecond: number): string {
  return perSecond < 10 ? `${perSecond.toFixed(1)}/s` : `${Math.round(perSecond)}/s`;
}
