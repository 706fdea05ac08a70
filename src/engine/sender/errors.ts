// Errors of `isochron send`. Where the C sender prints a line for the same
// failure, the message starts with that line (users grep for it); what we
// add says which peer or call failed and what to do next.
import { defineError, Errno } from '../../core/errors.js';

export const SendInterfaceDown = defineError(
  'ISOCHRON_ERR_SEND_INTERFACE_DOWN',
  Errno.ENETDOWN,
  (ifname: string) => `Interface ${ifname} is administratively down`,
);

export const SendInterfaceQuery = defineError(
  'ISOCHRON_ERR_SEND_INTERFACE_QUERY',
  Errno.ENODEV,
  (ifname: string, text: string) => `Failed to query port ${ifname} admin state: ${text}`,
);

export const SendConnectFailed = defineError(
  'ISOCHRON_ERR_SEND_CONNECT',
  Errno.ECONNREFUSED,
  (port: number, text: string) => `Failed to connect to TCP port ${port}: ${text}`,
);

export const SendDestMacMissing = defineError(
  'ISOCHRON_ERR_SEND_DEST_MAC',
  Errno.EBADMSG,
  (where: string, detail: string) => `destination MAC missing from receiver reply\n(receiver ${where}: ${detail})`,
);

export const SendPrepareReceiver = defineError(
  'ISOCHRON_ERR_SEND_PREPARE_RECEIVER',
  Errno.EBADMSG,
  (text: string, where: string, detail: string) =>
    `Failed to prepare receiver for the test: ${text}\n(receiver ${where}: ${detail})`,
);

export const SendCollectFailed = defineError(
  'ISOCHRON_ERR_SEND_COLLECT',
  Errno.EBADMSG,
  (text: string, where: string, detail: string) =>
    `Failed to collect receiver stats: ${text}\n(receiver ${where}: ${detail})`,
);

/** The management connection died while the test ran: we stop, save our side and say so. */
export const SendReceiverLost = defineError(
  'ISOCHRON_ERR_SEND_RECEIVER_LOST',
  Errno.ECONNRESET,
  (where: string, what: string, detail: string, saved: string) =>
    `Lost the receiver ${where} during the test: ${what} failed: ${detail}\n${saved}`,
);

/** The C sender's log checks ("Could not log send packet ...", "There already exists ..."). */
export const SendLogRejected = defineError(
  'ISOCHRON_ERR_SEND_LOG',
  Errno.EINVAL,
  (line: string) => line,
);

/** A TX timestamp the log cannot take (unknown key, duplicate, premature/late TX, txtime drop). */
export const SendTxTimestamp = defineError(
  'ISOCHRON_ERR_SEND_TX_TIMESTAMP',
  Errno.EINVAL,
  (lines: string) => lines,
);

/**
 * The run completed, but with measurement faults (kept going: see
 * src/engine/sender/faults.ts). Exit status FAULT_EXIT_STATUS (3), not an errno: no
 * C status can mean it.
 */
export const SendMeasurementFaults = defineError(
  'ISOCHRON_ERR_SEND_MEASUREMENT_FAULTS',
  // FAULT_EXIT_STATUS, spelled as a literal for scripts/gen-errors-doc.mjs (test/send-faults checks they agree).
  3,
  (summary: string) => summary,
);

export const SendRingOverflow = defineError(
  'ISOCHRON_ERR_SEND_RING_OVERFLOW',
  Errno.ENOMEM,
  (which: string, dropped: number) =>
    `${which} record ring overflowed (${dropped} records lost): the main thread did not keep up; ` +
    'the log is incomplete. Try fewer frames per second or a less loaded machine',
);

export const SendUtcOffset = defineError(
  'ISOCHRON_ERR_SEND_UTC_OFFSET',
  Errno.EPERM,
  (text: string) => `set_utc_tai_offset: ${text}: setting the kernel UTC-TAI offset needs CAP_SYS_TIME`,
);

/** The C line for a driver without hardware timestamping (veth): scripts and the vectors match it. */
export const SendNoHwts = defineError(
  'ISOCHRON_ERR_SEND_NO_HWTS',
  Errno.EOPNOTSUPP,
  (text: string) => `ioctl SIOCSHWTSTAMP failed: ${text}`,
);

export const SendTsInfo = defineError(
  'ISOCHRON_ERR_SEND_TS_INFO',
  Errno.EOPNOTSUPP,
  (text: string) => `ioctl SIOCETHTOOL failed: ${text}`,
);

/** SIGINT/SIGTERM before the test started (C: -EINTR from the sync wait). */
export const SendInterrupted = defineError(
  'ISOCHRON_ERR_SEND_INTERRUPTED',
  -4,
  () => 'Failed to check sync status: Interrupted system call',
);

/** SIGINT/SIGTERM once the test ran: what was collected is saved, and the status says it was cut short. */
export const SendStopped = defineError(
  'ISOCHRON_ERR_SEND_STOPPED',
  Errno.EINTR,
  (signal: string) => `Interrupted by ${signal}: the test was stopped; what was collected is saved`,
);

/** Every frame lost: a run with nothing to report is not a success. */
export const SendNothingReceived = defineError(
  'ISOCHRON_ERR_SEND_NOTHING_RECEIVED',
  Errno.ENODATA,
  (sent: number) =>
    `None of the ${sent} frames sent reached the receiver (wrong interface, destination MAC or --etype on either side, ` +
    'a VLAN, or something dropping them on the way?)',
);

/** --output-file cannot be written: found before anything is sent, not after the test. */
export const SendOutputFile = defineError(
  'ISOCHRON_ERR_SEND_OUTPUT_FILE',
  Errno.ENOENT,
  (path: string, detail: string) => `Cannot write the output file ${path}: ${detail} (checked before the test, nothing was sent)`,
);
