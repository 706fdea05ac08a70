// The verbs, in the C tool's order (its usage and error texts list them so).
export const VERB_NAMES = ['daemon', 'orchestrate', 'send', 'rcv', 'report'] as const;

// Our verbs, which the C tool has not: they run like the others (also as
// isochron-VERB) but stay out of the C usage and error texts.
export const EXTRA_VERB_NAMES = ['doctor'] as const;

/** Every verb the CLI runs: the C tool's, then ours. */
export const ALL_VERB_NAMES = [...VERB_NAMES, ...EXTRA_VERB_NAMES] as const;

export type VerbName = (typeof ALL_VERB_NAMES)[number];

export function isVerbName(name: string): name is VerbName {
  return (ALL_VERB_NAMES as readonly string[]).includes(name);
}
