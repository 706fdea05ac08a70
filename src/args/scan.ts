// The C option scanner (prog_parse_np_args), reproduced exactly because
// users' scripts depend on its quirks, which no getopt-style parser (mri
// included) shares:
// - an argument is an option only if it equals a short or long spelling
//   exactly: no "-abc" gluing, no prefixes, no "--" terminator, no
//   positional arguments ("report" after `isochron-report` is an error);
// - "--opt=value" splits at the first '=', even for booleans (value ignored);
// - otherwise a value-taking option takes the NEXT argument whatever it
//   looks like ("-i -x" gives interface "-x"); at the end it is
//   "Value expected after -i";
// - each value is converted when met, so the first bad argument in argv
//   order is the one reported; a repeated option is converted every time;
// - ours: an option declared with an arity of n takes n values ("--opt=a b"
//   or "--opt a b"), each an occurrence of its own;
// - after the scan, mandatory options are checked in table order, unless
//   --help was given.
import type { OptionSpec, VerbSpec } from './spec.js';
import { valueCount } from './spec.js';
import { missingOption, missingValue, unknownOption } from './errors.js';
import { convertValue, type Clock } from './values/index.js';
import { unknownOptionHint } from './did-you-mean.js';

export interface Occurrence {
  readonly spec: OptionSpec;
  /** Text after '=' or the next argument; undefined for booleans without '='. */
  readonly text: string | undefined;
}

export interface ScanResult {
  readonly occurrences: readonly Occurrence[];
  readonly helpRequested: boolean;
}

function findOption(spec: VerbSpec, name: string): OptionSpec | undefined {
  return spec.options.find((o) => o.short === name || o.long === name);
}

export function scanArgs(spec: VerbSpec, args: readonly string[], nowTai: Clock): ScanResult {
  const occurrences: Occurrence[] = [];
  const seen = new Set<OptionSpec>();
  let helpRequested = false;
  let i = 0;
  while (i < args.length) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const option = findOption(spec, name);
    if (!option) throw unknownOption(name, unknownOptionHint(spec, name));
    i++;
    const texts: (string | undefined)[] = [];
    if (eq >= 0) texts.push(arg.slice(eq + 1));
    while (texts.length < valueCount(option)) {
      if (i >= args.length) throw missingValue(name);
      texts.push(args[i++]);
    }
    if (texts.length === 0) texts.push(undefined);
    for (const text of texts) {
      convertValue(option, text, nowTai);
      occurrences.push({ spec: option, text });
    }
    if (option.kind === 'help') helpRequested = true;
    seen.add(option);
  }
  if (!helpRequested) {
    for (const option of spec.options) {
      if (!option.optional && !seen.has(option)) throw missingOption(option.long);
    }
  }
  return { occurrences, helpRequested };
}
