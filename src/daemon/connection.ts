// One management connection: bytes in through the shared streaming reader,
// requests answered strictly in order (a handler may wait for a test to
// stop, and the protocol pairs replies with requests by order only).
//
// Bad input never stops the daemon: a recoverable framing error is logged
// and reading goes on (the reader drained the payload, so the stream stays
// in sync, unlike the C daemon's quirk 19); a fatal one closes this
// connection only. A peer that stops in the middle of a message is given
// `partialTimeoutMs` to finish it; a peer that does not read its replies
// is not read from until it does (see send()).
import type { Socket } from 'node:net';
import { MidErrorTable, ManagementReader, type ReaderEvent } from '../mgmt/index.js';
import type { Dispatcher, Peer } from './dispatch.js';
import type { DaemonLog } from './log.js';

export interface ConnectionOptions {
  /** Close a connection whose partial message does not complete in time. Default 30 s. */
  partialTimeoutMs?: number;
  /** Stop reading while this many reply bytes wait to be sent. Default 1 MiB. */
  maxPendingWrite?: number;
}

export class Connection implements Peer {
  readonly errors = new MidErrorTable();
  readonly #reader = new ManagementReader({ accept: 'requests' });
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
    private readonly opts: Required<ConnectionOptions>,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
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

  /** Writes a reply; waits while too much is unsent (a peer that does not read). */
  send(reply: Buffer): Promise<void> {
    if (this.#closed || this.socket.destroyed) return Promise.resolve();
    this.socket.write(reply);
    if (this.socket.writableLength <= this.opts.maxPendingWrite) return Promise.resolve();
    // Reading stops too, so the peer cannot pile up more requests meanwhile.
    this.socket.pause();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        this.socket.resume();
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  #onData(chunk: Buffer): void {
    if (this.#dead) return;
    for (const ev of this.#reader.push(chunk)) {
      if (ev.type === 'message') {
        const msg = ev.message;
        // dispatchMessage answers every handler failure itself; what still
        // escapes is a bug, logged here so that the queue stays usable (a
        // rejected queue would skip the later requests and the
        // disconnected() teardown, and crash the daemon as unhandled).
        this.#queue = this.#queue
          .then(() => this.dispatcher.handle(this, msg))
          .catch((err: unknown) => this.log.line(`Connection ${this.#who}: request failed: ${err instanceof Error ? err.message : String(err)}`));
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
