// How much one management connection may cost a server (daemon, receiver),
// whatever the peer claims or fails to read:
//
//   replies   written in slices of at most SLICE_BYTES; once more than
//             maxPendingReplyBytes wait unsent (the peer does not read),
//             the writer waits for 'drain' and the socket is not read.
//             A reply's parts are views (a LOG is the log buffer itself),
//             so a reply never costs a copy of what it carries.
//   requests  read but not yet answered: past maxQueuedRequests the
//             socket is not read until the queue is below the cap again.
//             Bytes read are handed to the parser FEED_BYTES at a time and
//             the rest of a read is kept (not parsed) while the cap holds,
//             so the overshoot is what FEED_BYTES holds (64 GETs of 16 bytes),
//             not a whole 64 KiB read (4 096 of them).
//
// "Not read" is socket.pause(): the kernel buffers fill, then the peer's
// sends block. Nothing is refused, so a C peer that pipelines sees only
// delay. Replies go out strictly one after another (a streamed LOG is
// never interleaved with a later reply), in the order send() was called.
import type { Socket } from 'node:net';
import type { Reply } from './codec.js';

/** Largest single write: bounds what one write hands to the socket. */
export const SLICE_BYTES = 64 * 1024;

/** Bytes handed to the parser at a time. */
export const FEED_BYTES = 1024;

export interface FlowLimits {
  /** Unsent reply bytes past which the writer waits and reading stops. Default 1 MiB. */
  maxPendingReplyBytes?: number;
  /** Requests read and not yet answered past which reading stops. Default 64. */
  maxQueuedRequests?: number;
}

export const DEFAULT_MAX_PENDING_REPLY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_QUEUED_REQUESTS = 64;

type HoldReason = 'requests' | 'replies';

export class ConnectionFlow {
  readonly #socket: Socket;
  readonly #maxPending: number;
  readonly #maxQueued: number;
  readonly #holds = new Set<HoldReason>();
  #queued = 0;
  /** The last reply's write: the next one starts after it. Never rejects. */
  #tail: Promise<void> = Promise.resolve();
  readonly #consume: (piece: Buffer) => void;
  /** Bytes read but not yet parsed (the requests cap holds). */
  #input: Buffer | null = null;
  #pumpScheduled = false;

  readonly #onHoldChange: ((holding: boolean) => void) | undefined;

  /**
   * `consume` parses bytes read from the socket (pass socket data through
   * feed()); `onHoldChange` hears when reading stops (true) and resumes
   * (false), e.g. to stop a message deadline while the peer cannot be read.
   */
  constructor(socket: Socket, limits: FlowLimits, consume: (piece: Buffer) => void, onHoldChange?: (holding: boolean) => void) {
    this.#socket = socket;
    this.#consume = consume;
    this.#onHoldChange = onHoldChange;
    this.#maxPending = limits.maxPendingReplyBytes ?? DEFAULT_MAX_PENDING_REPLY_BYTES;
    this.#maxQueued = limits.maxQueuedRequests ?? DEFAULT_MAX_QUEUED_REQUESTS;
  }

  /** Requests read and not yet answered. */
  get queued(): number {
    return this.#queued;
  }

  /** True while the socket is not read (a cap is reached). */
  get holding(): boolean {
    return this.#holds.size > 0;
  }

  /** True while a reply waits for the peer to read (the reply byte budget is spent). */
  get waitingForPeer(): boolean {
    return this.#holds.has('replies');
  }

  /** Bytes read from the socket: parsed in pieces, or kept while the requests cap holds. */
  feed(chunk: Buffer): void {
    this.#input = this.#input ? Buffer.concat([this.#input, chunk]) : chunk;
    this.#pump();
  }

  #pump(): void {
    while (this.#input && !this.#holds.has('requests') && !this.#socket.destroyed) {
      const input = this.#input;
      this.#input = input.length > FEED_BYTES ? input.subarray(FEED_BYTES) : null;
      this.#consume(input.subarray(0, FEED_BYTES));
    }
    if (this.#socket.destroyed) this.#input = null;
  }

  /** One more request waits for its turn; at the cap the socket stops being read. */
  requestQueued(): void {
    this.#queued++;
    if (this.#queued >= this.#maxQueued) this.#hold('requests');
  }

  /** A request has been answered (or dropped). */
  requestDone(): void {
    if (this.#queued > 0) this.#queued--;
    if (this.#queued < this.#maxQueued) this.#release('requests');
  }

  /**
   * Queues one reply behind the previous ones; resolves once it is handed
   * to the socket within the byte budget (or the connection is gone, in
   * which case the rest is dropped and its buffers are released).
   */
  send(reply: Reply): Promise<void> {
    const run = this.#tail.then(() => this.#write(reply));
    this.#tail = run;
    return run;
  }

  get #gone(): boolean {
    return this.#socket.destroyed || this.#socket.writableEnded;
  }

  async #write(reply: Reply): Promise<void> {
    const parts = reply instanceof Uint8Array ? [reply] : reply;
    for (const part of parts) {
      for (let off = 0; off < part.length; off += SLICE_BYTES) {
        if (this.#gone) return;
        // subarray is a view: the socket keeps a reference, not a copy.
        this.#socket.write(part.subarray(off, Math.min(part.length, off + SLICE_BYTES)));
        // 'drain' comes only after a write that found the buffer full (needDrain).
        if (this.#socket.writableLength > this.#maxPending && this.#socket.writableNeedDrain) {
          this.#hold('replies');
          try {
            await this.#drained();
          } finally {
            this.#release('replies');
          }
        }
      }
    }
  }

  /** Resolves on 'drain' or when the socket is gone. */
  #drained(): Promise<void> {
    const s = this.#socket;
    if (this.#gone || s.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        s.off('drain', done);
        s.off('close', done);
        s.off('error', done);
        resolve();
      };
      s.on('drain', done);
      s.on('close', done);
      s.on('error', done);
    });
  }

  #hold(reason: HoldReason): void {
    if (this.#holds.has(reason)) return;
    this.#holds.add(reason);
    this.#socket.pause();
    if (this.#holds.size === 1) this.#onHoldChange?.(true);
  }

  #release(reason: HoldReason): void {
    if (!this.#holds.delete(reason)) return;
    if (this.#holds.size === 0) this.#onHoldChange?.(false);
    // Kept bytes first: they may fill the queue again before more is read.
    // Parsed on a later turn of the event loop, not in the answer's own
    // microtask: otherwise a peer with a long pipelined backlog had every
    // request of it answered in one microtask cascade, and other clients
    // waited for all of it (measured: 5-8 s behind 200 000 queued GETs).
    if (reason === 'requests' && this.#input) return this.#schedulePump();
    this.#resumeIfFree();
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
      this.#resumeIfFree();
    });
  }

  #resumeIfFree(): void {
    if (this.#holds.size === 0 && !this.#input && !this.#socket.destroyed) this.#socket.resume();
  }
}
