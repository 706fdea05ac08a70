// Where the receiver gets what a sender asks about synchronisation:
//   sysmon  - the PHC of the interface against CLOCK_REALTIME (SYSMON_OFFSET),
//             src/engine/sysmon;
//   ptpmon  - ptp4l's data sets over its UNIX socket (PTPMON_OFFSET,
//             UTC_OFFSET, PORT_STATE, GM_CLOCK_IDENTITY), src/engine/syncmon's
//             createSyncSources (wired in receiver.ts).
// This module keeps the receiver's names for the sysmon pieces.
import { existsSync } from 'node:fs';
import { Errno, E } from '../../core/errors.js';
import { strerror } from '../../core/errno-text.js';
import { kernelIoctl, type DeviceIoctl } from '../../sys/ioctl.js';
import { openSysmonAtIndex, sysmonMethodLine as methodLine, type Sysmon } from '../sysmon/index.js';
import { MgmtOpError } from '../mgmt/index.js';

export type { Sysmon };

/** C's sysmon_print_method line (stdout). */
export function sysmonMethodLine(s: Pick<Sysmon, 'device' | 'method'>): string {
  return methodLine(s);
}

/** Opens the PHC at phcIndex and picks the best way the driver has to read it. */
export function openSysmon(phcIndex: number, numReadings: number, io: DeviceIoctl = kernelIoctl): Sysmon {
  return openSysmonAtIndex(phcIndex, Math.max(1, numReadings), { io });
}

export type PtpmonQuery = 'offset' | 'UTC offset' | 'port state' | 'GM clockID';

/**
 * Retired with the ptp4l client (src/engine/ptpmon): nothing in the receiver uses
 * it any more; kept for test/verbs/rcv/rcv-sync.test.ts until that test moves on.
 */
export function ptpmonUnavailable(udsPath: string, what: PtpmonQuery): MgmtOpError {
  if (!existsSync(udsPath)) return new MgmtOpError(-E.ENOENT, `Failed to read ptpmon ${what}: ${strerror(E.ENOENT)}`);
  return new MgmtOpError(
    Errno.EOPNOTSUPP,
    `Failed to read ptpmon ${what}: ${strerror(-Errno.EOPNOTSUPP)} (this isochron does not query ptp4l at ${udsPath} yet)`,
  );
}
