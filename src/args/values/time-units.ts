// Time values with a unit, our extension to the C tool's sec.nsec: `1ms`,
// `250us`, `2.5us`, `1s`, `100ns`, optionally `+` first (relative to CLOCK_TAI
// now, as for sec.nsec). A plain number keeps the C meaning (no dot:
// nanoseconds), so no C command line changes meaning; only values the C tool
// would have truncated (`1ms` read as 1 ns) read differently.

const NS_PER: Readonly<Record<string, bigint>> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/**
 * The value in ns of `<digits>[.<digits>]<unit>` (the `+` prefix is left to
 * the caller: `relative` says whether it was there), or null when `text`
 * has no unit. A fraction finer than 1 ns is refused (null), not rounded.
 */
export function timeWithUnit(text: string): { ns: bigint; relative: boolean } | null {
  const m = /^(\+?)([0-9]+)(?:\.([0-9]+))?(ns|us|ms|s)$/.exec(text);
  if (!m) return null;
  const per = NS_PER[m[4]];
  const fraction = m[3] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const whole = BigInt(m[2]) * per;
  const part = fraction === '' ? 0n : BigInt(fraction) * per;
  if (part % scale !== 0n) return null;
  return { ns: whole + part / scale, relative: m[1] === '+' };
}
