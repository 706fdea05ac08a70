// What each `isochron report` option means, for the help that teaches, the
// man page and the completions (docs/report.md has the full reference).
import type { OptionDocs } from '../../args/option-docs.js';
import { DEFAULT_OUTPUT_FILE } from '../../engine/traffic/defaults.js';
import { SUMMARY_FORMATS } from './request.js';

export const REPORT_OPTION_DOCS: OptionDocs = {
  '--input-file': {
    meaning: 'The .dat file to read, as written by isochron send --output-file',
    default: DEFAULT_OUTPUT_FILE,
    example: '--input-file run.dat',
  },
  '--summary': {
    meaning: 'Print the statistics of the run: latencies (min, max, mean, stddev), lost and late frames',
    default: 'off (unless --format is given)',
    example: '--summary',
  },
  '--start': {
    meaning: 'First seqid (frame number, from 1) to print or count',
    default: '1 (also when 0)',
    unit: 'seqid',
    example: '--start 100',
  },
  '--stop': {
    meaning: 'Last seqid to print or count',
    default: "the file's last frame (also when 0)",
    unit: 'seqid',
    example: '--stop 200',
  },
  '--printf-format': {
    meaning: 'Line printed per frame: printf directives %d %u %x %T (sec.nsec) with escapes like \\n, one variable per directive from --printf-args',
    default: 'none (no per-frame lines)',
    example: "--printf-format 'seqid %u arrived %T\\n' --printf-args 'qa'",
  },
  '--printf-args': {
    meaning:
      'One variable letter per --printf-format directive: q seqid, S scheduled, w wakeup, T/t/s TX hardware/software/scheduler timestamp, a arrival, R/r RX hardware/software timestamp, A B C H W the schedule',
    example: "--printf-args 'qS'",
  },
  '--format': {
    meaning: `Ours: how the summary is printed, one of ${SUMMARY_FORMATS.join(', ')} (text is the C tool's); implies --summary`,
    default: 'text',
    example: '--format json',
  },
};
