// One management connection: bytes in through the shared streaming reader,
// requests answered strictly in order (a handler may wait for a test to
// stop, and the protocol pairs replies with requests by order only).
//
// Bad input never stops the daemon: a recoverable framing error is logged
// and reading goes on (the reader drained the payload, so the stream stays
// in sync, unlike the C daemon's quirk 19); a fatal one closes this
// connection only. A message must be complete `partialTimeoutMs` after its
// first byte, and a connection that holds no role is closed after
// `idleTimeoutMs` without traffic (slots.ts). What a peer may cost (unsent
// reply bytes, requests queued behind a slow one) is bounded by
// ConnectionFlow: past either cap the socket is not read until the peer
// catches up, and the message deadline waits with it.
//
// The peer's name is taken at accept: a peer that resets at once has no
// remoteAddress any more by the time its error is logged.
import type { Socket } from 'node:net';
import { MidErrorTable, ManagementReader, type Reply, type ReaderEvent } from '../../engine/mgmt/index.js';
import { ConnectionFlow } from '../../engine/mgmt/flow.js';
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
  /** Stop reading while this many requests wait to be answered. Default 64. */
  maxQueuedRequests?: number;
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
    opts: ConnectionOptions & { partialTimeoutMs: number; maxPendingWrite: number },
  ) {
    this.name = peerName(socket);
    this.slot = new SlotTimers(this, { idleTimeoutMs: opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS, messageDeadlineMs: opts.partialTimeoutMs });
    socket.setNoDelay(true);
    // An owner that vanished without a FIN (cable, power) is found out.
    socket.setKeepAlive(true, 30_000);
    this.#flow = new ConnectionFlow(
      socket,
      { maxPendingReplyBytes: opts.maxPendingWrite, maxQueuedRequests: opts.maxQueuedRequests },
      (piece) => this.#onData(piece),
      // While we do not read, the peer cannot finish its message: its deadline waits.
      (holding) => this.slot.messageState(!holding && !this.#reader.idle),
    );
    socket.on('data', (chunk: Buffer) => {
      this.slot.activity();
      this.#flow.feed(chunk);
    });
    // The peer sent its last byte: answer what it asked (as C, which
    // reads to EOF only after answering), then end our side. Ending at
    // once cut a streamed LOG reply short.
    socket.on('end', () => {
      for (const ev of this.#reader.end()) this.#logError(ev);
      this.slot.messageState(false);
      this.#queue = this.#queue.then(() => void socket.end());
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
    return this.#flow.queued > 0 && !this.#flow.waitingForPeer;
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

  /** Writes a reply (streamed, never copied); waits while too much is unsent (a peer that does not read). */
  send(reply: Reply): Promise<void> {
    if (this.#closed || this.socket.destroyed) return Promise.resolve();
    this.slot.activity();
    return this.#flow.send(reply);
  }

  #onData(chunk: Buffer): void {
    if (this.#dead) return;
    let completed = false;
    for (const ev of this.#reader.push(chunk)) {
      if (ev.type === 'message') {
        const msg = ev.message;
        completed = true;
        this.#flow.requestQueued();
        // dispatchMessage answers every handler failure itself; what still
        // escapes is a bug, logged here so that the queue stays usable (a
        // rejected queue would skip the later requests and the
        // disconnected() teardown, and crash the daemon as unhandled).
        this.#queue = this.#queue
          .then(() => this.dispatcher.handle(this, msg))
          .catch((err: unknown) => this.log.line(`Connection ${this.#who}: request failed: ${err instanceof Error ? err.message : String(err)}`))
          .finally(() => {
            this.#flow.requestDone();
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
    this.slot.messageState(!this.#flow.holding && !this.#reader.idle);
  }
}
