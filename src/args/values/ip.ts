// IP addresses as the C tool reads them (ip_addr_from_string): an optional
// "%device" suffix (1..15 bytes, else "Invalid interface name"), then
// inet_pton(AF_INET6) and, failing that, inet_pton(AF_INET) (both in
// src/core/ip-address.ts).
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../core/ip-address.js';
import { badIpAddress, badIpDevice } from '../errors.js';

const IFNAMSIZ = 16;
const IP_FORM = 'expected an IPv4 address (10.0.0.1) or an IPv6 address (fe80::1), optionally with %DEVICE';

export interface IpAddress {
  family: 4 | 6;
  /** Canonical text form (dotted quad, or RFC 5952 compressed IPv6). */
  address: string;
  /** Network byte order: 4 or 16 bytes. */
  bytes: Buffer;
  /** Interface from "addr%device" (the C bound_if_name). */
  device?: string;
}

export function parseIp(text: string): IpAddress {
  let addressText = text;
  let device: string | undefined;
  const percent = text.indexOf('%');
  if (percent >= 0) {
    device = text.slice(percent + 1);
    const len = Buffer.byteLength(device, 'utf8');
    if (len === 0 || len >= IFNAMSIZ) throw badIpDevice.with({ hint: `the part after % is an interface name of 1..15 bytes; ${IP_FORM}` }, device);
    addressText = text.slice(0, percent);
  }
  const v6 = parseIpv6(addressText);
  if (v6) return { family: 6, address: formatIpv6(v6), bytes: v6, ...(device === undefined ? {} : { device }) };
  const v4 = parseIpv4(addressText);
  if (v4) return { family: 4, address: formatIpv4(v4), bytes: v4, ...(device === undefined ? {} : { device }) };
  throw badIpAddress.with({ hint: IP_FORM }, addressText);
}
