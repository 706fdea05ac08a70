// The whole command line to a plan, without side effects other than what a
// verb's builder checks (orchestrate's input file): either "print this and
// exit" or "run this verb with these options". The grammar knows the verb
// NAMES (C's usage lists them all) but not the verbs: the caller hands in
// the option table and builder of each verb it can run. The CLI
// (src/cli/command-line.ts) hands in all five; the orchestrator's exec
// lines only `send`, so a line naming another verb comes back as 'other'.
import { isIsochronError } from '../core/errors.js';
import type { VerbSpec } from './spec.js';
import { renderVerbHelp } from './option-help.js';
import { unknownVerbHint } from './did-you-mean.js';
import { errorText } from '../core/hints.js';
import { scanArgs } from './scan.js';
import { collectWithSade } from './sade-program.js';
import { ResolvedOptions } from './resolve.js';
import { unknownVerb } from './errors.js';
import { checkStrictValues, withStrictValueNote } from './strict-check.js';
import { ALL_VERB_NAMES, VERB_NAMES, isVerbName, type VerbName } from './verb-names.js';
import type { Clock } from './values/index.js';
import { clockTaiNs } from './values/clock.js';

/** One verb as the grammar sees it: its C option table and the builder of its typed options. */
export interface VerbGrammar<O> {
  readonly spec: VerbSpec;
  /** Typed options plus the checks C makes before touching the system; throws IsochronError. */
  build(resolved: ResolvedOptions): O;
}

/** The verbs a caller can run, by name, each with its options type (M maps name -> options). */
export type Grammars<M> = { readonly [K in keyof M & VerbName]: VerbGrammar<M[K]> };

export type Plan<M> =
  | { readonly kind: 'exit'; readonly stderr: string; readonly status: number }
  /** A verb name the caller's table does not hold (its arguments are not read); never for a full table. */
  | (VerbName extends keyof M ? never : { readonly kind: 'other'; readonly verb: VerbName })
  | { readonly [K in keyof M & VerbName]: { readonly kind: 'run'; readonly verb: K; readonly options: M[K] } }[keyof M & VerbName];

/** C's top-level usage and --version exit with +EINVAL. */
const TOP_LEVEL_STATUS = 22;
/** C verbs return -1 after printing their usage: exit 255. */
const VERB_USAGE_STATUS = 255;

export function topLevelUsage(): string {
  const lines = ['isochron usage:', ...VERB_NAMES.map((v) => `isochron ${v} ...`)];
  const runs = VERB_NAMES.map((v) => `"isochron ${v} --help", `).join('');
  return `${lines.join('\n')}\nRun ${runs}for more details.\n`;
}

export interface ParseContext {
  /** Our version, printed by -V/--version. */
  version: string;
  /** CLOCK_TAI now in ns, for relative "+sec.nsec" times. */
  nowTai?: Clock;
}

export type VerbParse<O> = { readonly kind: 'usage'; readonly text: string } | { readonly kind: 'options'; readonly options: O };

function specsOf<M>(grammars: Grammars<M>): Record<string, VerbSpec> {
  const specs: Record<string, VerbSpec> = {};
  for (const [name, g] of Object.entries(grammars) as [string, VerbGrammar<unknown>][]) specs[name] = g.spec;
  return specs;
}

function grammarOf<M>(grammars: Grammars<M>, verb: VerbName): VerbGrammar<unknown> | undefined {
  return (grammars as Partial<Record<VerbName, VerbGrammar<unknown>>>)[verb];
}

/**
 * A verb's own arguments (after the verb, or after an `isochron-VERB`
 * program name) to its typed options. Throws IsochronError with the C text.
 */
export function parseVerbArgs<M, K extends keyof M & VerbName>(
  grammars: Grammars<M>,
  verb: K,
  args: readonly string[],
  nowTai: Clock = clockTaiNs,
): VerbParse<M[K]> {
  const grammar = grammars[verb] as VerbGrammar<M[K]>;
  const scanned = scanArgs(grammar.spec, args, nowTai);
  if (scanned.helpRequested) return { kind: 'usage', text: renderVerbHelp(grammar.spec) };
  const collected = collectWithSade(specsOf(grammars), verb, scanned.occurrences);
  let options: M[K];
  try {
    options = grammar.build(new ResolvedOptions(grammar.spec, collected, nowTai));
  } catch (err) {
    // The C tool's check speaks first; a value we refuse is named after it.
    throw isIsochronError(err) ? withStrictValueNote(err, grammar.spec, collected) : err;
  }
  checkStrictValues(grammar.spec, collected);
  return { kind: 'options', options };
}

function planVerb<M>(grammars: Grammars<M>, verb: VerbName, args: readonly string[], ctx: ParseContext): Plan<M> {
  if (!grammarOf(grammars, verb)) return { kind: 'other', verb } as Plan<M>;
  try {
    const parsed = parseVerbArgs(grammars, verb as keyof M & VerbName, args, ctx.nowTai);
    if (parsed.kind === 'usage') return { kind: 'exit', stderr: parsed.text, status: VERB_USAGE_STATUS };
    return { kind: 'run', verb, options: parsed.options } as Plan<M>;
  } catch (err) {
    if (isIsochronError(err)) return { kind: 'exit', stderr: errorText(err), status: err.exitStatus };
    throw err;
  }
}

/** The verb an argv[0] of exactly "isochron-VERB" selects (README quirk 14), if any. */
export function verbOfProgramName(argv0: string): VerbName | undefined {
  return ALL_VERB_NAMES.find((verb) => argv0 === `isochron-${verb}`);
}

/**
 * C's isochron_parse_args(): with fewer than one argument, the usage; then
 * an exact match of argv[0] with "isochron-VERB" (so only a bare name
 * dispatches, README quirk 14); then the first argument as -V, -h or a verb.
 */
export function planCommandLine<M>(grammars: Grammars<M>, argv0: string, args: readonly string[], ctx: ParseContext): Plan<M> {
  if (args.length < 1) return { kind: 'exit', stderr: topLevelUsage(), status: TOP_LEVEL_STATUS };
  const programVerb = verbOfProgramName(argv0);
  if (programVerb) return planVerb(grammars, programVerb, args, ctx);
  const [first, ...rest] = args;
  if (first === '-V' || first === '--version') {
    return { kind: 'exit', stderr: `${ctx.version}\n`, status: TOP_LEVEL_STATUS };
  }
  if (first === '-h' || first === '--help') {
    return { kind: 'exit', stderr: topLevelUsage(), status: TOP_LEVEL_STATUS };
  }
  if (isVerbName(first)) return planVerb(grammars, first, rest, ctx);
  const err = unknownVerb(argv0, first, unknownVerbHint(first));
  return { kind: 'exit', stderr: `${err.message}\n`, status: err.exitStatus };
}
