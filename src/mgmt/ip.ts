// IP address text <-> the 16 address bytes of IP_DESTINATION. The C struct
// copies a union of in_addr/in6_addr, so an IPv4 address occupies the first
// 4 bytes and the rest is zero.
import { isIPv4, isIPv6 } from 'node:net';

export const AF_INET = 2;
export const AF_INET6 = 10;

/** Parses a dotted quad or an IPv6 text into 16 bytes; null if invalid. */
export function ipToBytes(family: number, text: string): Buffer | null {
  const out = Buffer.alloc(16);
  if (family === AF_INET) {
    if (!isIPv4(text)) return null;
    text.split('.').forEach((part, i) => (out[i] = Number(part)));
    return out;
  }
  if (family === AF_INET6) {
    if (!isIPv6(text)) return null;
    let groups = text;
    // An embedded dotted quad ("::ffff:1.2.3.4") becomes two hex groups.
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(groups);
    if (v4) {
      const b = v4[1].split('.').map(Number);
      groups = groups.slice(0, v4.index) + `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
    }
    const [head, tail] = groups.includes('::') ? groups.split('::') : [groups, undefined];
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
    [...left, ...fill, ...right].forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
    return out;
  }
  return null;
}

/** Formats 16 address bytes; '' for a family this protocol does not carry. */
export function bytesToIp(family: number, bytes: Uint8Array): string {
  if (family === AF_INET) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (family !== AF_INET6) return '';
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first on ties.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
