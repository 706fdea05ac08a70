// One management connection: bytes in through the shared streaming reader,
// requests answered strictly in order (a handler may wait for a test to
// stop, and the protocol pairs replies with requests by order only).
//
// Bad input never stops the daemon: a recoverable framing error is logged
// and reading goes on (the reader drained the payload, so the stream stays
// in sync, unlike the C daemon's quirk 19); a fatal one closes this
// connection only. A message must be complete `partialTimeoutMs` after its
// first byte, and a connection that holds no role is closed after
// `idleTimeoutMs` without traffic (slots.ts); a peer that does not read its
// replies is not read from until it does (see send()).
//
// The peer's name is taken at accept: a peer that resets at once has no
// remoteAddress any more by the time its error is logged.
import type { Socket } from 'node:net';
import { MidErrorTable, ManagementReader, type ReaderEvent } from '../mgmt/index.js';
import type { Dispatcher, Peer } from './dispatch.js';
import type { DaemonLog } from './log.js';
import { IDLE_TIMEOUT_MS } from './limits.js';
import { SlotTimers, type SlotHolder } from './slots.js';

export interface ConnectionOptions {
  /** A message must be complete this long after its first byte (a real deadline). Default 30 s. */
  partialTimeoutMs?: number;
  /** A connection holding no role is closed after this long without traffic. Default 60 s. */
  idleTimeoutMs?: number;
  /** Stop reading while this many reply bytes wait to be sent. Default 1 MiB. */
  maxPendingWrite?: number;
}

/** "ADDRESS port PORT" of a socket, read once (after a reset Node no longer knows it). */
export function peerName(socket: Socket): string {
  const a = socket.remoteAddress;
  const p = socket.remotePort;
  if (a === undefined) return 'an unknown peer (it was gone before it could be named)';
  return `${a} port ${p ?? '?'}`;
}

export class Connection implements Peer, SlotHolder {
  readonly errors = new MidErrorTable();
  readonly name: string;
  readonly slot: SlotTimers;
  /** Requests read and not yet answered. */
  #inFlight = 0;
  /** Waiting for the peer to read its replies (reading paused). */
  #blocked = false;
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
    private readonly opts: ConnectionOptions & { partialTimeoutMs: number; maxPendingWrite: number },
  ) {
    this.name = peerName(socket);
    this.slot = new SlotTimers(this, { idleTimeoutMs: opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS, messageDeadlineMs: opts.partialTimeoutMs });
    socket.setNoDelay(true);
    // An owner that vanished without a FIN (cable, power) is found out.
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => {
      for (const ev of this.#reader.end()) this.#logError(ev);
      socket.end();
    });
    // Errors (ECONNRESET, EPIPE) end this connection only.
    socket.on('error', (err) => this.log.line(`Connection ${this.#who}: ${err.message}`));
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.#closed = true;
        this.slot.stop();
        // Requests already read still run (a SET TEST_STATE may be stopping
        // a test); the role is dropped once they are done.
        this.#queue = this.#queue.then(() => this.dispatcher.disconnected(this)).then(resolve, resolve);
      });
    });
  }

  get #who(): string {
    return this.name;
  }

  get ownsRole(): boolean {
    return this.dispatcher.owner === this.id;
  }

  /**
   * Working on the peer's requests. Not while waiting for the peer to read:
   * a peer that sends and never reads would otherwise hold its slot forever.
   */
  get busy(): boolean {
    return this.#inFlight > 0 && !this.#blocked;
  }

  bytesMoved(): number {
    return this.socket.bytesRead + this.socket.bytesWritten;
  }

  /** Closes this connection for a slot-policy reason (idle, overdue message, room for another). */
  expire(reason: string): void {
    if (this.#closed || this.socket.destroyed) return;
    this.log.line(`Closing connection ${this.#who}: ${reason}`);
    this.socket.destroy();
  }

  #logError(ev: ReaderEvent): void {
    if (ev.type === 'error') this.log.line(`Connection ${this.#who}: ${ev.error.code}: ${ev.error.message}`);
  }

  /** Writes a reply; waits while too much is unsent (a peer that does not read). */
  send(reply: Buffer): Promise<void> {
    if (this.#closed || this.socket.destroyed) return Promise.resolve();
    this.slot.activity();
    this.socket.write(reply);
    if (this.socket.writableLength <= this.opts.maxPendingWrite) return Promise.resolve();
    // Reading stops too, so the peer cannot pile up more requests meanwhile.
    // Its message deadline stops with it (we are the ones not reading); the
    // idle timer still runs: a peer that never reads is closed as idle.
    this.socket.pause();
    this.#blocked = true;
    this.slot.messageState(false);
    return new Promise((resolve) => {
      const done = (): void => {
        this.#blocked = false;
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
    this.slot.activity();
    let completed = false;
    for (const ev of this.#reader.push(chunk)) {
      if (ev.type === 'message') {
        const msg = ev.message;
        completed = true;
        this.#inFlight++;
        // dispatchMessage answers every handler failure itself; what still
        // escapes is a bug, logged here so that the queue stays usable (a
        // rejected queue would skip the later requests and the
        // disconnected() teardown, and crash the daemon as unhandled).
        this.#queue = this.#queue
          .then(() => this.dispatcher.handle(this, msg))
          .catch((err: unknown) => this.log.line(`Connection ${this.#who}: request failed: ${err instanceof Error ? err.message : String(err)}`))
          .finally(() => {
            this.#inFlight--;
            this.slot.activity();
          });
        continue;
      }
      this.#logError(ev);
      if (!ev.recoverable) {
        // The stream can no longer be framed: answer what was already read,
        // then close.
        this.#dead = true;
        this.slot.messageState(false);
        this.#queue = this.#queue.then(() => void this.socket.end(() => this.socket.destroy()));
        return;
      }
    }
    // The deadline is per message: one that completed ends its deadline,
    // and a partial one left at the end of this chunk starts its own.
    if (completed) this.slot.messageState(false);
    this.slot.messageState(!this.#reader.idle);
  }
}
