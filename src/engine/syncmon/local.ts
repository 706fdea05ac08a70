// The sender's own sync sources, set up in C's order (ptpmon, then
// sysmon): ptp4l's socket and UTC offset, the kernel UTC-TAI fix-up, and
// the PHC of the interface. Without a PHC (software timestamping) C fails;
// with --omit-hwts we skip sysmon with a line saying so, as the omit-hwts
// receiver does, and the monitor then checks ptp4l's offset alone.
import { isIsochronError } from '../../core/errors.js';
import { PtpmonClient } from '../ptpmon/index.js';
import type { DeviceIoctl } from '../../sys/ioctl.js';
import { openSysmonForInterface, SysmonNoPhc, sysmonMethodLine, type Sysmon, type SysmonDeps } from '../sysmon/index.js';
import { fixupKernelUtcOffset, waitForPtp4l, type Ptp4lWaitIo } from './startup.js';

export interface LocalSyncOptions {
  ifname: string;
  udsPath: string;
  domainNumber: number;
  transportSpecific: number;
  numReadings: number;
  omitHwts: boolean;
  /** --utc-tai-offset: written to the kernel first (C does, then ptp4l's value wins). */
  utcTaiOffsetOption: number | null;
  io?: DeviceIoctl;
  sysmonDeps?: SysmonDeps;
  localPath?: string;
  timeoutMs?: number;
  kernelTaiOffset: () => number;
  setKernelTaiOffset: (offset: number) => void;
  onInterrupt: () => Error;
}

export interface LocalSync {
  ptpmon: PtpmonClient;
  sysmon: Sysmon | null;
  /** ptp4l's currentUtcOffset: the offset the run uses. */
  utcOffset: number;
  close(): void;
}

export async function openLocalSync(o: LocalSyncOptions, io: Ptp4lWaitIo): Promise<LocalSync> {
  if (o.utcTaiOffsetOption !== null) o.setKernelTaiOffset(o.utcTaiOffsetOption);
  const ptpmon = PtpmonClient.open({
    udsPath: o.udsPath,
    domainNumber: o.domainNumber,
    transportSpecific: o.transportSpecific,
    ...(o.localPath ? { localPath: o.localPath } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  let sysmon: Sysmon | null = null;
  try {
    const utcOffset = await waitForPtp4l(ptpmon, io, o.onInterrupt);
    fixupKernelUtcOffset(utcOffset, o.kernelTaiOffset, o.setKernelTaiOffset, (t) => io.out(t));
    try {
      sysmon = openSysmonForInterface(o.ifname, o.numReadings, { ...o.sysmonDeps, ...(o.io ? { io: o.io } : {}), warn: (l) => io.err(l) });
      io.out(sysmonMethodLine(sysmon));
    } catch (err) {
      if (!(isIsochronError(err) && err.code === SysmonNoPhc.code && o.omitHwts)) throw err;
      io.err(`interface ${o.ifname} does not have a PHC: sysmon skipped (--omit-hwts), checking ptp4l's offset only\n`);
    }
    const opened = sysmon;
    return {
      ptpmon,
      sysmon: opened,
      utcOffset,
      close: () => {
        ptpmon.close();
        opened?.close();
      },
    };
  } catch (err) {
    ptpmon.close();
    sysmon?.close();
    throw err;
  }
}
