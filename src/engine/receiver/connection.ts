// One stats connection: TCP bytes -> the shared ManagementReader -> messages
// handled one at a time, replies written in order. Bad input is reported and
// never throws: a stream the reader can no longer frame is closed (the
// receiver then serves the next client), a recoverable error is only
// reported. C waits forever on a half-sent message (quirk 25); we give a
// partial message partialTimeoutMs to complete, then close the connection,
// so one stuck client cannot block the others for good. What a client may
// cost (unsent reply bytes, requests queued) is bounded by ConnectionFlow.
import type { Socket } from 'node:net';
import type { IsochronError } from '../../core/errors.js';
import { ConnectionFlow, ManagementReader, type FlowLimits, type ManagementMessage, type Reply } from '../mgmt/index.js';

export interface ConnectionHandlers {
  message(msg: ManagementMessage): Promise<void>;
  /** A framing/protocol error; recoverable = the stream is still in sync. */
  protocolError(err: IsochronError, recoverable: boolean): void;
  /** Called once, when the connection is gone for whatever reason. */
  closed(): void;
}

export interface ConnectionOptions extends FlowLimits {
  partialTimeoutMs?: number;
}

export const DEFAULT_PARTIAL_TIMEOUT_MS = 10_000;

export class MgmtConnection {
  readonly socket: Socket;
  readonly #reader = new ManagementReader({ accept: 'requests' });
  readonly #handlers: ConnectionHandlers;
  readonly #partialMs: number;
  readonly #flow: ConnectionFlow;
  #queue: Promise<void> = Promise.resolve();
  #partialTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(socket: Socket, handlers: ConnectionHandlers, opts: ConnectionOptions = {}) {
    this.socket = socket;
    this.#handlers = handlers;
    this.#partialMs = opts.partialTimeoutMs ?? DEFAULT_PARTIAL_TIMEOUT_MS;
    socket.setNoDelay(true);
    this.#flow = new ConnectionFlow(socket, opts, (piece) => this.#onData(piece));
    socket.on('data', (chunk: Buffer) => this.#flow.feed(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    // The server hands sockets over paused (pauseOnConnect): nothing is lost before the listeners exist.
    socket.resume();
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Writes a reply behind the ones before it, streamed (never copied);
   * resolves when it is within the byte budget. Dropped silently once the
   * connection is gone (the peer left).
   */
  send(reply: Reply): Promise<void> {
    if (this.#closed || this.socket.destroyed) return Promise.resolve();
    return this.#flow.send(reply);
  }

  /** Resolves when every message received so far has been handled. */
  idle(): Promise<void> {
    return this.#queue;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearPartial();
    this.socket.destroy();
    this.#handlers.closed();
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    for (const ev of this.#reader.push(chunk)) {
      if (ev.type === 'message') {
        const msg = ev.message;
        this.#flow.requestQueued();
        this.#queue = this.#queue
          .then(() => (this.#closed ? undefined : this.#handlers.message(msg)))
          .catch(() => undefined)
          .finally(() => this.#flow.requestDone());
      } else {
        this.#handlers.protocolError(ev.error, ev.recoverable);
        if (!ev.recoverable) {
          // Let queued replies go out first, then drop the unframeable stream.
          void this.#queue.then(() => this.close());
          return;
        }
      }
    }
    this.#armPartial();
  }

  #onEnd(): void {
    for (const ev of this.#reader.end()) if (ev.type === 'error') this.#handlers.protocolError(ev.error, false);
    // The peer is done sending, not reading (the server is half-open): the
    // replies to what it sent go out first, then our FIN; 'close' follows.
    void this.#queue.then(() => {
      if (!this.#closed) this.socket.end();
    });
  }

  #armPartial(): void {
    if (this.#reader.idle) {
      this.#clearPartial();
      return;
    }
    if (this.#partialTimer) return;
    this.#partialTimer = setTimeout(() => {
      this.#partialTimer = null;
      if (this.#reader.idle || this.#closed) return;
      for (const ev of this.#reader.end()) if (ev.type === 'error') this.#handlers.protocolError(ev.error, false);
      this.close();
    }, this.#partialMs);
  }

  #clearPartial(): void {
    if (this.#partialTimer) clearTimeout(this.#partialTimer);
    this.#partialTimer = null;
  }
}
