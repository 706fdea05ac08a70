// The whole command line to a plan, without side effects other than the
// orchestration file check: either "print this and exit" or "run this verb
// with these options". main.ts executes the plan; tests and the
// orchestrator (exec lines) can call these functions directly.
import { isIsochronError } from '../core/errors.js';
import { renderUsage } from './spec.js';
import { scanArgs } from './scan.js';
import { collectWithSade } from './sade-program.js';
import { ResolvedOptions } from './resolve.js';
import { unknownVerb } from './errors.js';
import { VERBS, VERB_NAMES, VERB_SPECS, isVerbName, type VerbName, type VerbOptions } from '../cli/verbs.js';
import type { Clock } from './values/index.js';
import { clockTaiNs } from './values/clock.js';

export type Plan =
  | { readonly kind: 'exit'; readonly stderr: string; readonly status: number }
  | { readonly [K in VerbName]: { readonly kind: 'run'; readonly verb: K; readonly options: VerbOptions[K] } }[VerbName];

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

export type VerbParse<K extends VerbName> =
  | { readonly kind: 'usage'; readonly text: string }
  | { readonly kind: 'options'; readonly options: VerbOptions[K] };

/**
 * A verb's own arguments (after the verb, or after an `isochron-VERB`
 * program name) to its typed options. Throws IsochronError with the C text.
 */
export function parseVerbArgs<K extends VerbName>(verb: K, args: readonly string[], nowTai: Clock = clockTaiNs): VerbParse<K> {
  const spec = VERB_SPECS[verb];
  const scanned = scanArgs(spec, args, nowTai);
  if (scanned.helpRequested) return { kind: 'usage', text: renderUsage(spec) };
  const collected = collectWithSade(VERB_SPECS, verb, scanned.occurrences);
  const options = VERBS[verb].build(new ResolvedOptions(spec, collected, nowTai)) as VerbOptions[K];
  return { kind: 'options', options };
}

function planVerb(verb: VerbName, args: readonly string[], ctx: ParseContext): Plan {
  try {
    const parsed = parseVerbArgs(verb, args, ctx.nowTai);
    if (parsed.kind === 'usage') return { kind: 'exit', stderr: parsed.text, status: VERB_USAGE_STATUS };
    return { kind: 'run', verb, options: parsed.options } as Plan;
  } catch (err) {
    if (isIsochronError(err)) return { kind: 'exit', stderr: `${err.message}\n`, status: err.exitStatus };
    throw err;
  }
}

/**
 * C's isochron_parse_args(): with fewer than one argument, the usage; then
 * an exact match of argv[0] with "isochron-VERB" (so only a bare name
 * dispatches, README quirk 14); then the first argument as -V, -h or a verb.
 */
export function planCommandLine(argv0: string, args: readonly string[], ctx: ParseContext): Plan {
  if (args.length < 1) return { kind: 'exit', stderr: topLevelUsage(), status: TOP_LEVEL_STATUS };
  for (const verb of VERB_NAMES) {
    if (argv0 === `isochron-${verb}`) return planVerb(verb, args, ctx);
  }
  const [first, ...rest] = args;
  if (first === '-V' || first === '--version') {
    return { kind: 'exit', stderr: `${ctx.version}\n`, status: TOP_LEVEL_STATUS };
  }
  if (first === '-h' || first === '--help') {
    return { kind: 'exit', stderr: topLevelUsage(), status: TOP_LEVEL_STATUS };
  }
  if (isVerbName(first)) return planVerb(first, rest, ctx);
  const err = unknownVerb(argv0, first);
  return { kind: 'exit', stderr: `${err.message}\n`, status: err.exitStatus };
}
