// Repeated lines about bad input, rate-limited so that a peer sending
// garbage cannot fill the disk through the daemon log (an attack of 237 000
// messages once made 17 MB). Lines are grouped by their text with the
// numbers taken out ("Unrecognized MID 77" and "... MID 99" are one kind);
// each kind may print `burst` lines per `windowMs`, the rest are counted and
// reported once, when the window closes:
//
//   <the last suppressed line> (N similar messages suppressed)
import type { DaemonLog } from './log.js';

export interface LogLimitOptions {
  /** Lines of one kind printed per window. Default 20. */
  burst?: number;
  /** Default 10 s. */
  windowMs?: number;
  /** Kinds tracked at once; past this, every new kind shares one bucket. Default 256. */
  maxKinds?: number;
}

interface Bucket {
  start: number;
  printed: number;
  suppressed: number;
  last: string;
}

/** A DaemonLog whose line() is rate-limited per kind; write() passes through. */
export class RateLimitedLog implements DaemonLog {
  readonly #out: DaemonLog;
  readonly #burst: number;
  readonly #windowMs: number;
  readonly #maxKinds: number;
  readonly #buckets = new Map<string, Bucket>();
  #timer: NodeJS.Timeout | null = null;

  constructor(out: DaemonLog, opts: LogLimitOptions = {}) {
    this.#out = out;
    this.#burst = opts.burst ?? 20;
    this.#windowMs = opts.windowMs ?? 10_000;
    this.#maxKinds = opts.maxKinds ?? 256;
  }

  line(text: string): void {
    const now = Date.now();
    let key = text.replace(/\d+/g, '#');
    if (!this.#buckets.has(key) && this.#buckets.size >= this.#maxKinds) key = '*';
    let b = this.#buckets.get(key);
    if (b && now - b.start >= this.#windowMs) {
      this.#report(b);
      b = undefined;
    }
    if (!b) {
      b = { start: now, printed: 0, suppressed: 0, last: '' };
      this.#buckets.set(key, b);
    }
    if (b.printed < this.#burst) {
      b.printed++;
      this.#out.line(text);
      return;
    }
    b.suppressed++;
    b.last = text;
    this.#armFlush();
  }

  write(text: string): void {
    this.#out.write(text);
  }

  /** Reports every pending count now (shutdown). */
  flush(): void {
    for (const b of this.#buckets.values()) this.#report(b);
    this.#buckets.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #report(b: Bucket): void {
    if (b.suppressed > 0) this.#out.line(`${b.last} (${b.suppressed} similar messages suppressed)`);
    b.suppressed = 0;
  }

  /** Closed windows are reported even when no further line comes. */
  #armFlush(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const now = Date.now();
      for (const [k, b] of this.#buckets) {
        if (now - b.start < this.#windowMs) continue;
        this.#report(b);
        this.#buckets.delete(k);
      }
      if ([...this.#buckets.values()].some((b) => b.suppressed > 0)) this.#armFlush();
    }, this.#windowMs);
    this.#timer.unref();
  }
}
