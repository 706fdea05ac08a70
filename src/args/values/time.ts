// "sec.nsec" times as the C tool reads them (get_time_from_string).
//
// Facts that users meet (README quirk 15):
// - "N" without a dot is N NANOSECONDS, not seconds.
// - The seconds part goes through strtol(.., 0): hex and octal work, garbage
//   is ignored ("abc" -> 0), "-0.5" is +0.5 s because -0 == 0 and the
//   fraction is always added.
// - The fraction is padded with zeros to 9 characters and read with base-10
//   strtol, which stops at the first non-digit: in "1.2.3" the fraction "2.3"
//   pads to "2.3000000" and reads as 2, so the value is 1 s + 2 ns.
// - More than 9 fractional characters is the only rejected form.
// - A leading '+' adds the current CLOCK_TAI time.
// The sum wraps like the C 64-bit arithmetic does.
import { strtol } from '../../core/strto.js';
import { timeFractionTooLong, timeSecondsOutOfRange } from '../errors.js';

const NSEC_PER_SEC = 1_000_000_000n;

export type Clock = () => bigint;

export function parseTime(text: string, nowTai: Clock): bigint {
  let rest = text;
  let relative = false;
  if (rest.startsWith('+')) {
    relative = true;
    rest = rest.slice(1);
  }
  const sec = strtol(rest, 0);
  if (sec.overflow) throw timeSecondsOutOfRange();
  rest = rest.slice(sec.end);
  let seconds = sec.value;
  let nsec: bigint;
  if (rest.startsWith('.')) {
    const fraction = rest.slice(1);
    // strlen() counts bytes, not UTF-16 units.
    if (Buffer.byteLength(fraction, 'utf8') > 9) {
      throw timeFractionTooLong.with({ hint: 'at most 9 digits after the dot (nanoseconds), or a unit: 1ms, 2.5us' }, fraction);
    }
    nsec = strtol(fraction.padEnd(9, '0'), 10).value;
  } else {
    nsec = seconds;
    seconds = 0n;
  }
  const now = relative ? nowTai() : 0n;
  return BigInt.asIntN(64, BigInt.asIntN(64, seconds * NSEC_PER_SEC + nsec) + now);
}
