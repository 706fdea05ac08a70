// glibc-exact "%.Nlf". glibc rounds the EXACT binary value of the double and
// breaks exact ties to even (default rounding mode), whereas JS toFixed
// breaks ties away from zero (0.0625 -> "0.063", glibc "0.062") and switches
// to exponent form at 1e21. Also reproduces glibc's "-0.000", "inf", and the
// "-nan" that x86's default NaN (sign bit set, e.g. 0.0/0.0) prints as.

const scratch = new DataView(new ArrayBuffer(8));

export function formatFixed(x: number, digits = 3): string {
  if (Number.isNaN(x)) return '-nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074; // subnormal (or zero)
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) {
    q = (mant << BigInt(exp)) * scale;
  } else {
    const num = mant * scale;
    const den = 1n << BigInt(-exp);
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits === 0) return (negative ? '-' : '') + s;
  s = s.padStart(digits + 1, '0');
  return `${negative ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
