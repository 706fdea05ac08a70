// The line we add after the C tool's message for an unknown option or verb:
// the closest real spelling, if one is a plausible slip, and where to read
// the rest. The C message stays first and unchanged (scripts match it).
import { closest } from './suggest.js';
import type { VerbSpec } from './spec.js';
import { commandOf } from './option-help.js';
import { VERB_NAMES } from './verb-names.js';

/** Our top-level commands beside the C verbs (src/cli/extensions.ts runs them). */
export const EXTENSION_COMMANDS = ['help', 'completion', 'version'] as const;

/** After "Unrecognized option X": the nearest option of this verb, then its --help. */
export function unknownOptionHint(spec: VerbSpec, typed: string): string {
  const spellings = spec.options.flatMap((o) => [o.long, o.short]);
  const match = closest(typed, spellings);
  const help = `Run "${commandOf(spec)} --help" to see every option and what it means.`;
  return match ? `Did you mean ${match}? ${help}` : help;
}

/** After "unknown function X": the nearest verb or command, then `isochron help`. */
export function unknownVerbHint(typed: string): string {
  const match = closest(typed, [...VERB_NAMES, ...EXTENSION_COMMANDS]);
  const help = 'Run "isochron help" to see every verb.';
  return match ? `Did you mean "${match}"? ${help}` : help;
}
