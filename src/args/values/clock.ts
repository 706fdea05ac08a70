// CLOCK_TAI, read synchronously for relative times ("+1.5" = now + 1.5 s).
// The C tool reads the clock while it parses the option; our parser is
// synchronous too, so koffi is loaded with require() on the first relative
// time instead of through an async import of src/sys/libc.ts. Nothing is
// loaded for command lines without a relative time.
import { createRequire } from 'node:module';

const CLOCK_TAI = 11;

type ClockGettime = (clockid: number, ts: Buffer) => number;
let clockGettime: ClockGettime | undefined;

function bind(): ClockGettime {
  if (clockGettime) return clockGettime;
  const require = createRequire(import.meta.url);
  const koffi = require('koffi') as { load(name: string): { func(proto: string): ClockGettime } };
  clockGettime = koffi.load('libc.so.6').func('int clock_gettime(int, void *)');
  return clockGettime;
}

/** Current CLOCK_TAI time in nanoseconds. */
export function clockTaiNs(): bigint {
  const ts = Buffer.alloc(16);
  bind()(CLOCK_TAI, ts);
  return ts.readBigInt64LE(0) * 1_000_000_000n + ts.readBigInt64LE(8);
}
