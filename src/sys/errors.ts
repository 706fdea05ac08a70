// Errors of the syscall layer. A failed call keeps the kernel's errno (so the
// exit status is the one the C tool would give: `-errno & 0xff`) and says
// which call failed, the C library's text for the errno and what to check.
import { defineError, Errno, IsochronError } from '../core/errors.js';
import { hintFor, type HintContext, type HintOperation } from '../core/hints.js';
import { strerror } from '../core/errno-text.js';

/** A system call failed; errno is the kernel's (the declared one is only the default). */
export const SyscallFailed = defineError(
  'ISOCHRON_ERR_SYSCALL',
  Errno.EIO,
  (call: string, text: string) => `${call} failed: ${text}`,
);

/** SIOCSHWTSTAMP refused: the interface cannot timestamp in hardware. */
export const NoHardwareTimestamping = defineError(
  'ISOCHRON_ERR_NO_HWTS',
  Errno.EOPNOTSUPP,
  (ifname: string, text: string) =>
    `SIOCSHWTSTAMP on ${ifname} failed: ${text}: interface ${ifname} has no hardware timestamping: use --omit-hwts`,
);

export const NoSuchInterface = defineError(
  'ISOCHRON_ERR_NO_SUCH_INTERFACE',
  Errno.ENODEV,
  (ifname: string) => `interface ${ifname} not found: check the name with "ip link" (and the network namespace)`,
);

/** What is wrong with an interface name that does not fit IFNAMSIZ (one code for all three). */
function ifnameProblem(ifname: string): string {
  if (ifname === '') return 'is empty';
  if (ifname.includes('\0')) return `${JSON.stringify(ifname)} contains a NUL byte`;
  return `${JSON.stringify(ifname)} is longer than 15 bytes`;
}

export const InterfaceNameTooLong = defineError(
  'ISOCHRON_ERR_IFNAME_TOO_LONG',
  Errno.EINVAL,
  (ifname: string) => `interface name ${ifnameProblem(ifname)}`,
);

export const NoPhc = defineError(
  'ISOCHRON_ERR_NO_PHC',
  Errno.ENODEV,
  (ifname: string) => `interface ${ifname} has no PTP hardware clock (ethtool reports phc index -1)`,
);

export const BadControlMessage = defineError(
  'ISOCHRON_ERR_BAD_CMSG',
  Errno.EBADMSG,
  (what: string) => `malformed control message from the kernel: ${what}`,
);

export const InvalidSysArgument = defineError(
  'ISOCHRON_ERR_SYS_ARGUMENT',
  Errno.EINVAL,
  (what: string) => `invalid argument: ${what}`,
);

/**
 * Builds the error for a failed call, keeping errno (positive, as libc
 * reports it). The message is `<call> failed: <strerror>`; the hint comes
 * from the one hint table (src/core/hints.ts) for `op` (default: the causes
 * that hold for any call), and is null when the table names no cause.
 */
export function sysError(call: string, errnum: number, op: HintOperation = 'syscall', context: HintContext = {}): IsochronError {
  const text = errnum > 0 ? strerror(errnum) : `unknown error ${errnum}`;
  return SyscallFailed.with({ errno: errnum, hint: hintFor(op, errnum, context) }, call, text);
}
