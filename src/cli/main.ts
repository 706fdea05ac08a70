// Entry point of the `isochron` command (bin/isochron.js calls main()).
import { isIsochronError } from '../core/errors.js';
import { errorText } from '../core/hints.js';
import { planCommandLine } from './command-line.js';
import type { VerbName } from '../args/verb-names.js';
import { VERBS, type VerbOptions } from './verbs.js';
import { packageVersion } from './version.js';
import { programNameFrom } from './program-name.js';
import { planExtension } from './extensions.js';

/** argv[0] as C would compare it (see program-name.ts). */
export function programName(): string {
  return programNameFrom(process.argv0, process.execPath, process.argv[1]);
}

function runVerb<K extends VerbName>(verb: K, options: VerbOptions[K]): Promise<number> {
  return VERBS[verb].run(options);
}

/** Runs the command line; resolves to the exit status (never rejects for user errors). */
export async function main(argv0: string, args: string[]): Promise<number> {
  const ours = await planExtension(argv0, args, packageVersion());
  if (ours) {
    if (ours.stdout) process.stdout.write(ours.stdout);
    if (ours.stderr) process.stderr.write(ours.stderr);
    return ours.status;
  }
  const plan = planCommandLine(argv0, args, { version: packageVersion() });
  if (plan.kind === 'exit') {
    process.stderr.write(plan.stderr);
    return plan.status;
  }
  try {
    return await runVerb(plan.verb, plan.options);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    process.stderr.write(errorText(err));
    return err.exitStatus;
  }
}
