// The isochron data frame, as the C sender lays it out and the C receiver
// reads it.
//
//   L2:  dmac(6) smac(6) [8100 TCI(2)] etype(2) | isochron header(20) | de ad be ef ...
//   L4:  (kernel builds Ethernet/IP/UDP)          isochron header(20) | de ad be ef ...
//
// isochron header, packed, big-endian: scheduled(8) wakeup(8) seqid(4).
// The template is built once; per packet only the 20 header bytes change,
// so the send loop (workers/send-loop.ts) writes them in place with
// writeTimespecNs and the HDR_* offsets, and never allocates.
import { FrameTooLarge, FrameTooShort, MacAddressLength } from './errors.js';

export const ETH_ALEN = 6;
export const ETH_HLEN = 14;
export const VLAN_ETH_HLEN = 18;
export const ETH_P_ISOCHRON = 0xdead;
export const ETH_P_8021Q = 0x8100;
export const ISOCHRON_HEADER_LEN = 20;
/** The C tool's send buffer: the largest --frame-size, for L2 and L4 alike. */
export const MAX_FRAME_SIZE = 10000;
/** Ethernet + IPv4 + UDP: what the kernel prepends to an L4 payload. */
export const L4_OVERHEAD_IPV4 = 14 + 20 + 8;
/** Ethernet + IPv6 + UDP. */
export const L4_OVERHEAD_IPV6 = 14 + 40 + 8;

/** Offsets inside the isochron header. */
export const HDR_SCHEDULED = 0;
export const HDR_WAKEUP = 8;
export const HDR_SEQID = 16;

const PADDING = [0xde, 0xad, 0xbe, 0xef] as const;

export interface VlanTag {
  /** --vid; only the low 12 bits reach the wire (C masks with 0xfff). */
  vid: number;
  /** --priority; C shifts it by 13 into a 16-bit TCI, so only its low 3 bits survive. */
  priority: number;
}

export interface L2Transport {
  kind: 'l2';
  dmac: Uint8Array;
  smac: Uint8Array;
  /** --etype, default 0xdead; written as 16 bits. */
  etype: number;
  /** null when --vid is absent (C: vid == -1). */
  vlan: VlanTag | null;
}

export interface L4Transport {
  kind: 'l4';
  /** Address family of --ip-destination. */
  family: 4 | 6;
}

export type Transport = L2Transport | L4Transport;

/** Where the isochron header starts in what the sender hands to the socket. */
export function headerOffset(t: Transport): number {
  if (t.kind === 'l4') return 0;
  return t.vlan ? VLAN_ETH_HLEN : ETH_HLEN;
}

/**
 * Bytes handed to the socket per packet: --frame-size itself, for both
 * transports. L2: the whole Ethernet frame. L4: the UDP payload (the kernel
 * adds Ethernet+IP+UDP around it), as the C sender sends it: 64 gives 64
 * octets of UDP payload over IPv4 and IPv6 alike.
 */
export function sentLength(frameSize: number): number {
  return frameSize;
}

/**
 * The C sender's frame length after it built its packet: --frame-size for
 * L2; for L4, --frame-size minus Ethernet+IP+UDP (42 IPv4, 62 IPv6). C
 * subtracts the headers only after its socket message was sized, so this
 * length reaches the .dat header and decides where the pad pattern stops,
 * but not the wire. May be negative.
 */
function reducedLength(frameSize: number, t: Transport): number {
  if (t.kind === 'l2') return frameSize;
  return frameSize - (t.family === 6 ? L4_OVERHEAD_IPV6 : L4_OVERHEAD_IPV4);
}

/**
 * The frame_size the C sender stores in the .dat header: its reduced length
 * cut to 16 bits. --l4 --frame-size 64 records 22 (IPv4) or 2 (IPv6).
 */
export function datFrameSize(frameSize: number, t: Transport): number {
  return reducedLength(frameSize, t) & 0xffff;
}

/**
 * Where C's de-ad-be-ef pattern stops: it writes whole 4-octet words while
 * the word starts below the (L4: reduced) length, so an L4 payload carries
 * the pattern only up to --frame-size - 42/62 rounded up to a word, and
 * zeros after it; an L2 frame carries it to its end.
 */
function padEnd(frameSize: number, t: Transport): number {
  const start = headerOffset(t) + ISOCHRON_HEADER_LEN;
  const limit = reducedLength(frameSize, t);
  if (limit <= start) return start;
  return Math.min(frameSize, start + Math.ceil((limit - start) / 4) * 4);
}

/** Smallest --frame-size whose packet still carries a whole isochron header. */
export function minimumFrameSize(t: Transport): number {
  return headerOffset(t) + ISOCHRON_HEADER_LEN;
}

/** The 802.1Q TCI the C sender writes: PCP from --priority, no DEI, VID masked. */
export function vlanTci(tag: VlanTag): number {
  return (((tag.priority & 7) << 13) | (tag.vid & 0xfff)) & 0xffff;
}

function checkMac(which: string, mac: Uint8Array): void {
  if (mac.length !== ETH_ALEN) throw MacAddressLength(which, mac.length);
}

/**
 * Builds the per-packet buffer (sentLength octets) with the header fields
 * zeroed. Throws for a frame size above MAX_FRAME_SIZE (C's check) or one too
 * short for the header (C sends those anyway and its receiver drops them as
 * "Packet too short"; see docs/sender-receiver.md).
 */
export function buildFrameTemplate(frameSize: number, t: Transport): Buffer {
  if (frameSize > MAX_FRAME_SIZE) throw FrameTooLarge(MAX_FRAME_SIZE);
  const min = minimumFrameSize(t);
  if (!Number.isInteger(frameSize) || frameSize < min) {
    const what = t.kind === 'l2' ? (t.vlan ? 'a VLAN-tagged L2 frame' : 'an L2 frame') : `a UDP payload (--l4 over IPv${t.family})`;
    throw FrameTooShort(frameSize, min, what);
  }
  const buf = Buffer.alloc(sentLength(frameSize));
  if (t.kind === 'l2') {
    checkMac('Destination', t.dmac);
    checkMac('Source', t.smac);
    buf.set(t.dmac, 0);
    buf.set(t.smac, ETH_ALEN);
    if (t.vlan) {
      buf.writeUInt16BE(ETH_P_8021Q, 12);
      buf.writeUInt16BE(vlanTci(t.vlan), 14);
      buf.writeUInt16BE(t.etype & 0xffff, 16);
    } else {
      buf.writeUInt16BE(t.etype & 0xffff, 12);
    }
  }
  // The pattern's phase starts right after the header, like C's fill loop.
  const end = padEnd(frameSize, t);
  for (let i = headerOffset(t) + ISOCHRON_HEADER_LEN, p = 0; i < end; i++, p = (p + 1) & 3) {
    buf[i] = PADDING[p];
  }
  return buf;
}

// 1e9 = 2^9 * 1953125. For 0 <= sec < 2^32, sec * 1953125 < 2^53 is exact in
// a double, so sec * 1e9 + nsec can be split into two 32-bit halves without
// BigInt and without rounding.
const NS_FACTOR = 1953125;
const TWO_POW_23 = 0x800000;
const TWO_POW_32 = 0x1_0000_0000;

/** Writes sec * 1e9 + nsec as a big-endian u64; sec in [0, 2^32), nsec in [0, 1e9). */
export function writeTimespecNs(view: DataView, off: number, sec: number, nsec: number): void {
  const m = sec * NS_FACTOR;
  let hi = Math.floor(m / TWO_POW_23);
  let lo = (m - hi * TWO_POW_23) * 512 + nsec;
  if (lo >= TWO_POW_32) {
    lo -= TWO_POW_32;
    hi += 1;
  }
  view.setUint32(off, hi);
  view.setUint32(off + 4, lo);
}

// ---------------------------------------------------------------- receiver

/** Outcome of looking at one received packet. */
export const RxStatus = {
  /** Header found; `out` is filled. */
  Ok: 0,
  /** L2 destination is not ours: C ignores these silently. */
  NotForUs: 1,
  /** Shorter than (L2 header +) isochron header: C prints "Packet too short (N bytes)". */
  TooShort: 2,
  /** EtherType (after an in-line VLAN tag, if any) is not the expected one. */
  WrongEtype: 3,
} as const;
export type RxStatus = (typeof RxStatus)[keyof typeof RxStatus];

/** Reused by the caller across packets, so parsing allocates nothing. */
export interface RxHeader {
  seqid: number;
  /** Offset of the isochron header inside the buffer (read scheduled/wakeup from there). */
  headerOffset: number;
  /** True if the frame still carried its 802.1Q tag in-line. */
  vlanTagged: boolean;
}

export function newRxHeader(): RxHeader {
  return { seqid: 0, headerOffset: 0, vlanTagged: false };
}

export interface L2Filter {
  /** The receiver's --dmac, or the interface's own MAC. */
  dmac: Uint8Array;
  /** --etype of the receiver (default 0xdead). */
  etype: number;
}

function sameMac(buf: Uint8Array, mac: Uint8Array): boolean {
  return (
    buf[0] === mac[0] && buf[1] === mac[1] && buf[2] === mac[2] &&
    buf[3] === mac[3] && buf[4] === mac[4] && buf[5] === mac[5]
  );
}

/**
 * Parses an L2 frame as read from the packet socket (`length` bytes of `buf`
 * are valid). The kernel strips the VLAN tag on receive (it does on veth:
 * the tagged real run arrived complete at offset 14), so C always reads the
 * header at offset 14; we also accept a frame whose tag stayed in-line.
 * Order of checks follows C: destination first, then length.
 */
export function parseL2Frame(buf: Uint8Array, length: number, filter: L2Filter, out: RxHeader): RxStatus {
  if (length < ETH_ALEN || !sameMac(buf, filter.dmac)) return RxStatus.NotForUs;
  if (length < ETH_HLEN + ISOCHRON_HEADER_LEN) return RxStatus.TooShort;
  let off = ETH_HLEN;
  let etype = (buf[12] << 8) | buf[13];
  let tagged = false;
  if (etype === ETH_P_8021Q && filter.etype !== ETH_P_8021Q) {
    if (length < VLAN_ETH_HLEN + ISOCHRON_HEADER_LEN) return RxStatus.TooShort;
    etype = (buf[16] << 8) | buf[17];
    off = VLAN_ETH_HLEN;
    tagged = true;
  }
  if (etype !== (filter.etype & 0xffff)) return RxStatus.WrongEtype;
  out.seqid = readSeqid(buf, off);
  out.headerOffset = off;
  out.vlanTagged = tagged;
  return RxStatus.Ok;
}

/** Parses a UDP payload (L4 mode): the isochron header is at offset 0. */
export function parseUdpPayload(buf: Uint8Array, length: number, out: RxHeader): RxStatus {
  if (length < ISOCHRON_HEADER_LEN) return RxStatus.TooShort;
  out.seqid = readSeqid(buf, 0);
  out.headerOffset = 0;
  out.vlanTagged = false;
  return RxStatus.Ok;
}

function readSeqid(buf: Uint8Array, off: number): number {
  const p = off + HDR_SEQID;
  return ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]) >>> 0;
}

function readBig(buf: Uint8Array, off: number): bigint {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigInt64(off);
}

/** The sender's scheduled TX time carried in a parsed frame (allocates; not for the hot path). */
export function headerScheduled(buf: Uint8Array, hdr: RxHeader): bigint {
  return readBig(buf, hdr.headerOffset + HDR_SCHEDULED);
}

/** The sender's actual wakeup time carried in a parsed frame. */
export function headerWakeup(buf: Uint8Array, hdr: RxHeader): bigint {
  return readBig(buf, hdr.headerOffset + HDR_WAKEUP);
}
