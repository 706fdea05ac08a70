// One management connection: bytes in through the shared streaming reader,
// requests answered strictly in order (a handler may wait for a test to
// stop, and the protocol pairs replies with requests by order only).
//
// Bad input never stops the daemon: a recoverable framing error is logged
// and reading goes on (the reader drained the payload, so the stream stays
// in sync, unlike the C daemon's quirk 19); a fatal one closes this
// connection only. A peer that stops in the middle of a message is given
// `partialTimeoutMs` to finish it. What a peer may cost (unsent reply
// bytes, requests queued behind a slow one) is bounded by ConnectionFlow:
// past either cap the socket is not read until the peer catches up.
import type { Socket } from 'node:net';
import { MidErrorTable, ManagementReader, type Reply, type ReaderEvent } from '../mgmt/index.js';
import { ConnectionFlow } from '../mgmt/flow.js';
import type { Dispatcher, Peer } from './dispatch.js';
import type { DaemonLog } from './log.js';

export interface ConnectionOptions {
  /** Close a connection whose partial message does not complete in time. Default 30 s. */
  partialTimeoutMs?: number;
  /** Stop reading while this many reply bytes wait to be sent. Default 1 MiB. */
  maxPendingWrite?: number;
  /** Stop reading while this many requests wait to be answered. Default 64. */
  maxQueuedRequests?: number;
}

export class Connection implements Peer {
  readonly errors = new MidErrorTable();
  readonly #reader = new ManagementReader({ accept: 'requests' });
  readonly #flow: ConnectionFlow;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** A fatal framing error: nothing more is read from this peer. */
  #dead = false;
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly dispatcher: Dispatcher,
    private readonly log: DaemonLog,
    private readonly opts: Required<Omit<ConnectionOptions, 'maxQueuedRequests'>> & ConnectionOptions,
  ) {
    socket.setNoDelay(true);
    this.#flow = new ConnectionFlow(socket, { maxPendingReplyBytes: opts.maxPendingWrite, maxQueuedRequests: opts.maxQueuedRequests }, (piece) =>
      this.#onData(piece),
    );
    socket.on('data', (chunk: Buffer) => this.#flow.feed(chunk));
    socket.on('timeout', () => {
      this.log.line(`Closing connection ${this.#who}: a message stayed incomplete for ${this.opts.partialTimeoutMs} ms`);
      socket.destroy();
    });
    socket.on('end', () => {
      for (const ev of this.#reader.end()) this.#logError(ev);
      socket.end();
    });
    // Errors (ECONNRESET, EPIPE) end this connection only.
    socket.on('error', (err) => this.log.line(`Connection ${this.#who}: ${err.message}`));
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.#closed = true;
        // Requests already read still run (a SET TEST_STATE may be stopping
        // a test); the role is dropped once they are done.
        this.#queue = this.#queue.then(() => this.dispatcher.disconnected(this)).then(resolve, resolve);
      });
    });
  }

  get #who(): string {
    return `${this.socket.remoteAddress ?? '?'} port ${this.socket.remotePort ?? '?'}`;
  }

  #logError(ev: ReaderEvent): void {
    if (ev.type === 'error') this.log.line(`Connection ${this.#who}: ${ev.error.code}: ${ev.error.message}`);
  }

  /** Writes a reply (streamed, never copied); waits while too much is unsent (a peer that does not read). */
  send(reply: Reply): Promise<void> {
    if (this.#closed || this.socket.destroyed) return Promise.resolve();
    return this.#flow.send(reply);
  }

  #onData(chunk: Buffer): void {
    if (this.#dead) return;
    for (const ev of this.#reader.push(chunk)) {
      if (ev.type === 'message') {
        const msg = ev.message;
        this.#flow.requestQueued();
        // dispatchMessage answers every handler failure itself; what still
        // escapes is a bug, logged here so that the queue stays usable (a
        // rejected queue would skip the later requests and the
        // disconnected() teardown, and crash the daemon as unhandled).
        this.#queue = this.#queue
          .then(() => this.dispatcher.handle(this, msg))
          .catch((err: unknown) => this.log.line(`Connection ${this.#who}: request failed: ${err instanceof Error ? err.message : String(err)}`))
          .finally(() => this.#flow.requestDone());
        continue;
      }
      this.#logError(ev);
      if (!ev.recoverable) {
        // The stream can no longer be framed: answer what was already read,
        // then close.
        this.#dead = true;
        this.#queue = this.#queue.then(() => void this.socket.end(() => this.socket.destroy()));
        return;
      }
    }
    this.socket.setTimeout(this.#reader.idle ? 0 : this.opts.partialTimeoutMs);
  }
}
