// What each `isochron orchestrate` option means, for the help that teaches,
// the man page and the completions.
import type { OptionDocs } from '../../args/option-docs.js';

export const ORCHESTRATE_OPTION_DOCS: OptionDocs = {
  '--input-file': {
    meaning:
      'Orchestration file (INI): one section per node pair, naming the daemons to drive and the send command line to run (docs/orchestrate.md)',
    example: '--input-file test.ini',
  },
};
