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
// - after the scan, mandatory options are checked in table order, unless
//   --help was given.
import type { OptionSpec, VerbSpec } from './spec.js';
import { takesValue } from './spec.js';
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
    let text: string | undefined;
    if (eq >= 0) {
      text = arg.slice(eq + 1);
    } else if (takesValue(option.kind)) {
      if (i >= args.length) throw missingValue(name);
      text = args[i++];
    }
    convertValue(option, text, nowTai);
    if (option.kind === 'help') helpRequested = true;
    occurrences.push({ spec: option, text });
    seen.add(option);
  }
  if (!helpRequested) {
    for (const option of spec.options) {
      if (!option.optional && !seen.has(option)) throw missingOption(option.long);
    }
  }
  return { occurrences, helpRequested };
}
