// PTP management messages over ptp4l's UNIX datagram socket: the GET
// request we send and a strict reader for the reply. A datagram arrives
// whole (no partial reads as on TCP), so the reader is a single pass over
// one buffer; every length in it is a claim to check against what arrived.
//
//   header (34) | targetPortIdentity (10) hops (2) action (1) rsv (1) | TLV*
//   TLV: be16 type | be16 length | be16 managementId | data (length - 2)
import { ptpMidName } from './ids.js';

export const PTP_HEADER_SIZE = 34;
export const MGMT_HEADER_SIZE = 48;
const TLV_HEADER_SIZE = 4;
const MSGTYPE_MANAGEMENT = 0xd;
const PTP_VERSION = 0x12; // minor 1 (IEEE 1588-2019), major 2: what C and linuxptp send
const CTL_MANAGEMENT = 4;
export const ACTION_GET = 0;
export const ACTION_RESPONSE = 2;
export const TLV_MANAGEMENT = 0x0001;
export const TLV_MANAGEMENT_ERROR_STATUS = 0x0002;
/** Largest reply we accept: the PTP message size ptp4l and C both use. */
export const PTP_MSGSIZE = 1500;

/** clockIdentity (8 bytes) + portNumber. */
export interface PortIdentity {
  clockIdentity: Buffer;
  portNumber: number;
}

export const ALL_PORTS: PortIdentity = { clockIdentity: Buffer.alloc(8, 0xff), portNumber: 0xffff };

export interface GetRequest {
  sequenceId: number;
  domainNumber: number;
  transportSpecific: number;
  source: PortIdentity;
  target: PortIdentity;
  mid: number;
}

function writePortIdentity(b: Buffer, at: number, p: PortIdentity): void {
  p.clockIdentity.copy(b, at, 0, 8);
  b.writeUInt16BE(p.portNumber & 0xffff, at + 8);
}

/**
 * A GET with an empty data field (pmc -z style): ptp4l only parses a GET's
 * data when there is some, so no per-MID dummy payload can be wrong.
 */
export function encodeGet(r: GetRequest): Buffer {
  const b = Buffer.alloc(MGMT_HEADER_SIZE + TLV_HEADER_SIZE + 2);
  b[0] = ((r.transportSpecific & 0xf) << 4) | MSGTYPE_MANAGEMENT;
  b[1] = PTP_VERSION;
  b.writeUInt16BE(b.length, 2);
  b[4] = r.domainNumber & 0xff;
  writePortIdentity(b, 20, r.source);
  b.writeUInt16BE(r.sequenceId & 0xffff, 30);
  b[32] = CTL_MANAGEMENT;
  b[33] = 0x7f;
  writePortIdentity(b, 34, r.target);
  b[46] = ACTION_GET;
  b.writeUInt16BE(TLV_MANAGEMENT, 48);
  b.writeUInt16BE(2, 50);
  b.writeUInt16BE(r.mid, 52);
  return b;
}

/** What the data field of the expected TLV must look like. */
export type DataShape =
  | { kind: 'fixed'; size: number }
  /** A fixed part whose last byte counts the text that follows (PTPText), padded to an even length. */
  | { kind: 'text'; fixed: number }
  /** Several variable-length fields (CLOCK_DESCRIPTION): at least `min` bytes; its decoder checks each length. */
  | { kind: 'variable'; min: number };

export type ReplyVerdict =
  | { kind: 'data'; data: Buffer }
  | { kind: 'error-status'; code: number; mid: number }
  /** A reply to an earlier request (it timed out): not ours, keep waiting. */
  | { kind: 'stale'; sequenceId: number }
  | { kind: 'bad'; detail: string };

function bad(detail: string): ReplyVerdict {
  return { kind: 'bad', detail };
}

function checkData(mid: number, data: Buffer, shape: DataShape): string | null {
  if (shape.kind === 'fixed') {
    return data.length === shape.size ? null : `TLV length ${data.length + 2} for ${ptpMidName(mid)}, expected ${shape.size + 2}`;
  }
  if (shape.kind === 'variable') {
    return data.length >= shape.min ? null : `TLV length ${data.length + 2} for ${ptpMidName(mid)}, expected at least ${shape.min + 2}`;
  }
  if (data.length < shape.fixed) return `TLV length ${data.length + 2} for ${ptpMidName(mid)}, expected at least ${shape.fixed + 2}`;
  const textLen = data[shape.fixed - 1];
  let expected = shape.fixed + textLen;
  if ((expected + 2) & 1) expected++;
  return data.length === expected ? null : `TLV length ${data.length + 2} for ${ptpMidName(mid)}, expected ${expected + 2} (text of ${textLen} bytes)`;
}

/**
 * Reads one datagram as the reply to GET `mid` with `sequenceId`. Never
 * throws: the caller decides what a bad or stale reply means.
 */
export function parseReply(msg: Buffer, sequenceId: number, mid: number, shape: DataShape): ReplyVerdict {
  if (msg.length < MGMT_HEADER_SIZE) return bad(`${msg.length} bytes, shorter than a management message (${MGMT_HEADER_SIZE})`);
  const type = msg[0] & 0x0f;
  if (type !== MSGTYPE_MANAGEMENT) return bad(`message type 0x${type.toString(16)}, expected MANAGEMENT (0xd)`);
  if ((msg[1] & 0x0f) !== 2) return bad(`PTP version ${msg[1] & 0x0f}, expected 2`);
  const claimed = msg.readUInt16BE(2);
  if (claimed < MGMT_HEADER_SIZE) return bad(`messageLength ${claimed} shorter than a management message`);
  if (claimed > msg.length) return bad(`messageLength ${claimed} but only ${msg.length} bytes arrived`);
  const seq = msg.readUInt16BE(30);
  if (seq !== (sequenceId & 0xffff)) return { kind: 'stale', sequenceId: seq };
  const action = msg[46] & 0x0f;
  if (action !== ACTION_RESPONSE) return bad(`action ${action}, expected RESPONSE (2)`);
  let at = MGMT_HEADER_SIZE;
  while (at < claimed) {
    if (claimed - at < TLV_HEADER_SIZE) return bad(`${claimed - at} stray byte(s) after the last TLV`);
    const tlvType = msg.readUInt16BE(at);
    const length = msg.readUInt16BE(at + 2);
    const end = at + TLV_HEADER_SIZE + length;
    if (end > claimed) return bad(`TLV at offset ${at} claims ${length} bytes, ${claimed - at - TLV_HEADER_SIZE} left`);
    if (tlvType === TLV_MANAGEMENT) {
      if (length < 2) return bad(`MANAGEMENT TLV of length ${length} has no managementId`);
      const got = msg.readUInt16BE(at + 4);
      if (got !== mid) return bad(`reply is for managementId ${ptpMidName(got)}, expected ${ptpMidName(mid)}`);
      const data = msg.subarray(at + 6, end);
      const problem = checkData(mid, data, shape);
      return problem ? bad(problem) : { kind: 'data', data: Buffer.from(data) };
    }
    if (tlvType === TLV_MANAGEMENT_ERROR_STATUS) {
      if (length < 8) return bad(`MANAGEMENT_ERROR_STATUS TLV of length ${length}, expected at least 8`);
      return { kind: 'error-status', code: msg.readUInt16BE(at + 4), mid: msg.readUInt16BE(at + 6) };
    }
    // Other TLV types may ride along (C prints and skips them): skip.
    at = end;
  }
  return bad('no MANAGEMENT TLV in the reply');
}
