// sade as the verb dispatcher and option collector, made strict.
//
// Why the scanner (scan.ts) runs first: mri, under sade, cannot express the
// C grammar. It reads "--no-ts" as the negation of "ts", glues "-abc" into
// three flags, takes "-x" as a flag rather than as the value of "-i", turns
// "--opt=" into a look-ahead for the next argument, coerces numbers, and
// keeps positional arguments. So scan.ts validates the real argv with the C
// rules, then hands sade a canonical argv it cannot misread:
//   VERB --<key>==<text>   for an option with a value (the extra '=' keeps
//                          the value non-empty; it is stripped here)
//   VERB --<key>           for a boolean
// where <key> is our camelCase field name (never "no-...", "help" or
// "version", which sade and mri would intercept). Every key is declared to
// sade, value keys are declared as strings (no coercion), and mri's
// `unknown` hook throws instead of letting sade print and exit.
// sade then picks the verb's handler and collects repeated options.
import sade from 'sade';
import type { OptionSpec, VerbSpec } from './spec.js';
import { takesValue } from './spec.js';
import type { Occurrence } from './scan.js';
import { unknownOption } from './errors.js';

/** Every text given for a key, in argv order (booleans: one `true` each). */
export type Collected = ReadonlyMap<string, readonly (string | true)[]>;

function canonicalToken(o: Occurrence): string {
  return takesValue(o.spec.kind) ? `--${o.spec.key}==${o.text ?? ''}` : `--${o.spec.key}`;
}

function collect(options: readonly OptionSpec[], parsed: Record<string, unknown>): Collected {
  const out = new Map<string, (string | true)[]>();
  for (const o of options) {
    const raw = parsed[o.key];
    if (raw === undefined) continue;
    const list = (Array.isArray(raw) ? raw : [raw]) as unknown[];
    out.set(
      o.key,
      list.map((v) => (takesValue(o.kind) ? String(v).slice(1) : true)),
    );
  }
  return out;
}

/** Runs sade over the canonical form of the scanned occurrences of `verb`. */
export function collectWithSade(
  verbs: Readonly<Record<string, VerbSpec>>,
  verb: string,
  occurrences: readonly Occurrence[],
): Collected {
  const prog = sade('isochron');
  for (const [name, spec] of Object.entries(verbs)) {
    prog.command(name);
    for (const o of spec.options) prog.option(`--${o.key}`, o.long);
    prog.action((parsed: Record<string, unknown>) => collect(spec.options, parsed));
  }
  const spec = verbs[verb];
  const argv = ['node', 'isochron', verb, ...occurrences.map(canonicalToken)];
  const result = prog.parse(argv, {
    lazy: true,
    string: spec.options.filter((o) => takesValue(o.kind)).map((o) => o.key),
    boolean: spec.options.filter((o) => !takesValue(o.kind)).map((o) => o.key),
    unknown: (flag: string) => {
      throw unknownOption(flag);
    },
  });
  return result.handler(...result.args) as Collected;
}
