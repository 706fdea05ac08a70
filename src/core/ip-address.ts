// IP address text <-> network-order bytes, with glibc's inet_pton/inet_ntop
// rules: the one parser every layer uses (CLI values, management payloads,
// sockaddr building). glibc's inet_pton is strict: IPv4 is exactly four
// dotted decimal octets without leading zeros; IPv6 has at most one "::",
// 1..4 hex digits per group, and may end in an embedded dotted quad. No
// "%zone" suffix: callers that accept one split it off first.

/** inet_pton(AF_INET) over text[from, to): 4 bytes, or null if invalid. */
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

/** inet_pton(AF_INET): 4 bytes, or null if `text` is not a dotted quad. */
export function parseIpv4(text: string): Buffer | null {
  return pton4(text, 0, text.length);
}

/** inet_pton(AF_INET6): 16 bytes, or null if `text` is not an IPv6 address. */
export function parseIpv6(text: string): Buffer | null {
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

/** Dotted quad of the first 4 bytes. */
export function formatIpv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/**
 * RFC 5952 text of the first 16 bytes: lower-case hex groups, the longest
 * run (>= 2) of zero groups compressed to "::", the first one on ties.
 * Embedded IPv4 forms are printed as hex groups ("::ffff:a00:1").
 */
export function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
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
