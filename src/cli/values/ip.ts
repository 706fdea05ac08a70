// IP addresses as the C tool reads them (ip_addr_from_string): an optional
// "%device" suffix (1..15 bytes, else "Invalid interface name"), then
// inet_pton(AF_INET6) and, failing that, inet_pton(AF_INET). glibc's
// inet_pton is strict: IPv4 must be exactly four dotted decimal octets
// without leading zeros; IPv6 may end in an embedded IPv4 address.
import { badIpAddress, badIpDevice } from '../errors.js';

const IFNAMSIZ = 16;

export interface IpAddress {
  family: 4 | 6;
  /** Canonical text form (dotted quad, or RFC 5952 compressed IPv6). */
  address: string;
  /** Network byte order: 4 or 16 bytes. */
  bytes: Buffer;
  /** Interface from "addr%device" (the C bound_if_name). */
  device?: string;
}

/** inet_pton(AF_INET) over text[from, to). */
function pton4(text: string, from: number, to: number): Buffer | null {
  const out = Buffer.alloc(4);
  let octets = 0;
  let sawDigit = false;
  let cur = 0;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch >= '0' && ch <= '9') {
      if (sawDigit && cur === 0) return null; // leading zero
      cur = cur * 10 + (ch.charCodeAt(0) - 48);
      if (cur > 255) return null;
      if (!sawDigit) {
        if (++octets > 4) return null;
        sawDigit = true;
      }
      out[octets - 1] = cur;
    } else if (ch === '.' && sawDigit) {
      if (octets === 4) return null;
      sawDigit = false;
      cur = 0;
    } else {
      return null;
    }
  }
  return octets < 4 ? null : out;
}

function hexValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** inet_pton(AF_INET6). */
function pton6(text: string): Buffer | null {
  const out = Buffer.alloc(16);
  let tp = 0;
  let colon = -1;
  let i = 0;
  const end = text.length;
  if (end === 0) return null;
  if (text[0] === ':') {
    if (text[1] !== ':') return null;
    i = 1;
  }
  let tokenStart = i;
  let digits = 0;
  let val = 0;
  while (i < end) {
    const ch = text[i++];
    const d = hexValue(ch);
    if (d >= 0) {
      if (digits === 4) return null;
      val = (val << 4) | d;
      digits++;
      continue;
    }
    if (ch === ':') {
      tokenStart = i;
      if (digits === 0) {
        if (colon >= 0) return null;
        colon = tp;
        continue;
      }
      if (i === end) return null;
      if (tp + 2 > 16) return null;
      out[tp++] = val >> 8;
      out[tp++] = val & 0xff;
      digits = 0;
      val = 0;
      continue;
    }
    if (ch === '.' && tp + 4 <= 16) {
      const v4 = pton4(text, tokenStart, end);
      if (!v4) return null;
      v4.copy(out, tp);
      tp += 4;
      digits = 0;
      break;
    }
    return null;
  }
  if (digits > 0) {
    if (tp + 2 > 16) return null;
    out[tp++] = val >> 8;
    out[tp++] = val & 0xff;
  }
  if (colon >= 0) {
    if (tp === 16) return null;
    const n = tp - colon;
    out.copyWithin(16 - n, colon, tp);
    out.fill(0, colon, 16 - n);
    tp = 16;
  }
  return tp === 16 ? out : null;
}

function format6(bytes: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first on ties.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

export function parseIp(text: string): IpAddress {
  let addressText = text;
  let device: string | undefined;
  const percent = text.indexOf('%');
  if (percent >= 0) {
    device = text.slice(percent + 1);
    const len = Buffer.byteLength(device, 'utf8');
    if (len === 0 || len >= IFNAMSIZ) throw badIpDevice(device);
    addressText = text.slice(0, percent);
  }
  const v6 = pton6(addressText);
  if (v6) return { family: 6, address: format6(v6), bytes: v6, ...(device === undefined ? {} : { device }) };
  const v4 = pton4(addressText, 0, addressText.length);
  if (v4) return { family: 4, address: [...v4].join('.'), bytes: v4, ...(device === undefined ? {} : { device }) };
  throw badIpAddress(addressText);
}
