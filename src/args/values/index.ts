// One entry point from an option's declared type to its C-compatible parser.
import type { OptionSpec } from '../spec.js';
import { numberOutOfRange } from '../errors.js';
import { strtol, strtoul } from '../../core/strto.js';
import { parseTime, type Clock } from './time.js';
import { timeWithUnit } from './time-units.js';
import { parseMac } from './mac.js';
import { parseIp, type IpAddress } from './ip.js';
import { parseText } from './text.js';

export type { IpAddress } from './ip.js';
export type { Clock } from './time.js';

export type OptionValue = boolean | bigint | string | Buffer | IpAddress;

/** C `long`: strtol(val, NULL, 0); only overflow fails. */
export function parseLong(text: string, long: string): bigint {
  const r = strtol(text, 0);
  if (r.overflow) throw numberOutOfRange(long);
  return r.value;
}

/** C `unsigned long`: strtoul(val, NULL, 0); "-1" is 2^64-1, only overflow fails. */
export function parseUnsigned(text: string, long: string): bigint {
  const r = strtoul(text, 0);
  if (r.overflow) throw numberOutOfRange(long);
  return r.value;
}

/**
 * Converts one occurrence's text as the C parser does, throwing the C
 * error for the option. Booleans and help ignore any "=value".
 */
export function convertValue(spec: OptionSpec, text: string | undefined, nowTai: Clock): OptionValue {
  const value = text ?? '';
  switch (spec.kind) {
    case 'bool':
    case 'help':
      return true;
    case 'long':
      return parseLong(value, spec.long);
    case 'unsigned':
      return parseUnsigned(value, spec.long);
    case 'time': {
      const withUnit = timeWithUnit(value); // our extension: 1ms, 250us, ...
      if (withUnit) return withUnit.ns + (withUnit.relative ? nowTai() : 0n);
      return parseTime(value, nowTai);
    }
    case 'mac':
      return parseMac(value, spec.long);
    case 'ip':
      return parseIp(value);
    case 'ifname':
      return parseText(value, 'Interface name', spec.limit ?? 0);
    case 'filepath':
      return parseText(value, 'File path', spec.limit ?? 0);
    case 'string':
      return parseText(value, 'String', spec.limit ?? 0);
  }
}
