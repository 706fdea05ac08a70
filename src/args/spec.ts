// Declarative option tables, one per verb (src/verbs/<verb>/options.ts; send: src/engine/sender/options.ts). Each entry
// mirrors one C `struct prog_arg`: the exact short and long spellings, the
// value type (which decides the help text and whether a value follows), and
// whether it is mandatory. `key` is our field name for the raw value; it is
// also the token name handed to sade (see sade-program.ts).

export type ValueKind =
  | 'mac'
  | 'unsigned'
  | 'long'
  | 'time'
  | 'string'
  | 'ifname'
  | 'filepath'
  | 'bool'
  | 'ip'
  | 'help';

/**
 * What the help teaches about an option beyond its C usage line: `isochron help
 * VERB` and `VERB --help` print it after the C tool's lines, and the man pages
 * and completions are generated from it. Plain text, no trailing period needed.
 */
export interface OptionDoc {
  /** What the option does, in the field's terms (e.g. "Cycle time of the schedule"). */
  readonly meaning: string;
  /** The value used when the option is absent, with its unit (e.g. "1000000 ns"). */
  readonly default?: string;
  /** The unit of the value when it has one (e.g. "ns", "bytes", "frames"). */
  readonly unit?: string;
  /** When an optional-looking option is in fact required (e.g. "unless --omit-sync"). */
  readonly requiredWhen?: string;
  /** One example value or command-line fragment (e.g. "--cycle-time 1000000"). */
  readonly example?: string;
}

export interface OptionSpec {
  readonly short: string;
  readonly long: string;
  readonly key: string;
  readonly kind: ValueKind;
  readonly optional: boolean;
  /** For ifname/filepath/string: the C buffer size limit (values must be shorter). */
  readonly limit?: number;
  /** The option's help beyond the C usage line (every option gets one: issue 14). */
  readonly doc?: OptionDoc;
  /**
   * Ours, never on a C option whose repeats C overwrites unless the extension
   * is documented: every occurrence is kept in argv order (ResolvedOptions.texts);
   * text() still gives the last one, which is what C keeps.
   */
  readonly repeatable?: boolean;
  /** Ours: values taken after the option (default 1), e.g. 2 for `--compare A.dat B.dat`. */
  readonly arity?: number;
}

/** How many values follow one occurrence of `o` (0 for booleans and --help). */
export function valueCount(o: OptionSpec): number {
  return takesValue(o.kind) ? (o.arity ?? 1) : 0;
}

/** Help text per type, as C's prog_usage() prints it. */
export const KIND_TEXT: Readonly<Record<ValueKind, string>> = {
  mac: 'MAC address',
  unsigned: 'Unsigned integer',
  long: 'Long integer',
  time: 'Time in sec.nsec format',
  filepath: 'File path',
  ifname: 'Network interface',
  string: 'String',
  bool: 'Boolean',
  ip: 'IP address',
  help: 'Help text',
};

/** Whether the option consumes the next argument as its value. */
export function takesValue(kind: ValueKind): boolean {
  return kind !== 'bool' && kind !== 'help';
}

/** Limits of the C buffers (the C code passes size - 1). */
export const IFNAME_LIMIT = 15; // IFNAMSIZ - 1
export const PATH_LIMIT = 4095; // PATH_MAX - 1
export const UDS_LIMIT = 107; // UNIX_PATH_MAX - 1

/** An optional option of the C tables (spread it and set `optional: false` for a mandatory one). */
export const opt = (short: string, long: string, key: string, kind: OptionSpec['kind'], limit?: number): OptionSpec => ({
  short,
  long,
  key,
  kind,
  optional: true,
  ...(limit === undefined ? {} : { limit }),
});

export const HELP_OPTION: OptionSpec = {
  short: '-h',
  long: '--help',
  key: 'showHelp',
  kind: 'help',
  optional: true,
  // The same in every verb, so every table (also a new verb's) has it documented.
  doc: {
    meaning: 'Print the C usage lines and then what every option means; exit status 255, as the C tool (isochron help VERB prints the same on stdout with status 0)',
    example: '--help',
  },
};

/** A verb's table: the help heading ("isochron-send") and options in C order. */
export interface VerbSpec {
  readonly usageName: string;
  readonly options: readonly OptionSpec[];
}

/** C prog_usage(): "NAME usage:" then "-s|--long: Type[ (optional)]" per option. */
export function renderUsage(spec: VerbSpec): string {
  const lines = [`${spec.usageName} usage:`];
  for (const o of spec.options) {
    lines.push(`${o.short}|${o.long}: ${KIND_TEXT[o.kind]}${o.optional ? ' (optional)' : ''}`);
  }
  return lines.join('\n') + '\n';
}
