// Whole management messages <-> bytes. The header and TLV headers go
// through the WASM codec; TLV payloads are carried as raw bytes so that a
// decoded message re-encodes byte for byte (typed values live in
// payloads.ts and are produced on demand).
import type { IsochronError } from '../../core/errors.js';
import {
  MgmtBadAction,
  MgmtBadPayloadLength,
  MgmtBadVersion,
  MgmtBadValue,
  MgmtEmptyMessage,
  MgmtTlvTruncated,
  MgmtTooLarge,
  MgmtTooManyTlvs,
  MgmtTrailingBytes,
  MgmtTruncated,
  MgmtUnknownMid,
} from './errors.js';
import { Action, isKnownMid, MESSAGE_HEADER_SIZE, Mid, MGMT_VERSION, midName, TLV_HEADER_SIZE, TLV_MANAGEMENT } from './ids.js';
import { decodeValue, encodeValue } from './payloads.js';
import { decodeErrorPayload, encodeErrorPayload } from './error-payload.js';
import type { MgmtErrorPayload, MidValue } from './values.js';
import { HeaderStatus, ioView, mgmtWasm, TlvHeaderStatus, TlvStatus } from './wasm.js';

export interface Tlv {
  /** 0 = MANAGEMENT; other types are carried through for the caller to skip. */
  tlvType: number;
  /** Management id; may be outside the known table (the peer replies "Unrecognized MID"). */
  mid: number;
  payload: Buffer;
}

export interface ManagementMessage {
  version: number;
  action: Action;
  /** Reserved be16; 0 from every known peer, kept for byte-exact re-encoding. */
  reserved: number;
  tlvs: Tlv[];
}

/** What encodeMessage accepts: version/action are not restricted so tests can build bad input. */
export interface MessageInit {
  version?: number;
  action: number;
  reserved?: number;
  tlvs: readonly { tlvType?: number; mid: number; payload?: Uint8Array }[];
}

export interface MessageHeader {
  version: number;
  action: number;
  reserved: number;
  payloadLength: number;
}

export const DEFAULT_MAX_TLVS = 64;

function checkField(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw MgmtBadValue('message', `${name} ${v} is outside [0, ${max}]`);
}

/** Encodes a message: header, then each TLV header and payload. */
export function encodeMessage(msg: MessageInit): Buffer {
  const version = msg.version ?? MGMT_VERSION;
  const reserved = msg.reserved ?? 0;
  checkField('version', version, 0xff);
  checkField('action', msg.action, 0xff);
  checkField('reserved', reserved, 0xffff);
  let payloadLength = 0;
  for (const tlv of msg.tlvs) {
    checkField('tlv_type', tlv.tlvType ?? TLV_MANAGEMENT, 0xffff);
    checkField('management_id', tlv.mid, 0xffff);
    payloadLength += TLV_HEADER_SIZE + (tlv.payload?.length ?? 0);
  }
  checkField('payload_length', payloadLength, 0xffffffff);
  const w = mgmtWasm();
  const p = w.ioPtr();
  const parts: Uint8Array[] = [];
  w.writeHeader(p, version, msg.action, reserved, payloadLength);
  parts.push(Buffer.from(ioView(MESSAGE_HEADER_SIZE)));
  for (const tlv of msg.tlvs) {
    const payload = tlv.payload ?? Buffer.alloc(0);
    w.writeTlvHeader(p, tlv.tlvType ?? TLV_MANAGEMENT, tlv.mid, payload.length);
    parts.push(Buffer.from(ioView(TLV_HEADER_SIZE)), payload);
  }
  return Buffer.concat(parts, MESSAGE_HEADER_SIZE + payloadLength);
}

/**
 * A reply as byte ranges sent back to back. A large payload (a LOG of
 * hundreds of megabytes) stays where it lies: the ranges are views, so a
 * reply costs its headers, not a copy of the log.
 */
export type ReplyParts = readonly Uint8Array[];

/** What a server writes for one reply: one buffer, or parts sent in order. */
export type Reply = Uint8Array | ReplyParts;

/** Total bytes of a reply. */
export function replyLength(reply: Reply): number {
  if (reply instanceof Uint8Array) return reply.length;
  let n = 0;
  for (const part of reply) n += part.length;
  return n;
}

/**
 * encodeResponse without the copy: a fresh 12-byte message + TLV header,
 * then the payload parts themselves (not copied; they must stay unchanged,
 * or at least valid, until written).
 */
export function encodeResponseParts(mid: number, payload: ReplyParts): Uint8Array[] {
  let length = 0;
  for (const part of payload) length += part.length;
  checkField('management_id', mid, 0xffff);
  checkField('payload_length', TLV_HEADER_SIZE + length, 0xffffffff);
  const w = mgmtWasm();
  const p = w.ioPtr();
  const head = Buffer.alloc(MESSAGE_HEADER_SIZE + TLV_HEADER_SIZE);
  w.writeHeader(p, MGMT_VERSION, Action.RESPONSE, 0, TLV_HEADER_SIZE + length);
  head.set(ioView(MESSAGE_HEADER_SIZE), 0);
  w.writeTlvHeader(p, TLV_MANAGEMENT, mid, length);
  head.set(ioView(TLV_HEADER_SIZE), MESSAGE_HEADER_SIZE);
  return [head, ...payload];
}

/**
 * Reads the 8-byte header (bytes must hold at least 8). maxPayload: largest
 * payload_length the caller accepts; whole-buffer decoding has no size
 * policy of its own (the caller already holds the bytes).
 */
export function parseHeader(bytes: Uint8Array, maxPayload = 0xffffffff): MessageHeader & { status: number } {
  const w = mgmtWasm();
  ioView(MESSAGE_HEADER_SIZE).set(bytes.subarray(0, MESSAGE_HEADER_SIZE));
  const p = w.ioPtr();
  return {
    version: w.headerVersion(p),
    action: w.headerAction(p),
    reserved: w.headerReserved(p),
    // WASM hands a u32 back as an i32: 0xf5000000 would read as -184549376.
    payloadLength: w.headerPayloadLength(p) >>> 0,
    status: w.checkHeader(p, maxPayload),
  };
}

/** The framing error for a header status, or null when the header is usable. */
export function headerError(h: MessageHeader, status: number, limit = 0xffffffff): IsochronError | null {
  switch (status) {
    case HeaderStatus.OK:
      return null;
    case HeaderStatus.BAD_VERSION:
      return MgmtBadVersion(h.version, h.payloadLength);
    case HeaderStatus.BAD_ACTION:
      return MgmtBadAction(h.action, h.payloadLength);
    case HeaderStatus.EMPTY:
      return MgmtEmptyMessage();
    case HeaderStatus.NO_TLV:
      return MgmtTlvTruncated(`payload_length ${h.payloadLength} is shorter than one ${TLV_HEADER_SIZE}-byte TLV header`);
    default:
      return MgmtTooLarge(h.payloadLength, limit);
  }
}

/**
 * Splits a complete payload into TLVs. Returns an error value (never
 * throws) because stream readers treat these as recoverable: the payload
 * length was honoured, so the next message starts in the right place.
 */
export function parseTlvs(payload: Buffer, maxTlvs = DEFAULT_MAX_TLVS): Tlv[] | IsochronError {
  const w = mgmtWasm();
  const p = w.ioPtr();
  const tlvs: Tlv[] = [];
  let off = 0;
  while (off < payload.length) {
    if (tlvs.length === maxTlvs) return MgmtTooManyTlvs(maxTlvs);
    const remaining = payload.length - off;
    const head = payload.subarray(off, off + Math.min(remaining, TLV_HEADER_SIZE));
    ioView(head.length).set(head);
    const status = w.checkTlvHeader(p, remaining);
    if (status === TlvHeaderStatus.HEADER_TRUNCATED) {
      return MgmtTlvTruncated(`${remaining} byte(s) left at offset ${off}, too few for a TLV header`);
    }
    const length = w.tlvLength(p);
    if (status === TlvHeaderStatus.LENGTH_OVERRUN) {
      return MgmtTlvTruncated(`TLV at offset ${off} claims ${length} byte(s) but only ${remaining - TLV_HEADER_SIZE} remain`);
    }
    const start = off + TLV_HEADER_SIZE;
    tlvs.push({ tlvType: w.tlvType(p), mid: w.tlvMid(p), payload: payload.subarray(start, start + length) });
    off = start + length;
  }
  return tlvs;
}

export interface DecodeOptions {
  maxTlvs?: number;
}

/** Decodes exactly one message from bytes; throws a typed IsochronError. */
export function decodeMessage(bytes: Uint8Array, opts: DecodeOptions = {}): ManagementMessage {
  if (bytes.length < MESSAGE_HEADER_SIZE) throw MgmtTruncated(bytes.length, MESSAGE_HEADER_SIZE);
  const h = parseHeader(bytes);
  const total = MESSAGE_HEADER_SIZE + h.payloadLength;
  if (bytes.length < total) throw MgmtTruncated(bytes.length, total);
  if (bytes.length > total) throw MgmtTrailingBytes(bytes.length - total);
  const err = headerError(h, h.status);
  if (err) throw err;
  const payload = Buffer.from(bytes.subarray(MESSAGE_HEADER_SIZE, total));
  const tlvs = parseTlvs(payload, opts.maxTlvs ?? DEFAULT_MAX_TLVS);
  if (!Array.isArray(tlvs)) throw tlvs;
  return { version: h.version, action: h.action as Action, reserved: h.reserved, tlvs };
}

// ---- building the usual messages -------------------------------------------

/** GET (or GET_ERROR) request: one TLV with no payload. */
export function encodeGet(mid: number, action: typeof Action.GET | typeof Action.GET_ERROR = Action.GET): Buffer {
  return encodeMessage({ action, tlvs: [{ mid }] });
}

export function encodeSet<M extends Mid>(mid: M, value: MidValue<M>): Buffer {
  return encodeMessage({ action: Action.SET, tlvs: [{ mid, payload: encodeValue(mid, value) }] });
}

export function encodeResponse(mid: number, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  return encodeMessage({ action: Action.RESPONSE, tlvs: [{ mid, payload }] });
}

export function encodeErrorResponse(mid: number, rc: number, extack: string): Buffer {
  return encodeResponse(mid, encodeErrorPayload(rc, extack));
}

/** Verdict of checkTlv: `empty` marks the RESPONSE the peer sends on failure. */
export type TlvVerdict = { ok: true; empty: boolean } | { ok: false; error: IsochronError };

/** What a length error is about: a SET says "SET of MID X" as the C daemon does. */
export function lengthSubject(action: number, mid: number): string {
  return action === Action.SET ? `SET of MID ${midName(mid)}` : `MID ${midName(mid)}`;
}

/**
 * Checks one TLV of a request or response against the MID table: unknown
 * MID, SET/RESPONSE payload of the wrong size, payload on GET/GET_ERROR.
 */
export function checkTlv(action: number, tlv: Tlv): TlvVerdict {
  const status = mgmtWasm().checkTlv(action, tlv.mid, tlv.payload.length);
  switch (status) {
    case TlvStatus.OK:
      return { ok: true, empty: false };
    case TlvStatus.EMPTY:
      return { ok: true, empty: true };
    case TlvStatus.UNKNOWN_MID:
      return { ok: false, error: MgmtUnknownMid(tlv.mid) };
    case TlvStatus.UNEXPECTED_PAYLOAD:
      return { ok: false, error: MgmtBadPayloadLength('0', lengthSubject(action, tlv.mid), tlv.payload.length) };
    case TlvStatus.BAD_ACTION:
      return { ok: false, error: MgmtBadAction(action, tlv.payload.length) };
    default: {
      const size = mgmtWasm().midSize(tlv.mid);
      const expected = size === -1 ? 'at least 8' : String(size);
      return { ok: false, error: MgmtBadPayloadLength(expected, lengthSubject(action, tlv.mid), tlv.payload.length) };
    }
  }
}

/** Typed value of a value-carrying TLV (SET request, GET reply, SET echo). */
export function tlvValue(tlv: Tlv): MidValue<Mid> {
  if (!isKnownMid(tlv.mid)) throw MgmtUnknownMid(tlv.mid);
  return decodeValue(tlv.mid, tlv.payload);
}

/** rc + extack of a TLV that answers GET_ERROR. */
export function tlvError(tlv: Tlv): MgmtErrorPayload {
  return decodeErrorPayload(tlv.payload);
}
