// Byte layouts of the kernel structs this layer passes through the FFI
// (x86_64/aarch64 LP64, little-endian), with encoders and decoders over
// Buffers. Sizes and offsets were checked against the UAPI headers; they are
// also listed in docs/syscalls.md.
import { parseMac } from '../core/mac.js';
import { AF_INET, AF_INET6, AF_PACKET, AF_UNIX, ETH_ALEN, IFNAMSIZ } from './constants.js';
import { InterfaceNameTooLong, InvalidSysArgument } from './errors.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../core/ip-address.js';

export const SIZEOF = {
  timespec: 16,
  sockaddr_ll: 20,
  sockaddr_in: 16,
  sockaddr_in6: 28,
  sockaddr_un: 110,
  sockaddr_storage: 128,
  ifreq: 40,
  hwtstamp_config: 12,
  ethtool_ts_info: 44,
  sock_txtime: 8,
  sock_extended_err: 16,
  cmsghdr: 16,
  msghdr: 56,
  iovec: 16,
  pollfd: 8,
  sched_param: 4,
  ptp_clock_time: 16,
  ptp_sys_offset: 832,
  ptp_sys_offset_extended: 1216,
  ptp_sys_offset_precise: 64,
  packet_mreq: 16,
} as const;

/** Offsets inside `struct msghdr`. */
export const MSGHDR = {
  name: 0,
  namelen: 8,
  iov: 16,
  iovlen: 24,
  control: 32,
  controllen: 40,
  flags: 48,
} as const;

/** Offset of the union (ifr_data / ifr_hwaddr) inside `struct ifreq`. */
export const IFREQ_UNION = 16;

export const NS_PER_SEC = 1_000_000_000n;

export function writeTimespec(buf: Buffer, offset: number, ns: bigint): void {
  let sec = ns / NS_PER_SEC;
  let nsec = ns % NS_PER_SEC;
  if (nsec < 0n) {
    nsec += NS_PER_SEC;
    sec -= 1n;
  }
  buf.writeBigInt64LE(sec, offset);
  buf.writeBigInt64LE(nsec, offset + 8);
}

export function readTimespec(buf: Buffer, offset: number): bigint {
  return buf.readBigInt64LE(offset) * NS_PER_SEC + buf.readBigInt64LE(offset + 8);
}

/** `struct ptp_clock_time` { s64 sec; u32 nsec; u32 reserved; } as ns. */
export function readPtpClockTime(buf: Buffer, offset: number): bigint {
  return buf.readBigInt64LE(offset) * NS_PER_SEC + BigInt(buf.readUInt32LE(offset + 8));
}

export function writePtpClockTime(buf: Buffer, offset: number, ns: bigint): void {
  buf.writeBigInt64LE(ns / NS_PER_SEC, offset);
  buf.writeUInt32LE(Number(ns % NS_PER_SEC), offset + 8);
  buf.writeUInt32LE(0, offset + 12);
}

/** Checks an interface name fits IFNAMSIZ with its NUL and returns it as C bytes. */
export function ifnameBytes(ifname: string): Buffer {
  const bytes = Buffer.from(ifname, 'utf8');
  if (bytes.length === 0 || bytes.length >= IFNAMSIZ || bytes.includes(0)) throw InterfaceNameTooLong(ifname);
  return bytes;
}

/** A zeroed `struct ifreq` with ifr_name set. */
export function makeIfreq(ifname: string): Buffer {
  const ifr = Buffer.alloc(SIZEOF.ifreq);
  ifnameBytes(ifname).copy(ifr, 0);
  return ifr;
}

/**
 * A MAC given as six bytes or as canonical text ("aa:bb:cc:dd:ee:ff", read by
 * src/core/mac.ts, the one MAC codec); anything else is InvalidSysArgument.
 */
export function macBytes(mac: string | Uint8Array): Buffer {
  if (typeof mac !== 'string') {
    if (mac.length !== ETH_ALEN) throw InvalidSysArgument(`MAC address must have ${ETH_ALEN} bytes, got ${mac.length}`);
    return Buffer.from(mac);
  }
  const bytes = parseMac(mac);
  if (!bytes) throw InvalidSysArgument(`${JSON.stringify(mac)} is not a MAC address (expected aa:bb:cc:dd:ee:ff)`);
  return bytes;
}

export interface SockaddrLl {
  protocol: number;
  ifindex: number;
  hatype?: number;
  pkttype?: number;
  addr?: Uint8Array;
}

export function encodeSockaddrLl(sa: SockaddrLl): Buffer {
  const b = Buffer.alloc(SIZEOF.sockaddr_ll);
  b.writeUInt16LE(AF_PACKET, 0);
  b.writeUInt16BE(sa.protocol & 0xffff, 2);
  b.writeInt32LE(sa.ifindex, 4);
  b.writeUInt16LE(sa.hatype ?? 0, 8);
  b.writeUInt8(sa.pkttype ?? 0, 10);
  if (sa.addr) {
    b.writeUInt8(sa.addr.length, 11);
    Buffer.from(sa.addr).copy(b, 12, 0, 8);
  }
  return b;
}

export function decodeSockaddrLl(b: Buffer): Required<SockaddrLl> {
  const halen = Math.min(b.readUInt8(11), 8);
  return {
    protocol: b.readUInt16BE(2),
    ifindex: b.readInt32LE(4),
    hatype: b.readUInt16LE(8),
    pkttype: b.readUInt8(10),
    addr: Buffer.from(b.subarray(12, 12 + halen)),
  };
}

export interface InetAddress {
  family: 4 | 6;
  address: string;
  port: number;
  scopeId?: number;
}

function ipv4Bytes(address: string): Buffer {
  const bytes = parseIpv4(address);
  if (!bytes) throw InvalidSysArgument(`${JSON.stringify(address)} is not an IPv4 address`);
  return bytes;
}

function ipv6Bytes(address: string): Buffer {
  const bytes = parseIpv6(address);
  if (!bytes) throw InvalidSysArgument(`${JSON.stringify(address)} is not an IPv6 address`);
  return bytes;
}

export function encodeSockaddrIn(addr: InetAddress): Buffer {
  if (addr.family === 4) {
    const b = Buffer.alloc(SIZEOF.sockaddr_in);
    b.writeUInt16LE(AF_INET, 0);
    b.writeUInt16BE(addr.port, 2);
    ipv4Bytes(addr.address).copy(b, 4);
    return b;
  }
  const b = Buffer.alloc(SIZEOF.sockaddr_in6);
  b.writeUInt16LE(AF_INET6, 0);
  b.writeUInt16BE(addr.port, 2);
  ipv6Bytes(addr.address).copy(b, 8);
  b.writeUInt32LE(addr.scopeId ?? 0, 24);
  return b;
}

/** Decodes sockaddr_in / sockaddr_in6; null for other families. */
export function decodeSockaddrIn(b: Buffer): InetAddress | null {
  if (b.length < 2) return null;
  const family = b.readUInt16LE(0);
  if (family === AF_INET && b.length >= SIZEOF.sockaddr_in) {
    return { family: 4, address: formatIpv4(b.subarray(4, 8)), port: b.readUInt16BE(2) };
  }
  if (family === AF_INET6 && b.length >= SIZEOF.sockaddr_in6) {
    return {
      family: 6,
      address: formatIpv6(b.subarray(8, 24)),
      port: b.readUInt16BE(2),
      scopeId: b.readUInt32LE(24),
    };
  }
  return null;
}

/** `struct sockaddr_un` for a filesystem path; returns the buffer and the length to pass. */
export function encodeSockaddrUn(path: string): { addr: Buffer; len: number } {
  const bytes = Buffer.from(path, 'utf8');
  if (bytes.length === 0 || bytes.length >= 108 || bytes.includes(0)) {
    throw InvalidSysArgument(`UNIX socket path ${JSON.stringify(path)} must be 1..107 bytes`);
  }
  const addr = Buffer.alloc(SIZEOF.sockaddr_un);
  addr.writeUInt16LE(AF_UNIX, 0);
  bytes.copy(addr, 2);
  return { addr, len: 2 + bytes.length + 1 };
}

export interface HwTstampConfig {
  flags: number;
  txType: number;
  rxFilter: number;
}

export function encodeHwTstampConfig(c: HwTstampConfig, into: Buffer = Buffer.alloc(SIZEOF.hwtstamp_config), at = 0): Buffer {
  into.writeInt32LE(c.flags, at);
  into.writeInt32LE(c.txType, at + 4);
  into.writeInt32LE(c.rxFilter, at + 8);
  return into;
}

export function decodeHwTstampConfig(b: Buffer, at = 0): HwTstampConfig {
  return { flags: b.readInt32LE(at), txType: b.readInt32LE(at + 4), rxFilter: b.readInt32LE(at + 8) };
}

export interface TsInfo {
  /** Sum of the supported SOF_TIMESTAMPING_* flags. */
  soTimestamping: number;
  /** /dev/ptpN index, -1 when the interface has no PHC. */
  phcIndex: number;
  /** Bit mask of supported HWTSTAMP_TX_* (bit n = value n). */
  txTypes: number;
  /** Bit mask of supported HWTSTAMP_FILTER_*. */
  rxFilters: number;
}

/** Field offsets of struct ethtool_ts_info (linux/ethtool.h), shared by the decoder and the encoder. */
const TS_INFO = { cmd: 0, soTimestamping: 4, phcIndex: 8, txTypes: 12, rxFilters: 28 } as const;

export function decodeEthtoolTsInfo(b: Buffer, at = 0): TsInfo {
  return {
    soTimestamping: b.readUInt32LE(at + TS_INFO.soTimestamping),
    phcIndex: b.readInt32LE(at + TS_INFO.phcIndex),
    txTypes: b.readUInt32LE(at + TS_INFO.txTypes),
    rxFilters: b.readUInt32LE(at + TS_INFO.rxFilters),
  };
}

export function encodeEthtoolTsInfo(cmd: number, info: TsInfo, into: Buffer = Buffer.alloc(SIZEOF.ethtool_ts_info), at = 0): Buffer {
  into.fill(0, at, at + SIZEOF.ethtool_ts_info);
  into.writeUInt32LE(cmd, at + TS_INFO.cmd);
  into.writeUInt32LE(info.soTimestamping >>> 0, at + TS_INFO.soTimestamping);
  into.writeInt32LE(info.phcIndex, at + TS_INFO.phcIndex);
  into.writeUInt32LE(info.txTypes >>> 0, at + TS_INFO.txTypes);
  into.writeUInt32LE(info.rxFilters >>> 0, at + TS_INFO.rxFilters);
  return into;
}

export interface SockExtendedErr {
  errno: number;
  origin: number;
  type: number;
  code: number;
  info: number;
  data: number;
}

export function decodeSockExtendedErr(b: Buffer, at = 0): SockExtendedErr {
  return {
    errno: b.readUInt32LE(at),
    origin: b.readUInt8(at + 4),
    type: b.readUInt8(at + 5),
    code: b.readUInt8(at + 6),
    info: b.readUInt32LE(at + 8),
    data: b.readUInt32LE(at + 12),
  };
}

export function encodeSockExtendedErr(e: SockExtendedErr): Buffer {
  const b = Buffer.alloc(SIZEOF.sock_extended_err);
  b.writeUInt32LE(e.errno >>> 0, 0);
  b.writeUInt8(e.origin, 4);
  b.writeUInt8(e.type, 5);
  b.writeUInt8(e.code, 6);
  b.writeUInt32LE(e.info >>> 0, 8);
  b.writeUInt32LE(e.data >>> 0, 12);
  return b;
}
