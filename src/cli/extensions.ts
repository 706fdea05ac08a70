// What the command line does beyond the C tool's grammar (docs/cli.md,
// "Extensions"): `isochron help [VERB]`, `isochron completion SHELL`,
// `isochron version` and `VERB --version` (stdout, status 0), and our lines
// after the C tool's top-level usage. Everything the C tool answers itself
// (`isochron --version`, `-V`: recorded on stderr with status 22) is left to
// src/args/parse.ts, so its recorded bytes stay as they are.
import { EXTENSION_COMMANDS, unknownVerbHint } from '../args/did-you-mean.js';
import { renderVerbHelp } from '../args/option-help.js';
import { topLevelUsage, verbOfProgramName } from '../args/parse.js';
import { ALL_VERB_NAMES, isVerbName } from '../args/verb-names.js';
import { unknownVerb } from '../args/errors.js';
import { VERB_SPECS } from './verbs.js';
import { COMMAND_SUMMARIES, VERB_SUMMARIES } from './verb-summaries.js';

/** What to print and the exit status. */
export interface Outcome {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly status: number;
}

/** The C tool's status for its top-level usage (+EINVAL). */
const TOP_LEVEL_STATUS = 22;
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Our lines after the C top-level usage: the verbs explained, our commands, the manuals. */
export function topLevelHelpTail(): string {
  const width = 13;
  const lines = ['', "The verbs (isochron's own help; the lines above are the C tool's usage):"];
  for (const verb of ALL_VERB_NAMES) lines.push(`  ${verb.padEnd(width)}${VERB_SUMMARIES[verb] ?? ''}`);
  lines.push('Our commands beside them:');
  lines.push(`  ${'help'.padEnd(width)}isochron help [VERB]: ${COMMAND_SUMMARIES.help}`);
  lines.push(`  ${'completion'.padEnd(width)}isochron completion bash|zsh|fish: ${COMMAND_SUMMARIES.completion}`);
  lines.push(`  ${'version'.padEnd(width)}isochron version, isochron VERB --version: ${COMMAND_SUMMARIES.version}`);
  lines.push(`Manual pages: isochron(8), ${ALL_VERB_NAMES.map((v) => `isochron-${v}(8)`).join(', ')}`);
  return lines.join('\n') + '\n';
}

function topLevelHelp(): string {
  return topLevelUsage() + topLevelHelpTail();
}

function help(argv0: string, rest: readonly string[]): Outcome {
  if (rest.length === 0) return { stdout: topLevelHelp(), status: 0 };
  const [verb] = rest;
  if (rest.length === 1 && isVerbName(verb)) return { stdout: renderVerbHelp(VERB_SPECS[verb]), status: 0 };
  if (rest.length > 1) return { stderr: 'isochron help: one verb at most, e.g. "isochron help send"\n', status: TOP_LEVEL_STATUS };
  const err = unknownVerb(argv0, verb, unknownVerbHint(verb));
  return { stderr: `${err.message}\n`, status: err.exitStatus };
}

async function completion(rest: readonly string[]): Promise<Outcome> {
  const shell = rest[0];
  if (rest.length !== 1 || !(SHELLS as readonly string[]).includes(shell)) {
    return { stderr: `isochron completion: name one shell: ${SHELLS.join(', ')} (e.g. "isochron completion bash")\n`, status: TOP_LEVEL_STATUS };
  }
  // Loaded only here: a verb's start-up never pays for the script generators.
  const { completionScript } = await import('./completion/index.js');
  return { stdout: completionScript(shell as Shell), status: 0 };
}

/**
 * The outcome when the command line is one of ours, undefined when it is the
 * C grammar's (src/args/parse.ts then reads it). `version` is our package's.
 */
export async function planExtension(argv0: string, args: readonly string[], version: string): Promise<Outcome | undefined> {
  const versionOutcome: Outcome = { stdout: `${version}\n`, status: 0 };
  const isVersionOnly = (rest: readonly string[]): boolean => rest.length === 1 && rest[0] === '--version';
  if (args.length === 0) return { stderr: topLevelHelp(), status: TOP_LEVEL_STATUS };
  if (verbOfProgramName(argv0)) return isVersionOnly(args) ? versionOutcome : undefined;
  const [first, ...rest] = args;
  if (first === '-h' || first === '--help') return { stderr: topLevelHelp(), status: TOP_LEVEL_STATUS };
  if (isVerbName(first)) return isVersionOnly(rest) ? versionOutcome : undefined;
  switch (first as (typeof EXTENSION_COMMANDS)[number]) {
    case 'help':
      return help(argv0, rest);
    case 'completion':
      return completion(rest);
    case 'version':
      return rest.length === 0 ? versionOutcome : undefined;
    default:
      return undefined;
  }
}
