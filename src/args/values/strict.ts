// Our stricter reading of option values, beside the C one (never instead of
// it): the C tool reads numbers with strtol(.., NULL, 0) and ignores what
// follows, so `--num-frames 2k` sends 2 frames and `--stats-port 70000`
// connects to port 4464. We refuse such values, naming the option, the value
// and the form expected (ISOCHRON_ERR_CLI_BAD_VALUE), after the C tool's own
// checks ran (so its messages still come first).
//
// Kept with the C reading, because the recorded C cases pin them (shared
// vectors, cli/send_os_*: the C tool runs on with them): a value with no
// digit at all ("sixty", "abc": 0), a time made of digits and several dots
// ("1.2.3": 1 s + 2 ns), and a MAC of fewer than six octets (the rest 0).
// `report` keeps the C reading entirely: its recorded cases pin letters and
// negative numbers for --start/--stop.
import type { OptionSpec } from '../spec.js';
import { strtol, strtoul } from '../../core/strto.js';
import { timeWithUnit } from './time-units.js';

/** One value we refuse: what to print. */
export interface ValueProblem {
  readonly long: string;
  readonly value: string;
  readonly expected: string;
}

const INTEGER = 'an integer (decimal, 0x hex, or octal with a leading 0) and nothing after it';
const TIME =
  'sec.nsec (a number without a dot is nanoseconds, e.g. 0.001 or 1000000), or a number with a unit: ns, us, ms or s (e.g. 1ms, 2.5us)';
const MAC = 'six hex octets separated by colons, e.g. 02:00:00:00:0b:02';

/** Inclusive ranges of the numeric options that have one, by long name (all verbs). */
const RANGES: Readonly<Record<string, readonly [bigint, bigint, string]>> = {
  '--stats-port': [0n, 65535n, 'a TCP port, 1..65535 (0: the default)'],
  '--data-port': [0n, 65535n, 'a UDP port, 1..65535 (0: the default)'],
  '--vid': [0n, 4095n, 'a VLAN id, 0..4095'],
  '--priority': [0n, 2147483647n, 'a socket priority (SO_PRIORITY), 0..2147483647 (the traffic classes use 0..15)'],
  '--sched-priority': [0n, 99n, 'a real-time priority, 1..99 (0: none)'],
  '--etype': [0n, 65535n, 'an EtherType, 0..0xffff'],
  '--domain-number': [0n, 255n, 'a PTP domain number, 0..255'],
  '--transport-specific': [0n, 15n, 'a PTP transportSpecific value, 0..15'],
  '--num-readings': [0n, 2147483647n, 'a number of readings, 1 or more (0: the default)'],
  '--frame-size': [0n, 2147483647n, 'a frame size in octets'],
  '--utc-tai-offset': [-2147483648n, 2147483647n, 'a UTC-TAI offset in seconds (37 since 2017)'],
};

const hasDigit = (text: string): boolean => /[0-9]/.test(text);

function integerProblem(spec: OptionSpec, text: string): ValueProblem | null {
  if (!hasDigit(text)) return null; // pinned: C reads 0
  const r = spec.kind === 'unsigned' ? strtoul(text, 0) : strtol(text, 0);
  if (r.end !== text.length || /^\s/.test(text)) return { long: spec.long, value: text, expected: INTEGER };
  const range = RANGES[spec.long];
  if (range && (r.value < range[0] || r.value > range[1])) return { long: spec.long, value: text, expected: range[2] };
  return null;
}

function timeProblem(spec: OptionSpec, text: string): ValueProblem | null {
  if (!hasDigit(text) || /^\+?[0-9]+(\.[0-9]*){2,}$/.test(text)) return null; // pinned C readings
  if (timeWithUnit(text) !== null) return null;
  if (/^\+?-?(0[xX][0-9a-fA-F]+|[0-9]+)?(\.[0-9]{0,9})?$/.test(text)) return null;
  return { long: spec.long, value: text, expected: TIME };
}

function macProblem(spec: OptionSpec, text: string): ValueProblem | null {
  if (text === '') return null; // C: all-zero, "not given"
  if (/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(text)) return null;
  if (/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){0,4}$/.test(text)) return null; // pinned: the rest is 0
  return { long: spec.long, value: text, expected: MAC };
}

/** What is wrong with `text` for `spec` by our stricter reading, or null when it is fine (or C's reading is pinned). */
export function strictValueProblem(spec: OptionSpec, text: string): ValueProblem | null {
  switch (spec.kind) {
    case 'long':
    case 'unsigned':
      return integerProblem(spec, text);
    case 'time':
      return timeProblem(spec, text);
    case 'mac':
      return macProblem(spec, text);
    default:
      return null;
  }
}

/** The expected form of a MAC value (for the hint after C's "Could not read --dmac" line). */
export const MAC_FORM = MAC;
