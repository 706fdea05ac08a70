// The argument grammar (src/args/parse.ts) bound to the CLI's verb table:
// what main.ts and the command-line tests call.
import {
  planCommandLine as planWith,
  parseVerbArgs as parseWith,
  type ParseContext,
  type Plan as GrammarPlan,
  type VerbParse,
} from '../args/parse.js';
import type { Clock } from '../args/values/index.js';
import type { VerbName } from '../args/verb-names.js';
import { VERBS, type VerbOptions } from './verbs.js';

export type Plan = GrammarPlan<VerbOptions>;

/** The whole command line (argv[0] and the rest) to a plan; see src/args/parse.ts. */
export function planCommandLine(argv0: string, args: readonly string[], ctx: ParseContext): Plan {
  return planWith(VERBS, argv0, args, ctx);
}

/** One verb's arguments to its typed options; throws IsochronError with the C text. */
export function parseVerbArgs<K extends VerbName>(verb: K, args: readonly string[], nowTai?: Clock): VerbParse<VerbOptions[K]> {
  return parseWith(VERBS, verb, args, nowTai);
}
