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
// ---- Merged runs, --compare and --fail-if (ours; docs/report.md) ----

/** The form a --fail-if expression must have, shown in each of its errors. */
const FAIL_IF_FORM = "expected METRIC.STAT OP VALUE, e.g. --fail-if 'path-delay.p99 > 50us' " +
  '(OP one of < <= > >=; VALUE a number with ns, us, ms or s, a plain number is ns)';

/** A --fail-if expression that does not have the form METRIC.STAT OP VALUE. */
export const ReportFailIfSyntax = defineError('ISOCHRON_ERR_REPORT_FAIL_IF_SYNTAX', Errno.EINVAL,
  (expression: string, problem: string) =>
    parseFailure(Errno.EINVAL, `Cannot read --fail-if ${JSON.stringify(expression)}: ${problem}`, FAIL_IF_FORM));

/** A --fail-if naming a metric (the part before the dot) that report does not have. */
export const ReportFailIfMetric = defineError('ISOCHRON_ERR_REPORT_FAIL_IF_METRIC', Errno.EINVAL,
  (expression: string, metric: string, valid: string) =>
    parseFailure(Errno.EINVAL, `Unknown metric ${JSON.stringify(metric)} in --fail-if ${JSON.stringify(expression)}: ` +
      `expected one of ${valid}`));

/** A --fail-if naming a statistic (the part after the dot) that its metric does not have. */
export const ReportFailIfStat = defineError('ISOCHRON_ERR_REPORT_FAIL_IF_STAT', Errno.EINVAL,
  (expression: string, stat: string, metric: string, valid: string) =>
    parseFailure(Errno.EINVAL, `Unknown statistic ${JSON.stringify(stat)} of ${metric} in --fail-if ${JSON.stringify(expression)}: ` +
      `expected one of ${valid}`));

/** --compare with an option it cannot combine with (it names its own two files and prints its own table). */
export const ReportCompareCombination = defineError('ISOCHRON_ERR_REPORT_COMPARE_COMBINATION', Errno.EINVAL,
  (option: string) =>
    parseFailure(Errno.EINVAL, `--compare cannot be combined with ${option}: it reads the two files it names and prints their comparison`));

/** Several -F whose files cannot be summarised together (their metrics mean different things). */
export const ReportMergeMismatch = defineError('ISOCHRON_ERR_REPORT_MERGE_MISMATCH', Errno.EINVAL,
  (first: string, other: string, what: string) => `Cannot merge ${first} and ${other}: ${what}`);
