// Streaming reader for the management protocol, in the shape of ws's
// Receiver: an explicit state machine fed with TCP chunks of any size. C
// peers write a message as two or more writes (header + TLV header, then
// payload), so partial reads are the normal case, not an error.
//
//   HEADER --8 bytes--> [checks] --ok--> PAYLOAD --payload_length--> message
//                          |                 (LOG replies above maxPayload
//                          |                  are confirmed on the first
//                          |                  TLV header before going on)
//                          +--bad version/action, 1..7 byte payload--> DRAIN
//                          +--payload_length 0--> error, back to HEADER
//                          +--claim above the limits--> DEAD (fatal)
//
// Every length on the wire is a claim: it is checked against the limits
// BEFORE anything is buffered, and payload bytes are collected as they
// arrive rather than allocated up front. push() never throws: it returns
// events, and each error says whether the stream is still in sync.
// docs/management.md explains the policy against the C daemon's quirks.
import { IsochronError } from '../../core/errors.js';
import { DEFAULT_MAX_TLVS, headerError, parseHeader, parseTlvs, type ManagementMessage } from './codec.js';
import { MgmtInternal, MgmtReaderClosed, MgmtTooLarge, MgmtTruncated, MgmtUnexpectedAction } from './errors.js';
import { Action, actionName, C_BUFSIZ, MESSAGE_HEADER_SIZE, Mid, MGMT_VERSION, TLV_HEADER_SIZE, TLV_MANAGEMENT } from './ids.js';
import { HeaderStatus, mgmtWasm, ioView } from './wasm.js';

export type ReaderEvent =
  | { type: 'message'; message: ManagementMessage }
  /** recoverable: the stream is still framed correctly and reading goes on. */
  | { type: 'error'; error: IsochronError; recoverable: boolean };

export type AcceptedActions = 'requests' | 'responses' | 'any';

export interface ReaderOptions {
  /**
   * Largest payload_length accepted. Default 8191: the C daemon refuses
   * payload_length >= BUFSIZ (8192), so nothing bigger is valid to it.
   */
  maxPayload?: number;
  /**
   * Largest payload of a LOG reply (the only message that legitimately
   * exceeds maxPayload: 32 bytes per received packet, 48 per sent one).
   * Default 64 MiB. 0 disables the exception.
   */
  maxLogPayload?: number;
  /** Most TLVs in one message (C peers always send one). Default 64. */
  maxTlvs?: number;
  /** Hard cap on bytes held for one partial message. Default: what the two limits above allow. */
  maxBufferedBytes?: number;
  /**
   * Which actions this side takes: a daemon/receiver reads requests (GET,
   * SET, GET_ERROR), a client reads responses. Others are drained and
   * reported. Default 'any'.
   */
  accept?: AcceptedActions;
}

const State = { HEADER: 0, PAYLOAD: 1, DRAIN: 2, DEAD: 3 } as const;
type State = (typeof State)[keyof typeof State];

const DEFAULT_MAX_LOG_PAYLOAD = 64 * 1024 * 1024;

function checkLimit(name: string, v: number | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min || v > 0xffffffff) {
    throw new RangeError(`ManagementReader option ${name} must be an integer in [${min}, 4294967295], got ${v}`);
  }
  return v;
}

export class ManagementReader {
  readonly maxPayload: number;
  readonly maxLogPayload: number;
  readonly maxTlvs: number;
  readonly maxBufferedBytes: number;
  readonly accept: AcceptedActions;

  #state: State = State.HEADER;
  readonly #header = Buffer.alloc(MESSAGE_HEADER_SIZE);
  #headerFill = 0;
  #version = 0;
  #action: Action = Action.GET;
  #reserved = 0;
  #payloadLength = 0;
  #chunks: Buffer[] = [];
  #collected = 0;
  /** Set while a payload above maxPayload still has to prove it is a LOG reply. */
  #mustBeLog = false;
  #drainLeft = 0;

  /** Throws RangeError for invalid options (a programming error, not input). */
  constructor(opts: ReaderOptions = {}) {
    this.maxPayload = checkLimit('maxPayload', opts.maxPayload, C_BUFSIZ - 1, TLV_HEADER_SIZE);
    this.maxLogPayload = checkLimit('maxLogPayload', opts.maxLogPayload, DEFAULT_MAX_LOG_PAYLOAD, 0);
    this.maxTlvs = checkLimit('maxTlvs', opts.maxTlvs, DEFAULT_MAX_TLVS, 1);
    const implied = MESSAGE_HEADER_SIZE + Math.max(this.maxPayload, this.maxLogPayload);
    this.maxBufferedBytes = checkLimit('maxBufferedBytes', opts.maxBufferedBytes, implied, MESSAGE_HEADER_SIZE + TLV_HEADER_SIZE);
    this.accept = opts.accept ?? 'any';
    if (!['requests', 'responses', 'any'].includes(this.accept)) {
      throw new RangeError(`ManagementReader option accept must be 'requests', 'responses' or 'any', got ${String(this.accept)}`);
    }
  }

  /** Bytes held for the message in progress (never above maxBufferedBytes). */
  get bufferedBytes(): number {
    return this.#state === State.PAYLOAD ? MESSAGE_HEADER_SIZE + this.#collected : this.#headerFill;
  }

  /** True after a fatal error: the connection should be closed. */
  get failed(): boolean {
    return this.#state === State.DEAD;
  }

  /** True when no partial message is pending (a clean place for the peer to close). */
  get idle(): boolean {
    return this.#state === State.HEADER && this.#headerFill === 0;
  }

  /** Feeds bytes; returns the messages completed and the errors found, in order. */
  push(chunk: Uint8Array): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    if (this.#state === State.DEAD) {
      events.push({ type: 'error', error: MgmtReaderClosed(), recoverable: false });
      return events;
    }
    try {
      if (!(chunk instanceof Uint8Array)) throw new TypeError(`push() takes a Buffer/Uint8Array, got ${typeof chunk}`);
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let off = 0;
      while (off < buf.length && !this.failed) {
        off = this.#step(buf, off, events);
      }
    } catch (err) {
      // Nothing above should throw; if it does, the framing state is
      // unknown, so the stream is given up rather than guessed at.
      this.#fail();
      events.push({ type: 'error', error: MgmtInternal(err instanceof Error ? err.message : String(err)), recoverable: false });
    }
    return events;
  }

  /**
   * The peer closed the stream. Returns a truncation error if it stopped in
   * the middle of a message (the C daemon would wait forever, quirk 25).
   */
  end(): ReaderEvent[] {
    if (this.#state === State.DEAD || this.idle) return [];
    let have = this.#headerFill;
    let need = MESSAGE_HEADER_SIZE;
    if (this.#state !== State.HEADER) {
      have = MESSAGE_HEADER_SIZE + (this.#state === State.DRAIN ? this.#payloadLength - this.#drainLeft : this.#collected);
      need = MESSAGE_HEADER_SIZE + this.#payloadLength;
    }
    this.#fail();
    return [{ type: 'error', error: MgmtTruncated(have, need), recoverable: false }];
  }

  #fail(): void {
    this.#state = State.DEAD;
    this.#chunks = [];
    this.#collected = 0;
    this.#headerFill = 0;
  }

  /** Consumes bytes from buf at off for the current state; returns the new offset. */
  #step(buf: Buffer, off: number, events: ReaderEvent[]): number {
    switch (this.#state) {
      case State.HEADER: {
        const n = Math.min(MESSAGE_HEADER_SIZE - this.#headerFill, buf.length - off);
        buf.copy(this.#header, this.#headerFill, off, off + n);
        this.#headerFill += n;
        if (this.#headerFill === MESSAGE_HEADER_SIZE) this.#onHeader(events);
        return off + n;
      }
      case State.DRAIN: {
        const n = Math.min(this.#drainLeft, buf.length - off);
        this.#drainLeft -= n;
        if (this.#drainLeft === 0) this.#state = State.HEADER;
        return off + n;
      }
      case State.PAYLOAD: {
        const n = Math.min(this.#payloadLength - this.#collected, buf.length - off);
        // A view, not a copy: concat at the end copies once. Callers must
        // not reuse a pushed buffer (net.Socket never does).
        this.#chunks.push(buf.subarray(off, off + n));
        this.#collected += n;
        if (this.#mustBeLog && this.#collected >= TLV_HEADER_SIZE) this.#confirmLog(events);
        if (this.#state === State.PAYLOAD && this.#collected === this.#payloadLength) this.#onPayload(events);
        return off + n;
      }
      default:
        return buf.length;
    }
  }

  #accepts(action: number): boolean {
    if (this.accept === 'any') return true;
    return this.accept === 'responses' ? action === Action.RESPONSE : action !== Action.RESPONSE;
  }

  #onHeader(events: ReaderEvent[]): void {
    this.#headerFill = 0;
    // The LOG allowance only applies where a LOG reply can arrive at all.
    const logAllowed = this.maxLogPayload > this.maxPayload && this.accept !== 'requests';
    const bufferLimit = this.maxBufferedBytes - MESSAGE_HEADER_SIZE;
    const ceiling = Math.min(logAllowed ? this.maxLogPayload : this.maxPayload, bufferLimit);
    const h = parseHeader(this.#header, ceiling);
    this.#version = h.version;
    this.#action = h.action as Action;
    this.#reserved = h.reserved;
    this.#payloadLength = h.payloadLength;

    if (h.status === HeaderStatus.TOO_LARGE) {
      // Draining would mean trusting a length we just called absurd, and
      // could take forever: give the stream up (the C daemon reads the
      // rest as headers instead, quirk 20).
      // Report the limit that applied to this kind of message.
      const mayBeLog = logAllowed && h.version === MGMT_VERSION && h.action === Action.RESPONSE;
      this.#fail();
      events.push({ type: 'error', error: MgmtTooLarge(h.payloadLength, mayBeLog ? ceiling : Math.min(this.maxPayload, bufferLimit)), recoverable: false });
      return;
    }
    let err = headerError(h, h.status);
    if (!err && !this.#accepts(h.action)) {
      const expected = this.accept === 'responses' ? 'RESPONSE' : 'GET, SET and GET_ERROR';
      err = MgmtUnexpectedAction(actionName(h.action), expected);
    }
    // Above maxPayload only a well-formed LOG reply may continue; anything
    // else we refuse is not worth draining megabytes for.
    const oversize = h.payloadLength > this.maxPayload;
    if (oversize && (err || h.action !== Action.RESPONSE)) {
      this.#fail();
      events.push({ type: 'error', error: MgmtTooLarge(h.payloadLength, this.maxPayload), recoverable: false });
      return;
    }
    if (err) {
      events.push({ type: 'error', error: err, recoverable: true });
      this.#skip(h.payloadLength);
      return;
    }
    this.#mustBeLog = oversize;
    this.#state = State.PAYLOAD;
  }

  /** Skips a payload whose framing is intact but whose content we refuse. */
  #skip(payloadLength: number): void {
    this.#drainLeft = payloadLength;
    this.#state = payloadLength > 0 ? State.DRAIN : State.HEADER;
  }

  /** An oversized RESPONSE must be a single LOG TLV spanning the payload. */
  #confirmLog(events: ReaderEvent[]): void {
    this.#mustBeLog = false;
    const first = Buffer.concat(this.#chunks, this.#collected).subarray(0, TLV_HEADER_SIZE);
    const w = mgmtWasm();
    ioView(TLV_HEADER_SIZE).set(first);
    const p = w.ioPtr();
    const isLog =
      w.tlvType(p) === TLV_MANAGEMENT && w.tlvMid(p) === Mid.LOG && w.tlvLength(p) === this.#payloadLength - TLV_HEADER_SIZE;
    if (!isLog) {
      this.#fail();
      events.push({ type: 'error', error: MgmtTooLarge(this.#payloadLength, this.maxPayload), recoverable: false });
    }
  }

  #onPayload(events: ReaderEvent[]): void {
    const payload = this.#chunks.length === 1 ? Buffer.from(this.#chunks[0]) : Buffer.concat(this.#chunks, this.#collected);
    this.#chunks = [];
    this.#collected = 0;
    this.#state = State.HEADER;
    const tlvs = parseTlvs(payload, this.maxTlvs);
    if (tlvs instanceof IsochronError) {
      // payload_length was honoured, so the next header is where it should be.
      events.push({ type: 'error', error: tlvs, recoverable: true });
      return;
    }
    events.push({
      type: 'message',
      message: { version: this.#version, action: this.#action, reserved: this.#reserved, tlvs },
    });
  }
}
