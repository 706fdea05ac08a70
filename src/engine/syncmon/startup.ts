// What a sender does before its first sync check (C's
// isochron_send_init_ptpmon and isochron_fixup_kernel_utc_offset): ask
// ptp4l for the UTC offset, waiting up to 3 s for a ptp4l that is not up
// yet ("waiting for ptp4l"), then make the kernel's UTC-TAI offset agree
// with it, because CLOCK_TAI is the test's time base.
import { isIsochronError } from '../../core/errors.js';
import { PtpmonNotRunning, type PtpmonClient } from '../ptpmon/index.js';
import { SyncPtp4lWaitTimeout } from './errors.js';
import type { OutputStreams } from '../../core/output.js';

export interface Ptp4lWaitIo extends OutputStreams {
  /** Resolves after ms, or at once when the run is interrupted. */
  sleep(ms: number): Promise<void>;
  interrupted(): boolean;
}

const RETRIES = 3;

function notRunning(err: unknown): boolean {
  return isIsochronError(err) && err.code === PtpmonNotRunning.code;
}

/** The UTC offset ptp4l advertises; throws SyncPtp4lWaitTimeout when ptp4l does not show up. */
export async function waitForPtp4l(ptpmon: PtpmonClient, io: Ptp4lWaitIo, onInterrupt: () => Error, retryMs = 1000): Promise<number> {
  let retries = RETRIES;
  for (;;) {
    try {
      return await ptpmon.utcOffset();
    } catch (err) {
      if (!notRunning(err)) {
        io.err(`ptpmon failed to query TIME_PROPERTIES_DATA_SET: ${(err as Error).message}\n`);
        throw err;
      }
      if (io.interrupted()) throw onInterrupt();
      if (!retries--) {
        io.err('Timed out waiting for ptp4l\n');
        throw SyncPtp4lWaitTimeout.with({ errno: 110 }, ptpmon.udsPath, (err as Error).message);
      }
      io.out('waiting for ptp4l\n');
      await io.sleep(retryMs);
    }
  }
}

/**
 * C's isochron_fixup_kernel_utc_offset: when the kernel's UTC-TAI offset
 * differs from ptp4l's, say so and set the kernel's (this moves CLOCK_TAI
 * for the whole machine, as C does; needs CAP_SYS_TIME).
 */
export function fixupKernelUtcOffset(ptpOffset: number, kernel: () => number, setKernel: (offset: number) => void, out: (text: string) => void): void {
  const current = kernel();
  if (current === ptpOffset) return;
  out(`Kernel UTC-TAI offset of ${current} seems out of date, updating it to ${ptpOffset}\n`);
  setKernel(ptpOffset);
}
