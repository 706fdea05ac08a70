// Applies our stricter value reading (values/strict.ts) to a verb's collected
// option texts, after the verb's builder (the C tool's own checks) accepted
// them. Every occurrence is checked, as C converts every occurrence.
import { IsochronError } from '../core/errors.js';
import type { VerbSpec } from './spec.js';
import type { Collected } from './sade-program.js';
import { badValue } from './errors.js';
import { strictValueProblem } from './values/strict.js';

/** Verbs whose recorded C cases pin the lenient reading of every value (see values/strict.ts). */
const C_READING_ONLY = new Set(['isochron-report']);

/** Throws ISOCHRON_ERR_CLI_BAD_VALUE (with the expected form as its hint) for the first value we refuse. */
export function checkStrictValues(spec: VerbSpec, collected: Collected): void {
  if (C_READING_ONLY.has(spec.usageName)) return;
  for (const o of spec.options) {
    for (const text of collected.get(o.key) ?? []) {
      if (text === true) continue;
      const p = strictValueProblem(o, text);
      if (p) throw badValue.with({ hint: `expected ${p.expected}` }, p.long, p.value);
    }
  }
}

/**
 * `err` (a C check that failed first) with the first value we refuse named
 * in its hint, so the user fixes both at once; `err` itself when all values are fine.
 */
export function withStrictValueNote(err: IsochronError, spec: VerbSpec, collected: Collected): IsochronError {
  try {
    checkStrictValues(spec, collected);
    return err;
  } catch (bad) {
    if (!(bad instanceof IsochronError)) throw bad;
    const note = `also, ${bad.message[0].toLowerCase()}${bad.message.slice(1)}: ${bad.hint ?? ''}`;
    return new IsochronError(err.code, err.message, { errno: err.errno, cause: err.cause, hint: err.hint ? `${err.hint}; ${note}` : note });
  }
}
