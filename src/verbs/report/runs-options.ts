// The report options for several runs (-F repeated, --compare) and CI gates
// (--fail-if): their rows of the report table (after the C tool's options)
// and what they add to ReportOptions. docs/report.md describes them.
import type { OptionSpec } from '../../args/spec.js';
import { PATH_LIMIT } from '../../args/spec.js';
import type { ResolvedOptions } from '../../args/resolve.js';
import type { ReportOptions } from './request.js';
import { parseFailIf } from './fail-if.js';
import { ReportCompareCombination } from './errors.js';

/** A --fail-if expression is one short line; anything longer is already wrong. */
const FAIL_IF_LIMIT = 256;

export const RUNS_OPTIONS: readonly OptionSpec[] = [
  {
    short: '-C', long: '--compare', key: 'compare', kind: 'filepath', optional: true, limit: PATH_LIMIT, arity: 2,
    doc: {
      meaning: 'Compare two runs: per metric and statistic, A, B, the difference B - A and the relative change ' +
        '(text, or --format json|csv); takes two files and replaces -F',
      example: '--compare before.dat after.dat',
    },
  },
  {
    short: '-G', long: '--fail-if', key: 'failIf', kind: 'string', optional: true, limit: FAIL_IF_LIMIT, repeatable: true,
    doc: {
      meaning: 'A CI gate, METRIC.STAT OP VALUE (OP < <= > >=): exit 1 when it holds, naming it on stderr; repeatable ' +
        '(any condition that holds fails); METRIC also packets or deadline_misses',
      unit: 'ns, us, ms or s suffix; a plain number is ns (counts and percentages take plain numbers)',
      example: "--fail-if 'path-delay.p99 > 50us' --fail-if 'packets.not_received > 0'",
    },
  },
];

/**
 * What -F (repeated), --compare and --fail-if add to the report options.
 * Throws the --fail-if argument errors and ReportCompareCombination.
 */
export function buildRunsOptions(r: ResolvedOptions, defaultFile: string): Partial<ReportOptions> {
  const files = r.texts('inputFile').map((f) => f || defaultFile);
  const compare = r.texts('compare');
  const failIf = r.texts('failIf').map(parseFailIf);
  if (compare.length > 0) {
    const clash = files.length > 0 ? '-F/--input-file'
      : r.text('printfFormat', '') !== '' || r.text('printfArgs', '') !== '' ? '--printf-format/--printf-args'
        : failIf.length > 0 ? '--fail-if' : undefined;
    if (clash) throw ReportCompareCombination(clash);
  }
  return {
    ...(files.length > 1 ? { inputFiles: files } : {}),
    ...(compare.length === 2 ? { compare: [compare[0], compare[1]] as [string, string] } : {}),
    ...(failIf.length > 0 ? { failIf } : {}),
  };
}
