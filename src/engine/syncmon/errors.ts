// Errors of the sync monitor and of the sync sources the receiver answers
// its sender from.
import { defineError, Errno } from '../../core/errors.js';

/** C: "Timed out waiting for ptp4l" after 3 retries, one second apart. */
export const SyncPtp4lWaitTimeout = defineError(
  'ISOCHRON_ERR_SYNC_PTP4L_TIMEOUT',
  Errno.ETIMEDOUT,
  (path: string, detail: string) =>
    `Timed out waiting for ptp4l at ${path}: ${detail}`,
);

/**
 * A receiver's answer to SYSMON_OFFSET/PTPMON_OFFSET/...: the C extack
 * ("Failed to read ptpmon offset: <strerror>"), then our reason in brackets.
 */
export const SyncSourceFailed = defineError(
  'ISOCHRON_ERR_SYNC_SOURCE',
  Errno.EIO,
  (what: string, text: string, detail: string) => `Failed to read ${what}: ${text} (${detail})`,
);

/** The C receiver's answer to SYSMON_OFFSET without a PHC (--omit-hwts); senders treat it as "no sysmon". */
export const SYSMON_ABSENT_TEXT = 'Sync monitoring absent';
export const SyncMonitoringAbsent = defineError('ISOCHRON_ERR_SYNC_SYSMON_ABSENT', Errno.EINVAL, () => SYSMON_ABSENT_TEXT);
