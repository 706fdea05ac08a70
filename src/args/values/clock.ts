// CLOCK_TAI, read synchronously for relative times ("+1.5" = now + 1.5 s),
// as the C tool reads the clock while it parses the option. src/sys/tai-now.ts
// loads nothing until the first relative time.
import { taiNowNs } from '../../sys/tai-now.js';

/** Current CLOCK_TAI time in nanoseconds. */
export function clockTaiNs(): bigint {
  return taiNowNs();
}
