// Errors of the command line. Messages are the C tool's stderr text, byte for
// byte (scripts parse them), and the errno gives the C exit status. Errors
// raised while options are being read end with the C parser's
// "argument parsing failed: <strerror>" line, exactly as C prints it.
import { defineError, Errno } from '../core/errors.js';
import { strerror } from '../core/errno-text.js';
import { VERB_NAMES } from './verb-names.js';

/** C's isochron_parse_args() returns +EINVAL, which main() negates: exit 22. */
const TOP_LEVEL_EINVAL = 22;

/** A message of the C parser's shape: the lines, then "argument parsing failed: <strerror>". */
export function parseFailure(errno: number, ...lines: string[]): string {
  return [...lines, `argument parsing failed: ${strerror(-errno)}`].join('\n');
}


/** `hint`: our line after C's (src/args/did-you-mean.ts), when there is one. */
export const unknownVerb = defineError(
  'ISOCHRON_ERR_CLI_UNKNOWN_VERB',
  TOP_LEVEL_EINVAL,
  (prog: string, verb: string, hint?: string) =>
    `${prog}: unknown function ${verb}, expected one of ${VERB_NAMES.map((v) => `"${v}", `).join('')}` +
    (hint ? `\n${hint}` : ''),
);

export const unknownOption = defineError('ISOCHRON_ERR_CLI_UNKNOWN_OPTION', Errno.EINVAL, (arg: string, hint?: string) =>
  parseFailure(Errno.EINVAL, `Unrecognized option ${arg}`) + (hint ? `\n${hint}` : ''),
);

export const missingValue = defineError('ISOCHRON_ERR_CLI_MISSING_VALUE', Errno.EINVAL, (arg: string) =>
  parseFailure(Errno.EINVAL, `Value expected after ${arg}`),
);

export const missingOption = defineError('ISOCHRON_ERR_CLI_MISSING_OPTION', Errno.EINVAL, (long: string) =>
  parseFailure(Errno.EINVAL, `Please specify ${long}`),
);

// MAC parsing fails only when text is left after the sixth octet (-EFBIG).
export const badMac = defineError('ISOCHRON_ERR_CLI_BAD_MAC', Errno.EFBIG, (long: string) =>
  parseFailure(Errno.EFBIG, `Could not read ${long}: ${strerror(-Errno.EFBIG)}`),
);

// strtol/strtoul overflow: C reports ERANGE, then returns a bare -1 (EPERM).
export const numberOutOfRange = defineError('ISOCHRON_ERR_CLI_NUMBER_RANGE', Errno.EPERM, (long: string) =>
  parseFailure(Errno.EPERM, `Could not read ${long}: ${strerror(-Errno.ERANGE)}`),
);

// C names every time option "base time" in this message; kept for compatibility.
export const timeFractionTooLong = defineError('ISOCHRON_ERR_CLI_TIME_FRACTION', Errno.EPERM, (fraction: string) =>
  parseFailure(
    Errno.EPERM,
    `Nanosecond format too long, would truncate: ${fraction}`,
    `Could not read base time: ${strerror(-Errno.ERANGE)}`,
  ),
);

export const timeSecondsOutOfRange = defineError('ISOCHRON_ERR_CLI_TIME_RANGE', Errno.EPERM, () =>
  parseFailure(
    Errno.EPERM,
    `Failed to read seconds: ${strerror(-Errno.ERANGE)}`,
    `Could not read base time: ${strerror(-Errno.EINVAL)}`,
  ),
);

export const badIpAddress = defineError('ISOCHRON_ERR_CLI_BAD_IP', Errno.EPERM, (address: string) =>
  parseFailure(Errno.EPERM, `IP address ${address} not in known format`),
);

export const badIpDevice = defineError('ISOCHRON_ERR_CLI_BAD_IP_DEVICE', Errno.EINVAL, (device: string) =>
  parseFailure(Errno.EINVAL, `Invalid interface name ${device}`),
);

/** `what` is the C wording: "Interface name", "File path" or "String". */
export const valueTooLong = defineError(
  'ISOCHRON_ERR_CLI_VALUE_TOO_LONG',
  Errno.ERANGE,
  (what: string, value: string, limit: number) =>
    parseFailure(Errno.ERANGE, `${what} "${value}" too large, please limit to ${limit} bytes`),
);

/** Options that parse but contradict each other (checked before touching the system). */
export const invalidCombination = defineError(
  'ISOCHRON_ERR_CLI_INVALID_COMBINATION',
  Errno.EINVAL,
  (message: string) => message,
);

/**
 * The orchestration file cannot be opened or mapped. C reports it with
 * perror() and returns -errno, but glibc's perror() replaces errno with
 * EINVAL when stderr is write-only (a pipe), which is how the recording ran:
 * exit 234. We keep that status whatever stderr is, so scripts see one value.
 */
export const inputFileUnreadable = defineError(
  'ISOCHRON_ERR_CLI_INPUT_FILE',
  Errno.EINVAL,
  (call: string, reason: string) => `${call}: ${reason}`,
);

/**
 * A value the C tool would silently truncate or wrap (src/args/values/strict.ts):
 * ours, checked after the C tool's own checks. The hint line says the expected form.
 */
export const badValue = defineError(
  'ISOCHRON_ERR_CLI_BAD_VALUE',
  Errno.EINVAL,
  (long: string, value: string) => `Invalid value for ${long}: ${JSON.stringify(value)}`,
);
