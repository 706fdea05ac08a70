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

/**
 * Parses `length` bytes of control data starting at `offset` of `buf`.
 * Throws BadControlMessage for a record whose declared length is below the
 * header size or whose payload is too short for its type.
 */
export function parseControl(buf: Buffer, offset: number, length: number, out = emptyControlInfo()): ControlInfo {
  const end = offset + Math.min(length, buf.length - offset);
  let at = offset;
  while (at + CMSG_HDR <= end) {
    const declared = buf.readBigUInt64LE(at);
    if (declared < BigInt(CMSG_HDR)) throw BadControlMessage(`cmsg_len ${declared} is below the header size ${CMSG_HDR}`);
    if (declared > BigInt(end - at)) break; // truncated by the kernel (MSG_CTRUNC): nothing more to read
    const len = Number(declared);
    const level = buf.readInt32LE(at + 8);
    const type = buf.readInt32LE(at + 12);
    const data = at + CMSG_HDR;
    const dataLen = len - CMSG_HDR;
    if (level === SOL_SOCKET && type === SCM_TIMESTAMPING) {
      if (dataLen < 3 * SIZEOF.timespec) throw BadControlMessage(`short SCM_TIMESTAMPING (${dataLen} of 48 bytes)`);
      out.swTs = readTimespec(buf, data);
      out.hwTs = readTimespec(buf, data + 2 * SIZEOF.timespec);
    } else if (level === SOL_SOCKET && type === SCM_TXTIME) {
      if (dataLen < 8) throw BadControlMessage(`short SCM_TXTIME (${dataLen} of 8 bytes)`);
      out.txtime = buf.readBigUInt64LE(data);
    } else if (isErrQueueRecord(level, type)) {
      if (dataLen < SIZEOF.sock_extended_err) {
        throw BadControlMessage(`short sock_extended_err (${dataLen} of ${SIZEOF.sock_extended_err} bytes)`);
      }
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
    at += cmsgAlign(len);
  }
  return out;
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
