// A wait that may never end (a link without carrier, a clock that does not
// sync, a peer that does not answer) says what it waits for, every few
// seconds, on stderr: before this, `send` on an interface without carrier
// printed "Link state of node local is down" once and then nothing, forever.
// C prints nothing either; these lines come after its own, never instead.

/** How often a wait repeats what it waits for. */
export const WAIT_NOTICE_INTERVAL_MS = 5000;

export class WaitNotice {
  #last: number;
  readonly #start: number;

  /**
   * @param err where the notice goes (stderr)
   * @param what what the wait is for, e.g. "before the test"
   */
  constructor(
    private readonly err: (line: string) => void,
    private readonly what: string,
    private readonly intervalMs = WAIT_NOTICE_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#start = this.#last = now();
  }

  /** Prints the notice when intervalMs passed since the start or the last one, and there is a reason. */
  tick(reasons: readonly string[]): void {
    const t = this.now();
    if (t - this.#last < this.intervalMs || reasons.length === 0) return;
    this.#last = t;
    const s = Math.round((t - this.#start) / 1000);
    this.err(`Still waiting ${this.what} (${s} s so far): ${reasons.join('; ')}\n`);
  }
}
