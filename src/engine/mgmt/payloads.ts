// Typed payload values per management id, encoded and decoded through the
// WASM codec (assembly/mgmt.ts owns the byte layouts: offsets, byte order,
// reserved bytes). This module owns the meaning: signedness, enums, text,
// as the id's row in ids.ts (MID_TABLE) names it.
//
// Layouts were taken from the C structs in management.h; sizes on the wire
// are confirmed by the recorded captures (see test/engine/mgmt/mgmt-codec.test.ts).
import { IsochronError } from '../../core/errors.js';
import { MgmtBadLog, MgmtBadPayloadLength, MgmtBadValue, MgmtUnknownMid } from './errors.js';
import { isKnownMid, Mid, MID_TABLE, midName, NodeRoleWire } from './ids.js';
import type { IpDestination, LogPayload, MidValue, SysmonOffset } from './values.js';
import { bytesToIp, ipToBytes } from './ip.js';
import { formatMac, parseMac } from '../../core/mac.js';
import { fromIo, ioView, Kind, mgmtWasm } from './wasm.js';

const IFNAMSIZ = 16;
const UNIX_PATH_MAX = 108;
const IP_ADDR_OFFSET = 4;
const IP_IFNAME_OFFSET = 20;

function specOf(mid: number): (typeof MID_TABLE)[Mid] {
  if (!isKnownMid(mid)) throw MgmtUnknownMid(mid);
  return MID_TABLE[mid];
}

/**
 * The LOG payload as parts: the 8-byte version + buf_len head, then the
 * records buffer itself (not copied), for encodeResponseParts.
 */
export function logPayloadParts(log: LogPayload): Uint8Array[] {
  return [logHead(log), log.records];
}

/** Fixed payload size of a MID, or null for the variable-sized LOG. */
export function payloadSize(mid: Mid): number | null {
  const size = mgmtWasm().midSize(mid);
  if (size === -2) throw MgmtUnknownMid(mid);
  return size < 0 ? null : size;
}

// ---- encode ----------------------------------------------------------------

function bad(mid: number, detail: string): IsochronError {
  return MgmtBadValue(midName(mid), detail);
}

function checkInt(mid: number, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(mid, `expected an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

function checkBigint(mid: number, v: unknown, signed: boolean): bigint {
  if (typeof v !== 'bigint') throw bad(mid, `expected a bigint, got ${typeof v}`);
  const fits = signed ? BigInt.asIntN(64, v) === v : BigInt.asUintN(64, v) === v;
  if (!fits) throw bad(mid, `${v} does not fit in ${signed ? 'a signed' : 'an unsigned'} 64-bit field`);
  return BigInt.asIntN(64, v);
}

/** Writes NUL-padded text at p; the C side needs room for the NUL. */
function writeText(mid: number, view: Uint8Array, at: number, v: unknown, field: number): void {
  if (typeof v !== 'string') throw bad(mid, `expected a string, got ${typeof v}`);
  const bytes = Buffer.from(v, 'utf8');
  if (bytes.includes(0)) throw bad(mid, 'text contains a NUL byte');
  if (bytes.length > field - 1) throw bad(mid, `"${v}" is longer than ${field - 1} bytes`);
  view.set(bytes, at);
}

function macOf(mid: number, v: unknown): Buffer {
  const mac = typeof v === 'string' ? parseMac(v) : null;
  if (!mac) throw bad(mid, `expected a MAC address like 02:00:00:00:0b:02, got ${String(v)}`);
  return mac;
}

/** Encodes the value of a fixed-size MID (and LOG) to its payload bytes. */
export function encodeValue<M extends Mid>(mid: M, value: MidValue<M>): Buffer {
  const spec = specOf(mid);
  if (spec.sem === 'log') return encodeLog(value as LogPayload);
  const w = mgmtWasm();
  const size = w.kindSize(spec.kind);
  const p = w.ioPtr();
  w.clear(p, size);
  const view = ioView(size);
  const v: unknown = value;
  switch (spec.sem) {
    case 's64':
    case 'u64':
      w.writeField(p, spec.kind, 0, checkBigint(mid, v, spec.sem === 's64'));
      break;
    case 'sysmon': {
      const s = v as SysmonOffset;
      if (typeof s !== 'object' || s === null) throw bad(mid, 'expected {offset, time, delay}');
      w.writeField(p, spec.kind, 0, checkBigint(mid, s.offset, true));
      w.writeField(p, spec.kind, 1, checkBigint(mid, s.time, false));
      w.writeField(p, spec.kind, 2, checkBigint(mid, s.delay, true));
      break;
    }
    case 'u16':
      w.writeField(p, spec.kind, 0, BigInt(checkInt(mid, v, 0, 0xffff)));
      break;
    case 'u8':
      w.writeField(p, spec.kind, 0, BigInt(checkInt(mid, v, 0, 0xff)));
      break;
    case 's32':
      w.writeField(p, spec.kind, 0, BigInt(checkInt(mid, v, -0x80000000, 0x7fffffff)));
      break;
    case 'bool':
      if (typeof v !== 'boolean') throw bad(mid, `expected a boolean, got ${typeof v}`);
      w.writeField(p, spec.kind, 0, v ? 1n : 0n);
      break;
    case 'testState':
    case 'linkState':
      w.writeField(p, spec.kind, 0, BigInt(checkInt(mid, v, 0, 2)));
      break;
    case 'role': {
      if (v !== 'sender' && v !== 'receiver' && v !== 'reclaim-sender') {
        throw bad(mid, `expected 'sender', 'receiver' or 'reclaim-sender', got ${String(v)}`);
      }
      w.writeField(p, spec.kind, 0, BigInt(NodeRoleWire[v]));
      break;
    }
    case 'clockId':
      if (!(v instanceof Uint8Array) || v.length !== 8) throw bad(mid, 'expected 8 bytes');
      view.set(v);
      break;
    case 'mac':
      view.set(macOf(mid, v));
      break;
    case 'ifname':
      writeText(mid, view, 0, v, IFNAMSIZ);
      break;
    case 'uds':
      writeText(mid, view, 0, v, UNIX_PATH_MAX);
      break;
    case 'ip': {
      const ip = v as IpDestination;
      if (typeof ip !== 'object' || ip === null) throw bad(mid, 'expected {family, address, ifname}');
      const family = checkInt(mid, ip.family, 0, 0x7fffffff);
      const addr = ip.address === '' ? Buffer.alloc(16) : ipToBytes(family, ip.address);
      if (!addr) throw bad(mid, `"${ip.address}" is not an address of family ${family}`);
      // writeField last: ioView would be stale only if memory grew, which
      // this module never does, but keep WASM writes after JS view writes.
      view.set(addr, IP_ADDR_OFFSET);
      writeText(mid, view, IP_IFNAME_OFFSET, ip.ifname, IFNAMSIZ);
      w.writeField(p, spec.kind, 0, BigInt(family));
      break;
    }
  }
  return fromIo(size);
}

function encodeLog(log: LogPayload): Buffer {
  return Buffer.concat([logHead(log), log.records]);
}

/** be32 log_version + be32 buf_len. The records themselves never enter WASM: they can be megabytes. */
function logHead(log: LogPayload): Buffer {
  if (typeof log !== 'object' || log === null || !(log.records instanceof Uint8Array)) {
    throw bad(Mid.LOG, 'expected {logVersion, records}');
  }
  const w = mgmtWasm();
  const p = w.ioPtr();
  w.writeField(p, Kind.LOG, 0, BigInt(checkInt(Mid.LOG, log.logVersion, 0, 0xffffffff)));
  w.writeField(p, Kind.LOG, 1, BigInt(log.records.length));
  return fromIo(8);
}

// ---- decode ----------------------------------------------------------------

function readText(view: Uint8Array, at: number, field: number): string {
  const w = mgmtWasm();
  const n = w.cstrLen(w.ioPtr() + at, field);
  return Buffer.from(view.subarray(at, at + n)).toString('utf8');
}

/**
 * Decodes the payload of a MID's value (a GET reply, a SET request or its
 * echo). Bytes after a string's NUL and reserved bytes are ignored, as the C
 * tool ignores them; keep the raw payload if byte-exactness matters.
 */
export function decodeValue<M extends Mid>(mid: M, payload: Uint8Array): MidValue<M> {
  const spec = specOf(mid);
  if (spec.sem === 'log') return decodeLog(payload) as MidValue<M>;
  const w = mgmtWasm();
  const size = w.kindSize(spec.kind);
  if (payload.length !== size) throw MgmtBadPayloadLength(String(size), `MID ${midName(mid)}`, payload.length);
  w.clear(w.ioPtr(), size);
  const view = ioView(size);
  view.set(payload);
  const p = w.ioPtr();
  const field = (i: number): bigint => w.readField(p, spec.kind, i);
  let out: unknown;
  switch (spec.sem) {
    case 's64':
      out = BigInt.asIntN(64, field(0));
      break;
    case 'u64':
      out = BigInt.asUintN(64, field(0));
      break;
    case 'sysmon':
      out = { offset: BigInt.asIntN(64, field(0)), time: BigInt.asUintN(64, field(1)), delay: BigInt.asIntN(64, field(2)) };
      break;
    case 'u16':
    case 'u8':
      out = Number(field(0));
      break;
    case 's32':
      out = Number(BigInt.asIntN(32, field(0)));
      break;
    case 'bool':
      out = field(0) !== 0n; // C reads the u8 as a bool: any nonzero is true
      break;
    case 'testState':
    case 'linkState': {
      const state = Number(field(0));
      if (state > 2) throw bad(mid, `state ${state} is not one of 0, 1, 2`);
      out = state;
      break;
    }
    case 'role': {
      const role = Number(field(0));
      if (role === NodeRoleWire.sender) out = 'sender';
      else if (role === NodeRoleWire.receiver) out = 'receiver';
      else if (role === NodeRoleWire['reclaim-sender']) out = 'reclaim-sender';
      else throw bad(mid, `role ${role} is neither 0 (sender) nor 1 (receiver)`);
      break;
    }
    case 'clockId':
      out = Buffer.from(view);
      break;
    case 'mac':
      out = formatMac(view);
      break;
    case 'ifname':
      out = readText(view, 0, IFNAMSIZ);
      break;
    case 'uds':
      out = readText(view, 0, UNIX_PATH_MAX);
      break;
    case 'ip': {
      const family = Number(field(0));
      out = {
        family,
        address: bytesToIp(family, view.subarray(IP_ADDR_OFFSET, IP_ADDR_OFFSET + 16)),
        ifname: readText(view, IP_IFNAME_OFFSET, IFNAMSIZ),
      } satisfies IpDestination;
      break;
    }
  }
  return out as MidValue<M>;
}

function decodeLog(payload: Uint8Array): LogPayload {
  if (payload.length < 8) throw MgmtBadLog(`${payload.length} byte(s), need at least 8 for log_version and buf_len`);
  const w = mgmtWasm();
  ioView(8).set(payload.subarray(0, 8));
  const logVersion = Number(w.readField(w.ioPtr(), Kind.LOG, 0));
  const bufLen = Number(w.readField(w.ioPtr(), Kind.LOG, 1));
  // The C receiver trusts buf_len and reads that many bytes; we insist it
  // matches the TLV length, otherwise the records would be misframed.
  if (bufLen !== payload.length - 8) {
    throw MgmtBadLog(`buf_len ${bufLen} disagrees with the ${payload.length - 8} record byte(s) in the TLV`);
  }
  return { logVersion, records: Buffer.from(payload.subarray(8)) };
}
