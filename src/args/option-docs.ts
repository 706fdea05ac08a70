// Attaching the help that teaches (OptionDoc) to a verb's C option table.
// The C tables stay as they are, row for row; each verb keeps its options'
// meanings in its own option-docs.ts, keyed by long spelling, and exports
// its table through documented(). An option added later may carry its `doc`
// in its own row instead; an option documented twice is a programming error.
import type { OptionDoc, OptionSpec, VerbSpec } from './spec.js';

/** Option docs by long spelling (`--cycle-time`). */
export type OptionDocs = Readonly<Record<string, OptionDoc>>;

/**
 * How every time option is read (one definition: the time docs of all verbs
 * use it). The C reading, see docs/cli.md "Value types".
 */
export const TIME_UNIT = 'seconds.nanoseconds (sec.nsec); a number without a dot is nanoseconds, so 0.001 and 1000000 are both 1 ms';

/**
 * The table with each option's doc filled from `docs` (HELP_OPTION carries
 * its own). Throws at import time when `docs` names an option the table
 * lacks (a typo would silently leave an option undocumented) or documents
 * one that already has its doc in its row.
 */
export function documented(spec: VerbSpec, docs: OptionDocs): VerbSpec {
  const longs = new Set(spec.options.map((o) => o.long));
  for (const long of Object.keys(docs)) {
    if (!longs.has(long)) throw new Error(`${spec.usageName}: a doc for ${long}, which the table does not have`);
  }
  const options = spec.options.map((o): OptionSpec => {
    const doc = docs[o.long];
    if (doc === undefined) return o;
    if (o.doc !== undefined) throw new Error(`${spec.usageName}: ${o.long} is documented twice`);
    return { ...o, doc };
  });
  return { ...spec, options };
}
