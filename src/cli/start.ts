// Start-up of the `isochron` command: bin/isochron.js calls main() here.
//
// Scripts call `report` in loops, so its start-up must cost little more than
// Node's own (issue 12, bench/report-startup.ts). A command line is first
// planned with the report's grammar alone: when it runs `report`, the verb
// runs from here, and none of the other verbs' option tables (with their
// value parsers and engines) is loaded. Anything else (another verb, usage,
// an argument error, --version) goes to main.ts, which plans it again with
// every verb, so all that output has one source. The build also bundles this
// module and what it reaches into dist/src/bundle/ (scripts/bundle-start.mjs),
// which bin/isochron.js prefers: ESM resolution and loading per file was most
// of report's start-up, and the bundle is a few files instead of ~50.
import { planCommandLine } from '../args/parse.js';
import { programNameFrom } from './program-name.js';
import { REPORT_VERB } from './report-verb.js';

/** argv[0] as C would compare it (see program-name.ts). */
export function programName(): string {
  return programNameFrom(process.argv0, process.execPath, process.argv[1]);
}

/** Runs the command line; resolves to the exit status (never rejects for user errors). */
export async function main(argv0: string, args: string[]): Promise<number> {
  // The version only appears in an 'exit' plan, which main.ts makes again.
  const plan = planCommandLine({ report: REPORT_VERB }, argv0, args, { version: '' });
  // runReport turns every error into its message and exit status itself.
  if (plan.kind === 'run') return REPORT_VERB.run(plan.options);
  const cli = await import('./main.js');
  return cli.main(argv0, args);
}
