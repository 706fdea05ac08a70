// MAC addresses as the C tool reads them: six strtoul(.., 16) calls, each
// optionally followed by ':'. Missing octets are 0 (a 5-octet address is
// accepted), octets wrap to 8 bits, and the only failure is text left after
// the sixth octet (that includes non-hex characters, which stop the scan).
import { strtoul } from './strto.js';
import { badMac } from '../errors.js';

const ETH_ALEN = 6;

export function parseMac(text: string, long: string): Buffer {
  const out = Buffer.alloc(ETH_ALEN);
  let rest = text;
  for (let i = 0; i < ETH_ALEN; i++) {
    const r = strtoul(rest, 16);
    out[i] = Number(r.value & 0xffn);
    rest = rest.slice(r.end);
    if (i === ETH_ALEN - 1) {
      if (rest.length !== 0) throw badMac(long);
    } else if (rest.startsWith(':')) {
      rest = rest.slice(1);
    }
  }
  return out;
}

export function isZeroMac(mac: Buffer): boolean {
  return mac.every((b) => b === 0);
}

export function formatMac(mac: Buffer): string {
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
