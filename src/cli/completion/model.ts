// What the shell completions know, derived from the verb table and its
// option tables (src/cli/verbs.ts, the verbs' options.ts and option-docs.ts):
// there is no list of options anywhere else, so an option added to a table
// completes in every shell without touching these files.
import type { OptionSpec } from '../../args/spec.js';
import { takesValue } from '../../args/spec.js';
import { EXTENSION_COMMANDS } from '../../args/did-you-mean.js';
import { ALL_VERB_NAMES, type VerbName } from '../../args/verb-names.js';
import { VERB_SPECS } from '../verbs.js';
import { COMMAND_SUMMARIES, VERB_SUMMARIES } from '../verb-summaries.js';

/** How an option's value completes: no value, nothing to offer, interface names, any file, or a file pattern. */
export type ValueCompletion = { kind: 'flag' } | { kind: 'free' } | { kind: 'interface' } | { kind: 'file'; pattern?: string };

export interface CompletionOption {
  readonly short: string;
  readonly long: string;
  readonly value: ValueCompletion;
  /** One line, shell-neutral (each generator quotes it). */
  readonly description: string;
}

export interface CompletionVerb {
  readonly name: VerbName;
  readonly summary: string;
  readonly options: readonly CompletionOption[];
}

export interface CompletionModel {
  readonly verbs: readonly CompletionVerb[];
  readonly commands: readonly { readonly name: string; readonly summary: string }[];
  /** The installed program names: `isochron` and one `isochron-VERB` link per verb. */
  readonly programs: readonly string[];
}

/** Files an option narrows to, beyond its kind: the orchestration file is an INI file. */
const FILE_PATTERNS: Readonly<Partial<Record<VerbName, Readonly<Record<string, string>>>>> = {
  orchestrate: { '--input-file': '*.ini' },
};

function valueOf(verb: VerbName, option: OptionSpec): ValueCompletion {
  if (!takesValue(option.kind)) return { kind: 'flag' };
  if (option.kind === 'ifname') return { kind: 'interface' };
  if (option.kind === 'filepath') {
    const pattern = FILE_PATTERNS[verb]?.[option.long];
    return pattern ? { kind: 'file', pattern } : { kind: 'file' };
  }
  return { kind: 'free' };
}

/** The option's meaning cut to one short line (up to its first ';', at most 72 characters). */
export function shortDescription(text: string): string {
  const clause = text.split(';')[0].trim();
  if (clause.length <= 72) return clause;
  const cut = clause.lastIndexOf(' ', 69);
  return `${clause.slice(0, cut > 0 ? cut : 69)}...`;
}

export function completionModel(): CompletionModel {
  const verbs = ALL_VERB_NAMES.map((name) => ({
    name,
    summary: VERB_SUMMARIES[name] ?? '',
    options: VERB_SPECS[name].options.map((o) => ({
      short: o.short,
      long: o.long,
      value: valueOf(name, o),
      description: shortDescription(o.doc?.meaning ?? ''),
    })),
  }));
  const commands = EXTENSION_COMMANDS.map((name) => ({ name, summary: COMMAND_SUMMARIES[name] }));
  return { verbs, commands, programs: ['isochron', ...ALL_VERB_NAMES.map((v) => `isochron-${v}`)] };
}
