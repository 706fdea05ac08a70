// sysmon: how far the system clock (CLOCK_REALTIME) is from the PHC of the
// interface, measured like phc2sys does (and C's sysmon): the best of the
// PTP_SYS_OFFSET ioctls the driver has (PRECISE, EXTENDED, basic), else
// back-to-back clock_gettime readings of both clocks. The offset is
// REALTIME - PHC: a PHC running TAI makes it about -UTC_offset seconds, which
// the sync monitor adds back.
//
// The PHC device and its ioctls are the hardware boundary: `deps` lets tests
// hand in a fake PHC (test/helpers/sys-fakes.ts) where no /dev/ptpN exists.
import { isIsochronError } from '../../core/errors.js';
import { CLOCK_REALTIME, PTP_MAX_SAMPLES } from '../../sys/constants.js';
import { kernelIoctl, type DeviceIoctl } from '../../sys/ioctl.js';
import { strerror } from '../../core/errno-text.js';
import { Phc, sysOffsetBasic, sysOffsetExtended, sysOffsetPrecise, type PhcOffset } from '../../sys/phc.js';
import { clockGettime } from '../../sys/time.js';
import { getTsInfo } from '../../sys/tstamp.js';
import { SysmonBadReadings, SysmonNoPhc, SysmonOpen, SysmonRead } from './errors.js';

export type SysmonMethod = 'precise' | 'extended' | 'basic' | 'gettime';

export interface SysmonReading {
  /** CLOCK_REALTIME minus PHC, ns. */
  offset: bigint;
  /** CLOCK_REALTIME at the reading, ns. */
  time: bigint;
  /** Width of the best reading window, ns (0 for PRECISE). */
  delay: bigint;
}

export interface Sysmon {
  /** /dev/ptpN */
  readonly device: string;
  readonly method: SysmonMethod;
  offset(): SysmonReading;
  close(): void;
}

/** An open PHC as sysmon needs it. */
export interface PhcHandle {
  readonly fd: number;
  readonly path: string;
  /** The dynamic clockid (for the clock_gettime fallback). */
  readonly clockId: number;
  close(): void;
}

export interface SysmonDeps {
  io?: DeviceIoctl;
  openPhc?: (index: number) => PhcHandle;
  /** clock_gettime, for the fallback when no ioctl works. */
  gettime?: (clockid: number) => bigint;
  /** Where C's probe warnings go (stderr). */
  warn?: (line: string) => void;
}

const METHOD_NAMES: Record<SysmonMethod, string> = {
  precise: 'PTP_SYS_OFFSET_PRECISE',
  extended: 'PTP_SYS_OFFSET_EXTENDED',
  basic: 'PTP_SYS_OFFSET',
  gettime: 'clock_gettime',
};

/** C's sysmon_print_method line (stdout); C prints nothing for the clock_gettime fallback. */
export function sysmonMethodLine(s: Pick<Sysmon, 'device' | 'method'>): string {
  if (s.method === 'gettime') return '';
  return `Using ${METHOD_NAMES[s.method]} for measuring the offset from ${s.device} to CLOCK_REALTIME\n`;
}

function measure(fd: number, method: Exclude<SysmonMethod, 'gettime'>, n: number, io: DeviceIoctl): PhcOffset | number {
  if (method === 'precise') return sysOffsetPrecise(fd, io);
  if (method === 'extended') return sysOffsetExtended(fd, n, io);
  return sysOffsetBasic(fd, n, io);
}

/** C's sysoff_probe: the first ioctl that works, or the clock_gettime fallback. */
export function probeMethod(fd: number, n: number, io: DeviceIoctl, warn: (line: string) => void): SysmonMethod {
  if (n > PTP_MAX_SAMPLES) {
    warn(`warning: ${n} exceeds kernel max readings ${PTP_MAX_SAMPLES}\n`);
    warn('falling back to clock_gettime method\n');
    return 'gettime';
  }
  for (const m of ['precise', 'extended', 'basic'] as const) if (typeof measure(fd, m, n, io) !== 'number') return m;
  return 'gettime';
}

/** C's read_phc: the quickest of `n` [REALTIME, PHC, REALTIME] reading triplets. */
export function readPhcByGettime(clockId: number, n: number, gettime: (clockid: number) => bigint): SysmonReading {
  let best: SysmonReading | null = null;
  for (let i = 0; i < n; i++) {
    const t1 = gettime(CLOCK_REALTIME);
    const tp = gettime(clockId);
    const t2 = gettime(CLOCK_REALTIME);
    const interval = t2 - t1;
    if (!best || interval < best.delay) best = { offset: t1 - tp + interval / 2n, time: t2, delay: interval };
  }
  return best as SysmonReading;
}

function defaultOpenPhc(index: number): PhcHandle {
  return Phc.openIndex(index);
}

/** Opens /dev/ptp<index> and picks how to read it. */
export function openSysmonAtIndex(index: number, numReadings: number, deps: SysmonDeps = {}): Sysmon {
  if (!Number.isInteger(numReadings) || numReadings < 1) throw SysmonBadReadings(numReadings);
  const io = deps.io ?? kernelIoctl;
  const gettime = deps.gettime ?? clockGettime;
  let phc: PhcHandle;
  try {
    phc = (deps.openPhc ?? defaultOpenPhc)(index);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    throw SysmonOpen.with({ errno: err.errno }, `/dev/ptp${index}`, err.message);
  }
  const method = probeMethod(phc.fd, numReadings, io, deps.warn ?? ((l) => process.stderr.write(l)));
  const samples = Math.min(numReadings, PTP_MAX_SAMPLES);
  return {
    device: phc.path,
    method,
    offset(): SysmonReading {
      if (method === 'gettime') {
        try {
          return readPhcByGettime(phc.clockId, numReadings, gettime);
        } catch (err) {
          if (!isIsochronError(err)) throw err;
          throw SysmonRead.with({ errno: err.errno }, phc.path, `failed to read clock: ${err.message}`);
        }
      }
      const r = measure(phc.fd, method, samples, io);
      if (typeof r === 'number') throw SysmonRead.with({ errno: r }, phc.path, `ioctl(${METHOD_NAMES[method]}): ${strerror(r)}`);
      return { offset: r.offset, time: r.sysTime, delay: r.delay };
    },
    close: () => phc.close(),
  };
}

/** The PHC behind `ifname` (ETHTOOL_GET_TS_INFO); SysmonNoPhc when it has none. */
export function openSysmonForInterface(ifname: string, numReadings: number, deps: SysmonDeps = {}): Sysmon {
  const info = getTsInfo(ifname, deps.io ?? kernelIoctl);
  if (info.phcIndex < 0) throw SysmonNoPhc(ifname);
  return openSysmonAtIndex(info.phcIndex, numReadings, deps);
}
