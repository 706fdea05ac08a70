// Connection slots that cannot be hoarded: when a connection is idle, when
// its message is overdue, and which one makes room when every slot is taken.
// The Connection reports traffic and messages; this module owns the timers
// so that the policy is one small piece, separate from reading and replying.
//
//   idle:      no byte in or out for idleTimeoutMs, nothing being worked on,
//              no role held -> closed ("idle for N ms"); a peer that sends but
//              never reads its replies counts as idle once we wait for it
//   deadline:  a message not complete messageDeadlineMs after its first byte
//              -> closed; bytes that trickle in do not move the deadline
//   full:      a new client arrives with every slot taken -> the connection
//              idle the longest among those that own nothing and have
//              nothing in flight is closed for it; none -> the new one is refused

/** What the policy needs to know of a connection. */
export interface SlotHolder {
  /** Holds the sender role (owner): never closed for being idle. */
  readonly ownsRole: boolean;
  /** Requests read and being worked on (not: waiting for the peer to read). */
  readonly busy: boolean;
  /** Bytes read + written so far: progress the policy sees even without activity() calls (a long reply draining). */
  bytesMoved(): number;
  /** Closes the connection, saying why in the daemon log. */
  expire(reason: string): void;
}

export interface SlotTimerOptions {
  idleTimeoutMs: number;
  messageDeadlineMs: number;
}

/** The two timers of one connection. */
export class SlotTimers {
  /** When the last byte went in either direction (ms, Date.now()). */
  lastActive = Date.now();
  #idleTimer: NodeJS.Timeout | null = null;
  #deadlineTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  #lastMoved = 0;

  constructor(
    private readonly holder: SlotHolder,
    private readonly opts: SlotTimerOptions,
  ) {
    this.#armIdle(opts.idleTimeoutMs);
  }

  /** Traffic in either direction. Cheap: the idle timer is not re-armed per byte. */
  activity(): void {
    this.lastActive = Date.now();
    this.#lastMoved = this.holder.bytesMoved();
  }

  /**
   * The reader's state after a chunk: `partial` true while a message is
   * incomplete. The deadline starts at the first byte of a message and is
   * only cleared when that message completes.
   */
  messageState(partial: boolean): void {
    if (this.#stopped) return;
    if (!partial) {
      this.#clearDeadline();
      return;
    }
    if (this.#deadlineTimer) return;
    const ms = this.opts.messageDeadlineMs;
    this.#deadlineTimer = setTimeout(() => {
      this.#deadlineTimer = null;
      this.holder.expire(`a message stayed incomplete for ${ms} ms`);
    }, ms);
  }

  /** Milliseconds since the last traffic. */
  idleFor(now = Date.now()): number {
    return now - this.lastActive;
  }

  stop(): void {
    this.#stopped = true;
    this.#clearDeadline();
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  #armIdle(ms: number): void {
    if (this.#stopped) return;
    this.#idleTimer = setTimeout(() => this.#checkIdle(), ms);
  }

  #checkIdle(): void {
    this.#idleTimer = null;
    // Bytes moved since the last activity() (a long reply draining) count too.
    if (this.holder.bytesMoved() !== this.#lastMoved) this.activity();
    const limit = this.opts.idleTimeoutMs;
    const idle = this.idleFor();
    if (idle < limit) return this.#armIdle(limit - idle);
    // An owner or a connection with work in flight is not idle: look again later.
    if (this.holder.ownsRole || this.holder.busy) return this.#armIdle(limit);
    this.holder.expire(`idle for ${idle} ms without holding the sender role (limit ${limit} ms)`);
  }

  #clearDeadline(): void {
    if (this.#deadlineTimer) clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = null;
  }
}

/** The connection to close so that a new client gets a slot, or null when every one is in use. */
export function pickEvictable<T extends SlotHolder & { readonly slot: SlotTimers }>(conns: Iterable<T>): T | null {
  let best: T | null = null;
  for (const c of conns) {
    if (c.ownsRole || c.busy) continue;
    if (!best || c.slot.lastActive < best.slot.lastActive) best = c;
  }
  return best;
}
