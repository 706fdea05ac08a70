// strtol(3)/strtoul(3) as glibc implements them, over JavaScript strings.
//
// The C tool reads every integer option with strtol/strtoul(val, NULL, 0) and
// never looks at the end pointer, so its users rely on the lenient behaviour:
// leading white space and sign, "0x" hex and leading-zero octal with base 0,
// garbage after the number ignored, no digits at all -> 0, and a negative
// value given to strtoul wrapping modulo 2^64. Only overflow is an error
// (errno ERANGE). The time and MAC parsers also need the end position.

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);
const ULONG_MAX = (1n << 64n) - 1n;

export interface StrtoResult {
  /** The converted value (already clamped or wrapped as the C function returns it). */
  value: bigint;
  /** Index just past the last character used; 0 when no conversion was performed. */
  end: number;
  /** errno would be ERANGE. */
  overflow: boolean;
}

// C isspace() in the "C" locale.
function isCSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';
}

function digitValue(ch: string | undefined): number {
  if (ch === undefined) return 99;
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 97 + 10;
  if (c >= 65 && c <= 90) return c - 65 + 10;
  return 99;
}

/** The magnitude scan shared by strtol and strtoul. */
function scan(text: string, base: 0 | 8 | 10 | 16): { negative: boolean; magnitude: bigint; end: number; huge: boolean } {
  let i = 0;
  while (isCSpace(text[i])) i++;
  let negative = false;
  if (text[i] === '-' || text[i] === '+') {
    negative = text[i] === '-';
    i++;
  }
  let radix: number = base;
  let prefixEnd = -1;
  if (text[i] === '0') {
    if ((radix === 0 || radix === 16) && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
      // glibc: "0x" not followed by a hex digit converts the "0" and stops at the 'x'.
      prefixEnd = i + 1;
      i += 2;
      radix = 16;
    } else if (radix === 0) {
      radix = 8;
    }
  }
  if (radix === 0) radix = 10;
  const start = i;
  let magnitude = 0n;
  let huge = false;
  const big = BigInt(radix);
  while (digitValue(text[i]) < radix) {
    if (!huge) {
      magnitude = magnitude * big + BigInt(digitValue(text[i]));
      // Anything past 2^64 overflows both functions; stop growing the bigint.
      if (magnitude > ULONG_MAX + 1n) huge = true;
    }
    i++;
  }
  if (i === start) {
    return { negative: false, magnitude: 0n, end: prefixEnd >= 0 ? prefixEnd : 0, huge: false };
  }
  return { negative, magnitude, end: i, huge };
}

/** strtol(text, &end, base) with a 64-bit long. */
export function strtol(text: string, base: 0 | 8 | 10 | 16 = 0): StrtoResult {
  const s = scan(text, base);
  if (s.negative) {
    if (s.huge || s.magnitude > -LONG_MIN) return { value: LONG_MIN, end: s.end, overflow: true };
    return { value: -s.magnitude, end: s.end, overflow: false };
  }
  if (s.huge || s.magnitude > LONG_MAX) return { value: LONG_MAX, end: s.end, overflow: true };
  return { value: s.magnitude, end: s.end, overflow: false };
}

/** strtoul(text, &end, base) with a 64-bit unsigned long: "-1" is 2^64-1. */
export function strtoul(text: string, base: 0 | 8 | 10 | 16 = 0): StrtoResult {
  const s = scan(text, base);
  if (s.huge || s.magnitude > ULONG_MAX) return { value: ULONG_MAX, end: s.end, overflow: true };
  const value = s.negative ? (ULONG_MAX + 1n - s.magnitude) & ULONG_MAX : s.magnitude;
  return { value, end: s.end, overflow: false };
}
