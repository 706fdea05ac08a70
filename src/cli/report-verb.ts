// The report verb as the CLI runs it: its option table, the builder of its
// typed options, and its entry, loaded on first use. One definition shared by
// the verb table (verbs.ts) and the start-up path (start.ts), which plans a
// `report` command line with this grammar alone.
import type { VerbGrammar } from '../args/parse.js';
import { REPORT_SPEC, buildReportOptions } from '../verbs/report/options.js';
import type { ReportOptions } from '../verbs/report/request.js';

export const REPORT_VERB: VerbGrammar<ReportOptions> & { run(options: ReportOptions): Promise<number> } = {
  spec: REPORT_SPEC,
  build: buildReportOptions,
  run: async (options) => {
    // Loaded on demand so that other verbs do not load the report code.
    const { runReport } = await import('../verbs/report/run.js');
    return runReport(options);
  },
};
