// Errors of `isochron daemon`. Two kinds:
//  - process errors (listening, daemonizing, pid/log file) end the command
//    with the errno's low 8 bits as exit status;
//  - management errors are answered on the wire (empty TLV, then rc + this
//    text on GET_ERROR). Where the C daemon has a text for the same failure
//    the message is that text exactly (the C orchestrator prints it and
//    users grep for it); our own additions say what to do next.
import { defineError, Errno } from '../../core/errors.js';

/** Not in the shared Errno table. */
const ENETDOWN = -100;
const ECHILD = -10;

// ---- process --------------------------------------------------------------

export const DaemonListenFailed = defineError(
  'ISOCHRON_ERR_DAEMON_LISTEN',
  Errno.EADDRINUSE,
  (where: string, detail: string) =>
    `Failed to listen for management connections on ${where}: ${detail}`,
);

export const DaemonStartFailed = defineError(
  'ISOCHRON_ERR_DAEMON_START',
  ECHILD,
  (detail: string) => `The daemon process did not start: ${detail}`,
);

export const DaemonStartTimeout = defineError(
  'ISOCHRON_ERR_DAEMON_START_TIMEOUT',
  Errno.ETIMEDOUT,
  (ms: number, pid: number) =>
    `The daemon process (pid ${pid}) did not report that it listens within ${ms} ms; it was killed. See the log file`,
);

export const DaemonFileFailed = defineError(
  'ISOCHRON_ERR_DAEMON_FILE',
  Errno.EACCES,
  (what: string, path: string, detail: string) => `Cannot open ${what} ${path}: ${detail}`,
);

// ---- management replies (rc + extack) --------------------------------------

export const DaemonRoleMissing = defineError(
  'ISOCHRON_ERR_DAEMON_NO_ROLE',
  Errno.EINVAL,
  () => 'Sender role not instantiated',
);

export const DaemonUnexpectedRole = defineError(
  'ISOCHRON_ERR_DAEMON_ROLE',
  Errno.EINVAL,
  (role: number) => `Unexpected node role ${role}`,
);

export const DaemonTruncation = defineError(
  'ISOCHRON_ERR_DAEMON_TRUNCATION',
  Errno.EINVAL,
  () => 'Truncation while copying string',
);

export const DaemonLocked = defineError(
  'ISOCHRON_ERR_DAEMON_LOCKED',
  Errno.EBUSY,
  () => 'Test running, parameters are locked',
);

export const DaemonNotOwner = defineError(
  'ISOCHRON_ERR_DAEMON_NOT_OWNER',
  Errno.EBUSY,
  (owner: string) =>
    `The sender role is held by the connection from ${owner}; ` +
    'its parameters and tests are locked until it sets NODE_ROLE again or disconnects (GETs are allowed)',
);

export const DaemonOrphaned = defineError(
  'ISOCHRON_ERR_DAEMON_ORPHANED',
  Errno.EBUSY,
  (owner: string, keepMs: number) =>
    `The sender role's owner (${owner}) disconnected; its run is kept (log readable) until ${Math.round(keepMs / 1000)} s after it ended. ` +
    "SET NODE_ROLE 'reclaim-sender' (0x100) takes it over, SET NODE_ROLE 0 replaces it",
);

export const DaemonNothingToReclaim = defineError(
  'ISOCHRON_ERR_DAEMON_NOTHING_TO_RECLAIM',
  Errno.ENOENT,
  () => 'No orphaned sender role to reclaim (its run was never started, or its log expired or was replaced)',
);

export const DaemonAlreadyIdle = defineError('ISOCHRON_ERR_DAEMON_ALREADY_IDLE', Errno.EINVAL, () => 'Sender already idle');

export const DaemonAlreadyRunning = defineError(
  'ISOCHRON_ERR_DAEMON_ALREADY_RUNNING',
  Errno.EINVAL,
  () => 'Sender already running a test',
);

export const DaemonNoLog = defineError(
  'ISOCHRON_ERR_DAEMON_NO_LOG',
  Errno.EINVAL,
  () => 'Log exists only while session is active',
);

export const DaemonMonitorMissing = defineError(
  'ISOCHRON_ERR_DAEMON_MONITOR_MISSING',
  Errno.EINVAL,
  (which: 'sysmon' | 'ptpmon') => `Sender ${which} not instantiated`,
);

export const DaemonMonitorNotEnabled = defineError(
  'ISOCHRON_ERR_DAEMON_MONITOR_NOT_ENABLED',
  Errno.EINVAL,
  (which: 'sysmon' | 'ptpmon') => `${which} not enabled`,
);

export const DaemonMonitorAlready = defineError(
  'ISOCHRON_ERR_DAEMON_MONITOR_ALREADY',
  Errno.EINVAL,
  (which: 'sysmon' | 'ptpmon') => `${which} already enabled`,
);

/** C's text for PORT_STATE without IF_NAME; we also give it for SYSMON_ENABLED (C: -ENOMEM, no text). */
export const DaemonNoInterface = defineError(
  'ISOCHRON_ERR_DAEMON_NO_INTERFACE',
  Errno.EINVAL,
  () => 'Sender interface not specified',
);

export const DaemonSyncCancelled = defineError(
  'ISOCHRON_ERR_DAEMON_SYNC_CANCELLED',
  Errno.EINTR,
  (what: string) => `${what}: the sender role was dropped meanwhile (its client left or set NODE_ROLE again)`,
);

export const DaemonSyncThreshold = defineError(
  'ISOCHRON_ERR_DAEMON_SYNC_THRESHOLD',
  Errno.EINVAL,
  () =>
    '--sync-threshold is mandatory unless --omit-sync is used ' +
    '(a daemon has no sync threshold: set SYNC_MONITOR_ENABLED to 0, as the orchestrator does)',
);

export const DaemonBadParams = defineError(
  'ISOCHRON_ERR_DAEMON_PARAMS',
  Errno.EINVAL,
  (detail: string) => detail,
);

export const DaemonInterfaceDown = defineError(
  'ISOCHRON_ERR_DAEMON_INTERFACE_DOWN',
  ENETDOWN,
  (ifname: string) => `Interface ${ifname} is administratively down`,
);

export const DaemonLogTooLarge = defineError(
  'ISOCHRON_ERR_DAEMON_LOG_TOO_LARGE',
  Errno.ENOMEM,
  (count: string, max: number) =>
    `PACKET_COUNT ${count} needs a sender log larger than this daemon keeps (at most ${max} packets); run shorter tests`,
);

export const DaemonTestFailed = defineError(
  'ISOCHRON_ERR_DAEMON_TEST_FAILED',
  Errno.EIO,
  (thread: string, detail: string) => `${thread} failed: ${detail}`,
);
