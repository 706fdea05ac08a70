// CLOCK_TAI read by code that runs while the command line is parsed (a
// relative time "+1.5" means now + 1.5 s, read as the C tool reads it, during
// parsing). The parser is synchronous and on every verb's start-up path, so
// this module must not import the libc binding (src/sys/libc.ts loads koffi
// at import): koffi is required here on the first call, and command lines
// without a relative time load nothing.
import { createRequire } from 'node:module';
import { CLOCK_TAI } from './constants.js';

type ClockGettime = (clockid: number, ts: Buffer) => number;
let clockGettime: ClockGettime | undefined;
const ts = Buffer.alloc(16);

function bind(): ClockGettime {
  if (clockGettime) return clockGettime;
  const require = createRequire(import.meta.url);
  const koffi = require('koffi') as { load(name: string): { func(proto: string): ClockGettime } };
  clockGettime = koffi.load('libc.so.6').func('int clock_gettime(int, void *)');
  return clockGettime;
}

/**
 * Current CLOCK_TAI time in nanoseconds. clock_gettime(CLOCK_TAI) cannot fail
 * on Linux (the clock always exists and the buffer is ours), so its return
 * value is not checked.
 */
export function taiNowNs(): bigint {
  bind()(CLOCK_TAI, ts);
  return ts.readBigInt64LE(0) * 1_000_000_000n + ts.readBigInt64LE(8);
}
