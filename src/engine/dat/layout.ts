// The .dat file layout, log version 4 (all fields big-endian). The WASM
// report engine reads records with the same offsets, written in
// assembly/lib/layout.ts; test/engine/dat/layout-drift.test.ts fails if the
// two ever differ.

export const DAT_MAGIC = 'ISOCHRON';
export const DAT_LOG_VERSION = 4;
export const HEADER_SIZE = 96;
export const SEND_RECORD_SIZE = 48;
export const RCV_RECORD_SIZE = 32;

// Sender record: seqid u32, reserved u32, then five s64 timestamps.
export const SEND_SEQID = 0;
export const SEND_SCHEDULED = 8;
export const SEND_WAKEUP = 16;
export const SEND_HWTS = 24;
export const SEND_SWTS = 32;
export const SEND_SCHED_TS = 40;

// Receiver record: seqid u32, reserved u32, arrival, hwts, swts.
export const RCV_SEQID = 0;
export const RCV_ARRIVAL = 8;
export const RCV_HWTS = 16;
export const RCV_SWTS = 24;

/** Header flag bits. OMIT_HWTS exists only in the C omit-hwts branch. */
export const DatFlags = {
  OMIT_SYNC: 1,
  DO_TS: 2,
  TAPRIO: 4,
  TXTIME: 8,
  DEADLINE: 16,
  OMIT_HWTS: 32,
} as const;

/**
 * The decoded header. 64-bit times are bigint (s64 ns) because real base
 * times exceed 2^53; counts and sizes that fit 32 bits are numbers.
 * send/rcvLogStart are u64 offsets as stored: claims, checked by the reader.
 */
export interface DatHeader {
  version: number;
  packetCount: number;
  frameSize: number;
  flags: number;
  baseTime: bigint;
  advanceTime: bigint;
  shiftTime: bigint;
  cycleTime: bigint;
  windowSize: bigint;
  sendLogStart: bigint;
  rcvLogStart: bigint;
  sendLogSize: number;
  rcvLogSize: number;
}

/** One sender record (seqid and five s64 ns timestamps; 0 = missing). */
export interface SendRecord {
  seqid: number;
  scheduled: bigint;
  wakeup: bigint;
  hwts: bigint;
  swts: bigint;
  schedTs: bigint;
}

/** One receiver record (seqid and three s64 ns timestamps). */
export interface RcvRecord {
  seqid: number;
  arrival: bigint;
  hwts: bigint;
  swts: bigint;
}

export function hasMagic(buf: Uint8Array): boolean {
  if (buf.length < 8) return false;
  for (let i = 0; i < 8; i++) if (buf[i] !== DAT_MAGIC.charCodeAt(i)) return false;
  return true;
}

export function decodeHeader(buf: Uint8Array): DatHeader {
  const dv = new DataView(buf.buffer, buf.byteOffset, HEADER_SIZE);
  return {
    version: dv.getUint32(8),
    packetCount: dv.getUint32(12),
    frameSize: dv.getUint16(16),
    flags: dv.getUint16(18),
    baseTime: dv.getBigInt64(24),
    advanceTime: dv.getBigInt64(32),
    shiftTime: dv.getBigInt64(40),
    cycleTime: dv.getBigInt64(48),
    windowSize: dv.getBigInt64(56),
    sendLogStart: dv.getBigUint64(64),
    rcvLogStart: dv.getBigUint64(72),
    sendLogSize: dv.getUint32(80),
    rcvLogSize: dv.getUint32(84),
  };
}

/** Encodes a header exactly as the C writer lays it out (reserved fields 0). */
export function encodeHeader(h: DatHeader, out: Uint8Array = new Uint8Array(HEADER_SIZE)): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset, HEADER_SIZE);
  for (let i = 0; i < 8; i++) out[i] = DAT_MAGIC.charCodeAt(i);
  dv.setUint32(8, h.version);
  dv.setUint32(12, h.packetCount);
  dv.setUint16(16, h.frameSize);
  dv.setUint16(18, h.flags);
  dv.setUint32(20, 0);
  dv.setBigInt64(24, h.baseTime);
  dv.setBigInt64(32, h.advanceTime);
  dv.setBigInt64(40, h.shiftTime);
  dv.setBigInt64(48, h.cycleTime);
  dv.setBigInt64(56, h.windowSize);
  dv.setBigUint64(64, h.sendLogStart);
  dv.setBigUint64(72, h.rcvLogStart);
  dv.setUint32(80, h.sendLogSize);
  dv.setUint32(84, h.rcvLogSize);
  dv.setBigUint64(88, 0n);
  return out;
}

export function encodeSendRecord(r: SendRecord, out: Uint8Array, offset = 0): void {
  const dv = new DataView(out.buffer, out.byteOffset + offset, SEND_RECORD_SIZE);
  dv.setUint32(SEND_SEQID, r.seqid);
  dv.setUint32(SEND_SEQID + 4, 0);
  dv.setBigInt64(SEND_SCHEDULED, r.scheduled);
  dv.setBigInt64(SEND_WAKEUP, r.wakeup);
  dv.setBigInt64(SEND_HWTS, r.hwts);
  dv.setBigInt64(SEND_SWTS, r.swts);
  dv.setBigInt64(SEND_SCHED_TS, r.schedTs);
}

export function encodeRcvRecord(r: RcvRecord, out: Uint8Array, offset = 0): void {
  const dv = new DataView(out.buffer, out.byteOffset + offset, RCV_RECORD_SIZE);
  dv.setUint32(RCV_SEQID, r.seqid);
  dv.setUint32(RCV_SEQID + 4, 0);
  dv.setBigInt64(RCV_ARRIVAL, r.arrival);
  dv.setBigInt64(RCV_HWTS, r.hwts);
  dv.setBigInt64(RCV_SWTS, r.swts);
}

export function decodeSendRecord(buf: Uint8Array, offset = 0): SendRecord {
  const dv = new DataView(buf.buffer, buf.byteOffset + offset, SEND_RECORD_SIZE);
  return {
    seqid: dv.getUint32(SEND_SEQID),
    scheduled: dv.getBigInt64(SEND_SCHEDULED),
    wakeup: dv.getBigInt64(SEND_WAKEUP),
    hwts: dv.getBigInt64(SEND_HWTS),
    swts: dv.getBigInt64(SEND_SWTS),
    schedTs: dv.getBigInt64(SEND_SCHED_TS),
  };
}

export function decodeRcvRecord(buf: Uint8Array, offset = 0): RcvRecord {
  const dv = new DataView(buf.buffer, buf.byteOffset + offset, RCV_RECORD_SIZE);
  return {
    seqid: dv.getUint32(RCV_SEQID),
    arrival: dv.getBigInt64(RCV_ARRIVAL),
    hwts: dv.getBigInt64(RCV_HWTS),
    swts: dv.getBigInt64(RCV_SWTS),
  };
}
