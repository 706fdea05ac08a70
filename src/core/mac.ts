// The one MAC address codec. Two readings, because two sources write MACs:
// a person on the command line (the C tool reads that with strtoul, and so
// must we) and our own formatter (a management reply's text, which is
// always the canonical form). One writing: C's mac_addr_sprintf.
import { ETH_ALEN } from './frame.js';
import { strtoul } from './strto.js';

/** C's mac_addr_sprintf: six lower-case hex octets, colon-separated (the first 6 bytes of mac). */
export function formatMac(mac: Uint8Array): string {
  return Array.from(mac.subarray(0, ETH_ALEN), (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The all-zero address, which C takes as "not given". */
export function isZeroMac(mac: Uint8Array): boolean {
  return mac.every((b) => b === 0);
}

/** The canonical form formatMac writes ("02:00:00:00:0b:02", any case), or null. */
export function parseMac(text: string): Buffer | null {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text)) return null;
  return Buffer.from(text.replaceAll(':', ''), 'hex');
}

/**
 * A MAC as the C tool reads its --dmac/--smac: six strtoul(.., 16) calls,
 * each optionally followed by ':'. Missing octets are 0 (a 5-octet address
 * is accepted), octets wrap to 8 bits, and the only failure (null) is text
 * left after the sixth octet (that includes non-hex characters, which stop
 * the scan).
 */
export function scanMacLikeC(text: string): Buffer | null {
  const out = Buffer.alloc(ETH_ALEN);
  let rest = text;
  for (let i = 0; i < ETH_ALEN; i++) {
    const r = strtoul(rest, 16);
    out[i] = Number(r.value & 0xffn);
    rest = rest.slice(r.end);
    if (i === ETH_ALEN - 1) {
      if (rest.length !== 0) return null;
    } else if (rest.startsWith(':')) {
      rest = rest.slice(1);
    }
  }
  return out;
}
