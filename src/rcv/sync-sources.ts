// Where the receiver gets what a sender asks about synchronisation:
//   sysmon  - the PHC of the interface against CLOCK_REALTIME (SYSMON_OFFSET),
//   ptpmon  - ptp4l's data sets over its UNIX socket (PTPMON_OFFSET,
//             UTC_OFFSET, PORT_STATE, GM_CLOCK_IDENTITY).
// Querying ptp4l is not implemented in this tool yet: those MIDs fail the
// way the C receiver fails when ptp4l is not there, with the errno a user
// would see, and say so when a ptp4l socket does exist.
import { existsSync } from 'node:fs';
import { Errno } from '../errors.js';
import type { SysmonOffset } from '../mgmt/index.js';
import { E } from '../sys/constants.js';
import { strerror } from '../sys/errors.js';
import { kernelIoctl, type DeviceIoctl } from '../sys/ioctl.js';
import { measurePhcOffset, Phc, probeSysoff, type SysoffMethod } from '../sys/phc.js';
import { MgmtOpError } from './mgmt-dispatch.js';

export interface Sysmon {
  readonly device: string;
  readonly method: SysoffMethod;
  offset(): SysmonOffset;
  close(): void;
}

const METHOD_NAMES: Record<SysoffMethod, string> = {
  basic: 'PTP_SYS_OFFSET',
  extended: 'PTP_SYS_OFFSET_EXTENDED',
  precise: 'PTP_SYS_OFFSET_PRECISE',
};

/** C's sysmon_print_method line (stdout). */
export function sysmonMethodLine(s: Pick<Sysmon, 'device' | 'method'>): string {
  return `Using ${METHOD_NAMES[s.method]} for measuring the offset from ${s.device} to CLOCK_REALTIME\n`;
}

/** Opens the PHC at phcIndex and picks the best PTP_SYS_OFFSET flavour the driver has. */
export function openSysmon(phcIndex: number, numReadings: number, io: DeviceIoctl = kernelIoctl): Sysmon {
  const phc = Phc.openIndex(phcIndex);
  try {
    const samples = Math.min(Math.max(1, numReadings), 25);
    const method = probeSysoff(phc.fd, samples, io);
    return {
      device: phc.path,
      method,
      offset(): SysmonOffset {
        try {
          const r = measurePhcOffset(phc.fd, method, samples, io);
          return { offset: r.offset, time: r.sysTime, delay: r.delay };
        } catch (err) {
          const errno = (err as { errno?: number }).errno ?? Errno.EIO;
          throw new MgmtOpError(errno, `Failed to read sysmon offset: ${strerror(-errno)}`);
        }
      },
      close: () => phc.close(),
    };
  } catch (err) {
    phc.close();
    throw err;
  }
}

export type PtpmonQuery = 'offset' | 'UTC offset' | 'port state' | 'GM clockID';

/** The failure of a ptp4l query: ENOENT when nothing listens at the path (as C), else "not implemented". */
export function ptpmonUnavailable(udsPath: string, what: PtpmonQuery): MgmtOpError {
  if (!existsSync(udsPath)) return new MgmtOpError(-E.ENOENT, `Failed to read ptpmon ${what}: ${strerror(E.ENOENT)}`);
  return new MgmtOpError(
    Errno.EOPNOTSUPP,
    `Failed to read ptpmon ${what}: ${strerror(-Errno.EOPNOTSUPP)} (this isochron does not query ptp4l at ${udsPath} yet)`,
  );
}
