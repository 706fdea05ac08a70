// The latency histogram's accumulation, kept out of prom-client: an
// observation on the main thread is a bucket search and three additions
// (a labelled prom-client observe hashes its labels every time: about
// 1-4 us a call, measured, where a 100 us cycle leaves 100 us per frame
// for everything). The registry renders these at scrape time through
// prom-client's Registry (registry.ts LatencyHistogram).
import { LATENCY_BUCKETS } from './names.js';

/** One label set's histogram: per-bucket (non-cumulative) counts, the sum and the count. */
export class LatencySeries {
  /** counts[i]: observations in (bound[i-1], bound[i]]; the last slot is above every bound (+Inf). */
  readonly counts = new Float64Array(LATENCY_BUCKETS.length + 1);
  sum = 0;
  count = 0;

  constructor(readonly labels: Readonly<Record<string, string>>) {}

  /** One observation, seconds. */
  observe(s: number): void {
    const bounds = LATENCY_BUCKETS;
    let i = 0;
    while (i < bounds.length && s > bounds[i]) i++;
    this.counts[i]++;
    this.sum += s;
    this.count++;
  }

  /** Back to no observations (in place: observers keep their reference). */
  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** The exposition's samples: cumulative _bucket (with le), then _sum and _count. */
  samples(name: string): Array<{ metricName: string; labels: Record<string, string | number>; value: number }> {
    const out: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    let cumulative = 0;
    for (let i = 0; i <= LATENCY_BUCKETS.length; i++) {
      cumulative += this.counts[i];
      out.push({ metricName: `${name}_bucket`, labels: { le: i < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[i] : '+Inf', ...this.labels }, value: cumulative });
    }
    out.push({ metricName: `${name}_sum`, labels: { ...this.labels }, value: this.sum });
    out.push({ metricName: `${name}_count`, labels: { ...this.labels }, value: this.count });
    return out;
  }
}
