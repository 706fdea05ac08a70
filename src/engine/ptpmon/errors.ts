// Errors of the ptp4l management client. Each says which ptp4l socket and
// which request, and what to try next: the usual causes are a ptp4l that is
// not running (or listens elsewhere), and a domain number or transport
// specific value that makes ptp4l drop our requests without a word.
import { defineError, Errno } from '../../core/errors.js';

export const PtpmonNotRunning = defineError(
  'ISOCHRON_ERR_PTPMON_NOT_RUNNING',
  Errno.ENOENT,
  (path: string, text: string) =>
    `ptp4l is not running at ${path} (sendto: ${text}): start ptp4l (e.g. "ptp4l -i IFACE --uds_address ${path}") ` +
    'or point isochron at its socket with --unix-domain-socket',
);

export const PtpmonTimeout = defineError(
  'ISOCHRON_ERR_PTPMON_TIMEOUT',
  Errno.ETIMEDOUT,
  (path: string, what: string, ms: number, domain: number, transport: number) =>
    `ptp4l at ${path} did not answer GET ${what} within ${ms} ms: ptp4l drops requests of another domain or ` +
    `transport: check that --domain-number ${domain} and --transport-specific ${transport} match its ` +
    'domainNumber and transportSpecific',
);

export const PtpmonBadReply = defineError(
  'ISOCHRON_ERR_PTPMON_BAD_REPLY',
  Errno.EBADMSG,
  (path: string, what: string, detail: string) => `malformed reply from ${path} to GET ${what}: ${detail}`,
);

/** ptp4l answered with a MANAGEMENT_ERROR_STATUS TLV (C: "Server returned error code ..."). */
export const PtpmonManagementError = defineError(
  'ISOCHRON_ERR_PTPMON_MGMT_ERROR',
  Errno.EPROTO,
  (code: number, text: string, mid: number, what: string) =>
    `Server returned error code ${code} (${text}) for MID ${mid} (GET ${what})`,
);

export const PtpmonPortNotFound = defineError(
  'ISOCHRON_ERR_PTPMON_PORT_NOT_FOUND',
  Errno.ENODEV,
  (ifname: string, count: number, ports: string) =>
    `Interface ${ifname} not found among the ${count} port(s) reported by ptp4l: ${ports || '(none)'}: ` +
    'run ptp4l on this interface (-i) or pick the interface ptp4l runs on',
);

export const PtpmonSocket = defineError(
  'ISOCHRON_ERR_PTPMON_SOCKET',
  Errno.EIO,
  (detail: string) => `failed to open ptpmon: ${detail}`,
);

/** EINVAL as C's ptpmon_create failure would be an argument error (sockaddr_un holds 107 bytes + NUL). */
export const PtpmonPathTooLong = defineError(
  'ISOCHRON_ERR_PTPMON_PATH_TOO_LONG',
  Errno.EINVAL,
  (which: string, path: string) => `${which} UDS path "${path}" too long (at most 107 bytes)`,
);

export const PtpmonClosed = defineError(
  'ISOCHRON_ERR_PTPMON_CLOSED',
  Errno.EBADF,
  (path: string) => `ptpmon for ${path} is closed`,
);
