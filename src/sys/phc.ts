// PTP hardware clocks: open /dev/ptpN, read it as a POSIX dynamic clock, and
// measure its offset to CLOCK_REALTIME with the PTP_SYS_OFFSET family of
// ioctls (PRECISE: cross-timestamped by the hardware; EXTENDED: [sys, phc,
// sys] triplets; basic: interleaved sys/phc readings). No PHC exists on the
// development machine: the ioctls go through a DeviceIoctl, so tests drive
// the encoders and the estimator with a fake clock.
import { E } from '../core/errors.js';
import { O_CLOEXEC, O_RDWR, PTP_MAX_SAMPLES, PTP_SYS_OFFSET, PTP_SYS_OFFSET_EXTENDED, PTP_SYS_OFFSET_PRECISE } from './constants.js';
import { InvalidSysArgument, NoPhc, sysError } from './errors.js';
import { kernelIoctl, type DeviceIoctl } from './ioctl.js';
import { lastErrno, libc } from './libc.js';
import { SIZEOF, readPtpClockTime } from './structs.js';
import { getTsInfo } from './tstamp.js';

export type SysoffMethod = 'precise' | 'extended' | 'basic';

export interface PhcOffset {
  /** CLOCK_REALTIME minus PHC time, ns. */
  offset: bigint;
  /** CLOCK_REALTIME at the measurement, ns. */
  sysTime: bigint;
  /** Width of the best [sys, sys] window, ns (0 for PRECISE). */
  delay: bigint;
  method: SysoffMethod;
}

/** FD_TO_CLOCKID: the dynamic clockid of an open PHC. */
export function phcClockId(fd: number): number {
  return ((~fd) << 3) | 3;
}

/** One [t1 system, tp phc, t2 system] sample. */
export type Sample = readonly [bigint, bigint, bigint];

/** The sample with the narrowest system window; its midpoint minus the PHC reading is the offset. */
export function estimateOffset(samples: readonly Sample[]): { offset: bigint; sysTime: bigint; delay: bigint } {
  if (samples.length === 0) throw InvalidSysArgument('no PHC offset samples');
  let best: { offset: bigint; sysTime: bigint; delay: bigint } | null = null;
  for (const [t1, tp, t2] of samples) {
    const delay = t2 - t1;
    const sysTime = (t1 + t2) / 2n;
    if (!best || delay < best.delay) best = { offset: sysTime - tp, sysTime, delay };
  }
  return best as { offset: bigint; sysTime: bigint; delay: bigint };
}

function checkSamples(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > PTP_MAX_SAMPLES) throw InvalidSysArgument(`PHC samples ${n} out of 1..${PTP_MAX_SAMPLES}`);
}

/** PTP_SYS_OFFSET_PRECISE; returns the errno instead of throwing when unsupported. */
export function sysOffsetPrecise(fd: number, io: DeviceIoctl = kernelIoctl): PhcOffset | number {
  const b = Buffer.alloc(SIZEOF.ptp_sys_offset_precise);
  const errnum = io(fd, PTP_SYS_OFFSET_PRECISE, b);
  if (errnum) return errnum;
  const device = readPtpClockTime(b, 0);
  const realtime = readPtpClockTime(b, 16);
  return { offset: realtime - device, sysTime: realtime, delay: 0n, method: 'precise' };
}

/**
 * Samples the PHC against CLOCK_REALTIME with one of the two ioctls whose
 * answer is a list of (sys, phc, sys) triples after a 16-byte head:
 * PTP_SYS_OFFSET_EXTENDED (48-byte samples) and PTP_SYS_OFFSET, whose ts[]
 * interleaves sys, phc, sys, phc, ..., sys (sample i is ts[2i..2i+2], so
 * samples overlap by one timestamp: a 32-byte stride).
 */
function sampleTriples(
  fd: number,
  samples: number,
  io: DeviceIoctl,
  request: number,
  size: number,
  stride: number,
): Sample[] | number {
  checkSamples(samples);
  const b = Buffer.alloc(size);
  b.writeUInt32LE(samples, 0);
  const errnum = io(fd, request, b);
  if (errnum) return errnum;
  const list: Sample[] = [];
  for (let i = 0; i < samples; i++) {
    const at = 16 + i * stride;
    list.push([readPtpClockTime(b, at), readPtpClockTime(b, at + 16), readPtpClockTime(b, at + 32)]);
  }
  return list;
}

export function sysOffsetExtended(fd: number, samples: number, io: DeviceIoctl = kernelIoctl): PhcOffset | number {
  const list = sampleTriples(fd, samples, io, PTP_SYS_OFFSET_EXTENDED, SIZEOF.ptp_sys_offset_extended, 48);
  return typeof list === 'number' ? list : { ...estimateOffset(list), method: 'extended' };
}

export function sysOffsetBasic(fd: number, samples: number, io: DeviceIoctl = kernelIoctl): PhcOffset | number {
  const list = sampleTriples(fd, samples, io, PTP_SYS_OFFSET, SIZEOF.ptp_sys_offset, 32);
  return typeof list === 'number' ? list : { ...estimateOffset(list), method: 'basic' };
}

/** The best method the driver supports, tried in the order isochron uses. */
export function probeSysoff(fd: number, samples: number, io: DeviceIoctl = kernelIoctl): SysoffMethod {
  if (typeof sysOffsetPrecise(fd, io) !== 'number') return 'precise';
  if (typeof sysOffsetExtended(fd, samples, io) !== 'number') return 'extended';
  const basic = sysOffsetBasic(fd, samples, io);
  if (typeof basic !== 'number') return 'basic';
  throw sysError(`ioctl(PTP_SYS_OFFSET) on fd ${fd} (the PHC driver supports none of the PTP_SYS_OFFSET ioctls)`, basic);
}

export function measurePhcOffset(fd: number, method: SysoffMethod, samples: number, io: DeviceIoctl = kernelIoctl): PhcOffset {
  const r =
    method === 'precise' ? sysOffsetPrecise(fd, io) : method === 'extended' ? sysOffsetExtended(fd, samples, io) : sysOffsetBasic(fd, samples, io);
  const names = { precise: 'PTP_SYS_OFFSET_PRECISE', extended: 'PTP_SYS_OFFSET_EXTENDED', basic: 'PTP_SYS_OFFSET' };
  if (typeof r === 'number') throw sysError(`ioctl(${names[method]}) on fd ${fd}`, r);
  return r;
}

/** An open /dev/ptpN. */
export class Phc {
  private constructor(readonly fd: number, readonly index: number, readonly path: string) {}

  static openIndex(index: number): Phc {
    if (!Number.isInteger(index) || index < 0) throw InvalidSysArgument(`PHC index ${index} is not a device`);
    const path = `/dev/ptp${index}`;
    const fd = libc().open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) throw sysError(`open(${path})`, lastErrno(), 'open-phc', { path });
    return new Phc(fd, index, path);
  }

  /** Opens the PHC behind an interface (ethtool phc_index). */
  static openForInterface(ifname: string, io: DeviceIoctl = kernelIoctl): Phc {
    const info = getTsInfo(ifname, io);
    if (info.phcIndex < 0) throw NoPhc.with({ errno: E.ENODEV }, ifname);
    return Phc.openIndex(info.phcIndex);
  }

  get clockId(): number {
    return phcClockId(this.fd);
  }

  close(): void {
    libc().close(this.fd);
  }
}

/** An open PHC as the PTP_SYS_OFFSET probes need it: its fd (handed to a DeviceIoctl) and path. */
export interface PhcHandle {
  readonly fd: number;
  readonly path: string;
  close(): void;
}

/** Opens /dev/ptpN: the real device by default, a fake where no PHC exists (tests). Throws a system error. */
export type PhcOpener = (index: number) => PhcHandle;

export const openPhcDevice: PhcOpener = (index) => Phc.openIndex(index);
