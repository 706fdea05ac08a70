// Control messages (ancillary data) of recvmsg/sendmsg.
//
// The parser walks the control buffer as the kernel laid it out: a sequence
// of { u64 cmsg_len; i32 level; i32 type; data } records, each starting at
// an 8-byte boundary. cmsg_len is a claim checked against the bytes really
// received before any field is read; a truncated record (the kernel sets
// MSG_CTRUNC when our buffer was too small) ends the walk instead of being
// read past.
import {
  IPV6_RECVERR,
  IP_RECVERR,
  PACKET_TX_TIMESTAMP,
  SCM_TIMESTAMPING,
  SCM_TXTIME,
  SOL_IP,
  SOL_IPV6,
  SOL_PACKET,
  SOL_SOCKET,
  SO_EE_ORIGIN_TIMESTAMPING,
  SO_EE_ORIGIN_TXTIME,
} from './constants.js';
import { BadControlMessage } from './errors.js';
import { SIZEOF, decodeSockExtendedErr, readTimespec, writeTimespec, type SockExtendedErr } from './structs.js';

export const CMSG_HDR = SIZEOF.cmsghdr;
export const cmsgAlign = (n: number): number => (n + 7) & ~7;
export const cmsgSpace = (dataLen: number): number => CMSG_HDR + cmsgAlign(dataLen);
export const cmsgLen = (dataLen: number): number => CMSG_HDR + dataLen;

/** What the kernel told us about one packet through its control messages. */
export interface ControlInfo {
  /** SCM_TIMESTAMPING ts[0] (software), ns; 0n when absent. */
  swTs: bigint;
  /** SCM_TIMESTAMPING ts[2] (raw hardware), ns; 0n when absent. */
  hwTs: bigint;
  /** SOF_TIMESTAMPING_OPT_ID key of a TX timestamp (ee_data); -1 when absent. */
  tsKey: number;
  /** SCM_TSTAMP_SND / SCM_TSTAMP_SCHED / ... (ee_info); -1 when absent. */
  tsType: number;
  /** Launch time of a packet the qdisc dropped (SO_EE_ORIGIN_TXTIME), ns; 0n when absent. */
  txtimeDropped: bigint;
  /** SO_EE_CODE_TXTIME_INVALID_PARAM / _MISSED for txtimeDropped; 0 when absent. */
  txtimeCode: number;
  /** u64 of an SCM_TXTIME record; 0n when absent. */
  txtime: bigint;
  /** Any other sock_extended_err (ICMP errors, unknown origins). */
  otherError: SockExtendedErr | null;
  /** level/type pairs this parser does not know, for diagnostics. */
  unknown: Array<{ level: number; type: number }>;
}

export function emptyControlInfo(): ControlInfo {
  return {
    swTs: 0n,
    hwTs: 0n,
    tsKey: -1,
    tsType: -1,
    txtimeDropped: 0n,
    txtimeCode: 0,
    txtime: 0n,
    otherError: null,
    unknown: [],
  };
}

function isErrQueueRecord(level: number, type: number): boolean {
  return (
    (level === SOL_PACKET && type === PACKET_TX_TIMESTAMP) ||
    (level === SOL_IP && type === IP_RECVERR) ||
    (level === SOL_IPV6 && type === IPV6_RECVERR)
  );
}

type RecordVisitor<T> = (buf: Buffer, level: number, type: number, data: number, dataLen: number, out: T) => void;

/**
 * The one walk over a control buffer, shared by both parsers. `visit` is a
 * module-level function and `out` its state, so the walk itself allocates
 * nothing (the TX timestamp loop parses once per packet).
 */
function walkControl<T>(buf: Buffer, offset: number, length: number, visit: RecordVisitor<T>, out: T): T {
  const end = offset + Math.min(length, buf.length - offset);
  let at = offset;
  while (at + CMSG_HDR <= end) {
    // cmsg_len is a u64: a non-zero high half is a claim past any buffer (truncated).
    const lenLo = buf.readUInt32LE(at);
    const lenHi = buf.readUInt32LE(at + 4);
    if (lenHi === 0 && lenLo < CMSG_HDR) throw BadControlMessage(`cmsg_len ${lenLo} is below the header size ${CMSG_HDR}`);
    if (lenHi !== 0 || lenLo > end - at) break; // truncated by the kernel (MSG_CTRUNC): nothing more to read
    visit(buf, buf.readInt32LE(at + 8), buf.readInt32LE(at + 12), at + CMSG_HDR, lenLo - CMSG_HDR, out);
    at += cmsgAlign(lenLo);
  }
  return out;
}

/** Length checks common to both parsers: a record too short for its type is refused. */
function checkRecordLength(level: number, type: number, dataLen: number): void {
  if (level === SOL_SOCKET && type === SCM_TIMESTAMPING) {
    if (dataLen < 3 * SIZEOF.timespec) throw BadControlMessage(`short SCM_TIMESTAMPING (${dataLen} of 48 bytes)`);
  } else if (level === SOL_SOCKET && type === SCM_TXTIME) {
    if (dataLen < 8) throw BadControlMessage(`short SCM_TXTIME (${dataLen} of 8 bytes)`);
  } else if (isErrQueueRecord(level, type) && dataLen < SIZEOF.sock_extended_err) {
    throw BadControlMessage(`short sock_extended_err (${dataLen} of ${SIZEOF.sock_extended_err} bytes)`);
  }
}

function visitInfo(buf: Buffer, level: number, type: number, data: number, dataLen: number, out: ControlInfo): void {
  checkRecordLength(level, type, dataLen);
  if (level === SOL_SOCKET && type === SCM_TIMESTAMPING) {
    out.swTs = readTimespec(buf, data);
    out.hwTs = readTimespec(buf, data + 2 * SIZEOF.timespec);
  } else if (level === SOL_SOCKET && type === SCM_TXTIME) {
    out.txtime = buf.readBigUInt64LE(data);
  } else if (isErrQueueRecord(level, type)) {
    const ee = decodeSockExtendedErr(buf, data);
    if (ee.origin === SO_EE_ORIGIN_TIMESTAMPING) {
      out.tsKey = ee.data;
      out.tsType = ee.info;
    } else if (ee.origin === SO_EE_ORIGIN_TXTIME) {
      out.txtimeDropped = (BigInt(ee.data) << 32n) + BigInt(ee.info);
      out.txtimeCode = ee.code;
    } else {
      out.otherError = ee;
    }
  } else {
    out.unknown.push({ level, type });
  }
}

/**
 * Parses `length` bytes of control data starting at `offset` of `buf`.
 * Throws BadControlMessage for a record whose declared length is below the
 * header size or whose payload is too short for its type.
 */
export function parseControl(buf: Buffer, offset: number, length: number, out = emptyControlInfo()): ControlInfo {
  return walkControl(buf, offset, length, visitInfo, out);
}

/** A timespec as two numbers, nsec in [0, 1e9). */
export interface TsNumbers {
  sec: number;
  nsec: number;
}

/**
 * What a TX timestamp loop needs from one error-queue entry, as numbers:
 * parseControlStamps refills one of these per entry and creates nothing.
 * The same facts as ControlInfo's, where the bigints become (sec, nsec)
 * pairs and u32 halves.
 */
export interface ControlStamps {
  /** SCM_TIMESTAMPING ts[0] (software); 0/0 when absent. */
  readonly sw: TsNumbers;
  /** SCM_TIMESTAMPING ts[2] (raw hardware); 0/0 when absent. */
  readonly hw: TsNumbers;
  /** SOF_TIMESTAMPING_OPT_ID key (u32 ee_data); -1 when absent. */
  tsKey: number;
  /** SCM_TSTAMP_* (ee_info); -1 when absent. */
  tsType: number;
  /** Launch time of a dropped packet (SO_EE_ORIGIN_TXTIME) as u32 halves: ns = hi * 2^32 + lo; both 0 when absent. */
  txtimeDroppedHi: number;
  txtimeDroppedLo: number;
  /** SO_EE_CODE_TXTIME_* of the drop; 0 when absent. */
  txtimeCode: number;
  /** An error-queue record of another origin (ICMP...) was present. */
  otherError: boolean;
  /** Records of a level/type this parser does not know. */
  unknown: number;
}

export function emptyControlStamps(): ControlStamps {
  return {
    sw: { sec: 0, nsec: 0 },
    hw: { sec: 0, nsec: 0 },
    tsKey: -1,
    tsType: -1,
    txtimeDroppedHi: 0,
    txtimeDroppedLo: 0,
    txtimeCode: 0,
    otherError: false,
    unknown: 0,
  };
}

const TWO_POW_32 = 0x1_0000_0000;
const NSEC = 1_000_000_000;

/** struct timespec (two s64) into `out`, normalised so nsec is in [0, 1e9); exact below 2^53 ns-seconds. */
function readTimespecInto(buf: Buffer, at: number, out: TsNumbers): void {
  const sec = buf.readUInt32LE(at) + buf.readInt32LE(at + 4) * TWO_POW_32;
  const nsec = buf.readUInt32LE(at + 8) + buf.readInt32LE(at + 12) * TWO_POW_32;
  // The kernel always gives nsec in range; the carry is arithmetic so odd input stays exact too.
  const carry = Math.floor(nsec / NSEC);
  out.sec = sec + carry;
  out.nsec = nsec - carry * NSEC;
}

/**
 * parseControl for the TX timestamp loop: the same walk and the same
 * length checks (BadControlMessage for impossible records, truncated ones
 * end the walk), but every field of `out` is reset and refilled with
 * numbers, so a parse allocates nothing. SCM_TXTIME records are skipped
 * (they never come from the error queue).
 */
export function parseControlStamps(buf: Buffer, offset: number, length: number, out: ControlStamps): ControlStamps {
  out.sw.sec = 0;
  out.sw.nsec = 0;
  out.hw.sec = 0;
  out.hw.nsec = 0;
  out.tsKey = -1;
  out.tsType = -1;
  out.txtimeDroppedHi = 0;
  out.txtimeDroppedLo = 0;
  out.txtimeCode = 0;
  out.otherError = false;
  out.unknown = 0;
  return walkControl(buf, offset, length, visitStamps, out);
}

function visitStamps(buf: Buffer, level: number, type: number, data: number, dataLen: number, out: ControlStamps): void {
  checkRecordLength(level, type, dataLen);
  if (level === SOL_SOCKET && type === SCM_TIMESTAMPING) {
    readTimespecInto(buf, data, out.sw);
    readTimespecInto(buf, data + 2 * SIZEOF.timespec, out.hw);
  } else if (level === SOL_SOCKET && type === SCM_TXTIME) {
    // Never on the error queue: length-checked like parseControl, then skipped.
  } else if (isErrQueueRecord(level, type)) {
    // struct sock_extended_err: u32 errno; u8 origin, type, code, pad; u32 info; u32 data.
    const origin = buf.readUInt8(data + 4);
    if (origin === SO_EE_ORIGIN_TIMESTAMPING) {
      out.tsKey = buf.readUInt32LE(data + 12);
      out.tsType = buf.readUInt32LE(data + 8);
    } else if (origin === SO_EE_ORIGIN_TXTIME) {
      out.txtimeDroppedHi = buf.readUInt32LE(data + 12);
      out.txtimeDroppedLo = buf.readUInt32LE(data + 8);
      out.txtimeCode = buf.readUInt8(data + 6);
    } else {
      out.otherError = true;
    }
  } else {
    out.unknown++;
  }
}

/** Writes one cmsg header at `at`; returns the offset of its data. */
export function writeCmsgHeader(buf: Buffer, at: number, level: number, type: number, dataLen: number): number {
  buf.writeBigUInt64LE(BigInt(cmsgLen(dataLen)), at);
  buf.writeInt32LE(level, at + 8);
  buf.writeInt32LE(type, at + 12);
  return at + CMSG_HDR;
}

/** SCM_TXTIME with the u64 launch time; returns the bytes used (CMSG_SPACE(8)). */
export function writeTxtimeCmsg(buf: Buffer, at: number, txtime: bigint): number {
  const data = writeCmsgHeader(buf, at, SOL_SOCKET, SCM_TXTIME, 8);
  buf.writeBigUInt64LE(BigInt.asUintN(64, txtime), data);
  return cmsgSpace(8);
}

/** SCM_TIMESTAMPING record (3 timespecs), as the kernel would deliver it; for tests and fakes. */
export function writeTimestampingCmsg(buf: Buffer, at: number, sw: bigint, hw: bigint): number {
  const data = writeCmsgHeader(buf, at, SOL_SOCKET, SCM_TIMESTAMPING, 3 * SIZEOF.timespec);
  writeTimespec(buf, data, sw);
  writeTimespec(buf, data + 16, 0n);
  writeTimespec(buf, data + 32, hw);
  return cmsgSpace(3 * SIZEOF.timespec);
}
