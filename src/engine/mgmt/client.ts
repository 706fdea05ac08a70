// Promise-based management client: the request/reply pattern of the C
// sender and orchestrator. One request is on the wire at a time (the
// protocol has no request ids, replies are matched by order), so calls are
// queued. A failed GET/SET is answered with an empty TLV; the client then
// asks GET_ERROR itself and rejects with the peer's rc and text.
import { connect as netConnect, type Socket } from 'node:net';
import { IsochronError, Errno } from '../../core/errors.js';
import { checkTlv, encodeGet, encodeMessage, type ManagementMessage, type Tlv } from './codec.js';
import {
  MgmtBadLog,
  MgmtConnectFailed,
  MgmtDisconnected,
  MgmtRemoteError,
  MgmtTimeout,
  MgmtUnexpectedReply,
} from './errors.js';
import { Action, actionName, Mid, midName, TLV_MANAGEMENT } from './ids.js';
import { decodeValue, encodeValue } from './payloads.js';
import { decodeErrorPayload } from './error-payload.js';
import { LOG_VERSION, type LogPayload, type MgmtErrorPayload, type MidValue } from './values.js';
import { ManagementReader, type ReaderOptions } from './reader.js';

export interface ClientOptions {
  /** Per request (including the GET_ERROR follow-up). Default 5000 ms. */
  timeoutMs?: number;
  /** Limits of the reply reader (accept is always 'responses'). */
  reader?: Omit<ReaderOptions, 'accept'>;
}

export interface ConnectOptions extends ClientOptions {
  host: string;
  port: number;
  /** Connection timeout. Default: timeoutMs. */
  connectTimeoutMs?: number;
}

interface Pending {
  resolve(msg: ManagementMessage): void;
  reject(err: IsochronError): void;
}

const DEFAULT_TIMEOUT_MS = 5000;

export class ManagementClient {
  readonly socket: Socket;
  readonly timeoutMs: number;
  readonly #reader: ManagementReader;
  #pending: Pending | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closedBy: IsochronError | undefined;

  /** Takes a connected socket (e.g. one bound to a device by the syscall layer). */
  constructor(socket: Socket, opts: ClientOptions = {}) {
    this.socket = socket;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new RangeError(`ManagementClient option timeoutMs must be a positive number, got ${opts.timeoutMs}`);
    }
    this.#reader = new ManagementReader({ ...opts.reader, accept: 'responses' });
    // Requests are small and latency matters (the C tool's ~90 ms round
    // trips come from Nagle + delayed ACK on its split writes).
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onGone('the peer closed the connection'));
    socket.on('error', (err) => this.#onGone(err.message));
    socket.on('close', () => this.#onGone('the connection was closed'));
  }

  static connect(opts: ConnectOptions): Promise<ManagementClient> {
    const target = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
    const ms = opts.connectTimeoutMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: opts.host, port: opts.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(MgmtConnectFailed.with({ errno: Errno.ETIMEDOUT }, target, `no connection within ${ms} ms`));
      }, ms);
      socket.once('error', (err) => {
        clearTimeout(timer);
        // Node's errno is the kernel's, negative: it decides the exit status, as in C.
        reject(MgmtConnectFailed.with({ errno: (err as NodeJS.ErrnoException).errno, cause: err }, target, err.message));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new ManagementClient(socket, opts));
      });
    });
  }

  /** Set once the connection is unusable; later calls reject with it. */
  get closed(): boolean {
    return this.#closedBy !== undefined;
  }

  /** GET a MID's value. */
  get<M extends Mid>(mid: M): Promise<MidValue<M>> {
    return this.#serialised(async () => {
      const tlv = await this.#valueExchange('GET', mid, encodeGet(mid));
      return decodeValue(mid, tlv.payload);
    });
  }

  /** SET a MID; resolves with the value the peer echoed (checked byte for byte). */
  set<M extends Mid>(mid: M, value: MidValue<M>): Promise<MidValue<M>> {
    return this.#serialised(async () => {
      const payload = encodeValue(mid, value);
      const tlv = await this.#valueExchange('SET', mid, encodeMessage({ action: Action.SET, tlvs: [{ mid, payload }] }));
      if (!tlv.payload.equals(payload)) {
        throw MgmtUnexpectedReply('SET', midName(mid), 'the echoed value differs from the one sent');
      }
      return decodeValue(mid, tlv.payload);
    });
  }

  /** The peer's last error for a MID (rc 0 and no text if none). */
  getError(mid: number): Promise<MgmtErrorPayload> {
    return this.#serialised(() => this.#getErrorNow(mid));
  }

  /** GET LOG, checking the log version the report layer understands. */
  async getLog(): Promise<LogPayload> {
    const log = await this.get(Mid.LOG);
    if (log.logVersion !== LOG_VERSION) {
      throw MgmtBadLog(`incompatible isochron log version ${log.logVersion}, expected ${LOG_VERSION}`);
    }
    return log;
  }

  /** Half-closes and waits for the socket to close. Pending requests reject. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) {
        this.#onGone('the client was closed');
        resolve();
        return;
      }
      this.socket.once('close', () => resolve());
      this.#onGone('the client was closed');
      this.socket.end();
      // A peer that never closes its side must not keep us waiting.
      setTimeout(() => this.socket.destroy(), this.timeoutMs).unref();
    });
  }

  #serialised<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(job, job);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Sends a GET/SET and returns its value TLV, turning an empty reply into the peer's error. */
  async #valueExchange(op: 'GET' | 'SET', mid: Mid, request: Buffer): Promise<Tlv> {
    const tlv = this.#replyTlv(op, mid, await this.#exchange(op, mid, request));
    const verdict = checkTlv(Action.RESPONSE, tlv);
    if (verdict.ok && verdict.empty) {
      const err = await this.#getErrorNow(mid);
      throw MgmtRemoteError(op, midName(mid), err.rc, err.extack);
    }
    if (!verdict.ok) throw MgmtUnexpectedReply(op, midName(mid), verdict.error.message);
    return tlv;
  }

  async #getErrorNow(mid: number): Promise<MgmtErrorPayload> {
    const reply = await this.#exchange('GET_ERROR', mid, encodeGet(mid, Action.GET_ERROR));
    const tlv = this.#replyTlv('GET_ERROR', mid, reply);
    if (tlv.payload.length === 0) {
      // What a C peer answers for a MID outside its table (quirk 18).
      throw MgmtUnexpectedReply('GET_ERROR', midName(mid), 'empty reply (the peer does not know this MID)');
    }
    try {
      return decodeErrorPayload(tlv.payload);
    } catch (err) {
      throw MgmtUnexpectedReply('GET_ERROR', midName(mid), (err as Error).message);
    }
  }

  /** The single management TLV of a RESPONSE for mid, or an UNEXPECTED_REPLY error. */
  #replyTlv(op: string, mid: number, msg: ManagementMessage): Tlv {
    const name = midName(mid);
    if (msg.action !== Action.RESPONSE) throw MgmtUnexpectedReply(op, name, `action ${actionName(msg.action)}`);
    if (msg.tlvs.length !== 1) throw MgmtUnexpectedReply(op, name, `${msg.tlvs.length} TLVs instead of 1`);
    const tlv = msg.tlvs[0];
    if (tlv.tlvType !== TLV_MANAGEMENT) throw MgmtUnexpectedReply(op, name, `TLV type ${tlv.tlvType}`);
    if (tlv.mid !== mid) throw MgmtUnexpectedReply(op, name, `reply is for MID ${midName(tlv.mid)} (${tlv.mid})`);
    return tlv;
  }

  /** Writes one request and waits for the next message from the peer. */
  #exchange(op: string, mid: number, request: Buffer): Promise<ManagementMessage> {
    if (this.#closedBy) return Promise.reject(this.#closedBy);
    return new Promise<ManagementMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A late reply would be taken as the answer to the next request, so
        // the connection cannot be trusted any more.
        const err = MgmtTimeout(op, midName(mid), this.timeoutMs);
        this.#pending = undefined;
        this.#closedBy ??= err;
        this.socket.destroy();
        reject(err);
      }, this.timeoutMs);
      this.#pending = {
        resolve: (msg) => {
          clearTimeout(timer);
          resolve(msg);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      // One write per message: no split header/payload on our side.
      this.socket.write(request);
    });
  }

  #settle(outcome: { msg: ManagementMessage } | { err: IsochronError }): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return; // nothing asked: C peers never send unsolicited messages; drop it
    if ('msg' in outcome) pending.resolve(outcome.msg);
    else pending.reject(outcome.err);
  }

  #onData(chunk: Buffer): void {
    for (const ev of this.#reader.push(chunk)) {
      if (ev.type === 'message') {
        this.#settle({ msg: ev.message });
      } else if (ev.recoverable) {
        // The bad message was, in all likelihood, the reply we wait for.
        this.#settle({ err: ev.error });
      } else {
        this.#closedBy ??= ev.error;
        this.#settle({ err: ev.error });
        this.socket.destroy();
      }
    }
  }

  #onGone(detail: string): void {
    const truncated = this.#reader.end().find((ev) => ev.type === 'error');
    const why = truncated && truncated.type === 'error' ? `${detail} (${truncated.error.message})` : detail;
    this.#closedBy ??= MgmtDisconnected(why);
    this.#settle({ err: this.#closedBy });
  }
}
