// The verbs, in the C tool's order (its usage and error texts list them so).
export const VERB_NAMES = ['daemon', 'orchestrate', 'send', 'rcv', 'report'] as const;

export type VerbName = (typeof VERB_NAMES)[number];

export function isVerbName(name: string): name is VerbName {
  return (VERB_NAMES as readonly string[]).includes(name);
}
