// One status line at the bottom of a terminal, redrawn in place on stderr
// while a run goes (issue 13: "what is this test doing?"). It lives on the
// main thread only and is driven by a timer, so the send and receive threads
// never wait for it: the timer reads counters the main thread keeps anyway
// (the rings are drained there) and draws at most REFRESH_HZ times a second.
//
// Every other line the verb prints goes through wrap(): the status line is
// wiped first, the line written, and the status line drawn again on the next
// tick, so the C tool's lines stay whole and in order on the terminal.
import type { OutputStreams } from '../../core/output.js';

/** At most this many redraws a second (the bound). */
export const REFRESH_HZ = 4;
export const REFRESH_MS = 1000 / REFRESH_HZ;

/** What the line shows now; null shows nothing (and wipes what was there). */
export type StatusSource = () => string | null;

/** The part of a terminal stream the line needs (process.stderr when it is a TTY). */
export interface StatusTerminal {
  write(text: string): unknown;
  /** Terminal width in columns; the line is cut to fit (undefined or 0: 80). */
  readonly columns?: number;
}

/** Carriage return, then erase the whole line (ECMA-48 EL 2). */
const WIPE = '\r\x1b[2K';

export class StatusLine {
  #source: StatusSource = () => null;
  #drawn = false;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  /**
   * @param term where the line is drawn; null disables everything (not a
   *   terminal, or --no-progress): wrap() then returns the streams unchanged.
   * @param periodMs redraw period, ms (REFRESH_MS; never faster).
   */
  constructor(
    private readonly term: StatusTerminal | null,
    private readonly periodMs = REFRESH_MS,
  ) {
    if (term) {
      this.#timer = setInterval(() => this.draw(), Math.max(REFRESH_MS, periodMs));
      // A run must end on its own terms, not wait for our timer.
      this.#timer.unref();
    }
  }

  /** Whether a line is drawn at all (stderr is a terminal and progress is on). */
  get enabled(): boolean {
    return this.term !== null && !this.#stopped;
  }

  /** Sets what the line shows from now on (the phase of the run changed). */
  show(source: StatusSource): void {
    this.#source = source;
  }

  /** Redraws now (the timer calls this; tests and phase changes may too). */
  draw(): void {
    if (!this.term || this.#stopped) return;
    let text: string | null;
    try {
      text = this.#source();
    } catch {
      // A status line must never end a run: a source that throws shows nothing.
      text = null;
    }
    if (text === null) return this.wipe();
    // A pseudo-terminal nobody sized reports 0 columns.
    this.term.write(WIPE + fit(text, this.term.columns || 80));
    this.#drawn = true;
  }

  /** Removes the line from the terminal (it comes back at the next tick). */
  wipe(): void {
    if (!this.term || !this.#drawn) return;
    this.term.write(WIPE);
    this.#drawn = false;
  }

  /**
   * The streams to print the verb's own lines through: each write wipes the
   * status line first. Unchanged when the line is disabled.
   */
  wrap(io: OutputStreams): OutputStreams {
    if (!this.term) return io;
    return {
      out: (text) => {
        this.wipe();
        io.out(text);
      },
      err: (text) => {
        this.wipe();
        io.err(text);
      },
    };
  }

  /** Stops the timer and wipes the line; the run's last lines are printed after. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.wipe();
    this.#stopped = true;
  }
}

/** Cuts a line to the terminal's width minus one (a full line would wrap on some terminals). */
export function fit(text: string, columns: number): string {
  const max = Math.max(10, columns - 1);
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

/**
 * The terminal to draw on: stderr when it is a TTY and --no-progress was not
 * given; null otherwise (a pipe, a file, a daemon's log).
 */
export function progressTerminal(noProgress: boolean, stream: NodeJS.WriteStream = process.stderr): StatusTerminal | null {
  if (noProgress || !stream.isTTY) return null;
  return stream;
}
