// Errors of the syscall layer. A failed call keeps the kernel's errno (so the
// exit status is the one the C tool would give: `-errno & 0xff`) and says
// which call failed, the C library's text for the errno and what to check.
import { defineError, Errno, IsochronError, E } from '../core/errors.js';
import { strerror } from '../core/errno-text.js';

/** A system call failed; errno is the kernel's (the declared one is only the default). */
export const SyscallFailed = defineError(
  'ISOCHRON_ERR_SYSCALL',
  Errno.EIO,
  (call: string, text: string, hint: string) => `${call} failed: ${text}${hint ? `: ${hint}` : ''}`,
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

/** What to check for an errno when the caller has nothing more precise to say. */
function defaultHint(errnum: number): string {
  switch (errnum) {
    case E.EPERM:
    case E.EACCES:
      return 'run as root (or grant CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_NICE, CAP_IPC_LOCK as needed)';
    case E.ENODEV:
      return 'check the interface name with "ip link"';
    case E.EADDRINUSE:
      return 'another program uses this address and port';
    case E.ENETDOWN:
      return 'bring the interface up';
    case E.ENOMEM:
      return 'raise RLIMIT_MEMLOCK (ulimit -l) or free memory';
    default:
      return '';
  }
}

/** Builds the error for a failed call, keeping errno (positive, as libc reports it). */
export function sysError(call: string, errnum: number, hint?: string): IsochronError {
  const text = errnum > 0 ? strerror(errnum) : `unknown error ${errnum}`;
  return SyscallFailed.with({ errno: errnum }, call, text, hint ?? defaultHint(errnum));
}
