// Errors of `isochron report`. Messages are the C tool's stderr lines (users
// and scripts match them); codes are stable and ours.
import { defineError, Errno } from '../../core/errors.js';
import { parseFailure } from '../../args/errors.js';

export const ReportOutOfBounds = defineError('ISOCHRON_ERR_REPORT_OUT_OF_BOUNDS', Errno.ERANGE,
  () => 'Trying to index an out-of-bounds element');

export const PrintfBackslashAtEnd = defineError('ISOCHRON_ERR_PRINTF_BACKSLASH_AT_END', Errno.EINVAL,
  () => 'Illegal backslash placement at the end of the printf format');

export const PrintfUnknownEscape = defineError('ISOCHRON_ERR_PRINTF_UNKNOWN_ESCAPE', Errno.EINVAL,
  (ch: string) => `Unrecognized escape sequence ${ch}`);

export const PrintfPercentAtEnd = defineError('ISOCHRON_ERR_PRINTF_PERCENT_AT_END', Errno.EINVAL,
  () => 'Illegal percent placement at the end of the printf format');

export const PrintfNotEnoughArgs = defineError('ISOCHRON_ERR_PRINTF_NOT_ENOUGH_ARGS', Errno.EINVAL,
  () => 'Not enough arguments for format');

export const PrintfUnknownVariable = defineError('ISOCHRON_ERR_PRINTF_UNKNOWN_VARIABLE', Errno.EINVAL,
  (ch: string) => `Unknown variable code '${ch}'`);

/** A variable used with a directive it does not allow (only q has limits: %u %x). */
export const PrintfBadDirective = defineError('ISOCHRON_ERR_PRINTF_BAD_DIRECTIVE', Errno.EINVAL,
  (ch: string, as: string) => `Variable '${ch}' cannot be printed as ${as}`);

export const PrintfUnknownCode = defineError('ISOCHRON_ERR_PRINTF_UNKNOWN_CODE', Errno.EINVAL,
  (ch: string) => `Unknown printf code '${ch}'`);

export const PrintfArgsUnconsumed = defineError('ISOCHRON_ERR_PRINTF_ARGS_UNCONSUMED', Errno.EINVAL,
  () => 'printf arguments left unconsumed');

/** One packet's output would exceed the C tool's 4096-byte line buffer. */
export const PrintfBufferTooSmall = defineError('ISOCHRON_ERR_PRINTF_BUFFER', Errno.EINVAL,
  (what: string) => what);

export const ReportOutputFailed = defineError('ISOCHRON_ERR_REPORT_OUTPUT', Errno.EPIPE,
  (fd: number, reason: string) => `writing the report to file descriptor ${fd} failed: ${reason}`);

export const ReportInternal = defineError('ISOCHRON_ERR_REPORT_INTERNAL', Errno.EIO,
  (detail: string) => `internal error while reading the report: ${detail} (please report this bug)`);

/** --format with a value other than text, json or csv (an argument error, C's parse-failure status). */
export const ReportBadFormat = defineError('ISOCHRON_ERR_REPORT_BAD_FORMAT', Errno.EINVAL, (value: string) =>
  parseFailure(Errno.EINVAL, `Unknown --format ${JSON.stringify(value)}: expected text, json or csv`));

/** --packets with a value other than csv or jsonl (an argument error, C's parse-failure status). */
export const ReportBadPackets = defineError('ISOCHRON_ERR_REPORT_BAD_PACKETS', Errno.EINVAL, (value: string) =>
  parseFailure(Errno.EINVAL, `Unknown --packets ${JSON.stringify(value)}: expected csv or jsonl`));

/** --packets with an option whose output would be mixed with its rows (an argument error). */
export const ReportPacketsConflict = defineError('ISOCHRON_ERR_REPORT_PACKETS_CONFLICT', Errno.EINVAL, (other: string) =>
  parseFailure(Errno.EINVAL, `--packets cannot be combined with ${other}: run report once for each`));
