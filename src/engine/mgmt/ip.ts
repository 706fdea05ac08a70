// IP address text <-> the 16 address bytes of IP_DESTINATION. The C struct
// copies a union of in_addr/in6_addr, so an IPv4 address occupies the first
// 4 bytes and the rest is zero. Parsing and formatting are inet_pton /
// inet_ntop's (src/core/ip-address.ts).
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../core/ip-address.js';

export const AF_INET = 2;
export const AF_INET6 = 10;

/** Parses a dotted quad or an IPv6 text into 16 bytes; null if invalid. */
export function ipToBytes(family: number, text: string): Buffer | null {
  if (family === AF_INET) {
    const v4 = parseIpv4(text);
    if (!v4) return null;
    const out = Buffer.alloc(16);
    v4.copy(out);
    return out;
  }
  if (family === AF_INET6) return parseIpv6(text);
  return null;
}

/** Formats 16 address bytes; '' for a family this protocol does not carry. */
export function bytesToIp(family: number, bytes: Uint8Array): string {
  if (family === AF_INET) return formatIpv4(bytes);
  if (family === AF_INET6) return formatIpv6(bytes);
  return '';
}
