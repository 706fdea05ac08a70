// The help that teaches, printed AFTER the C tool's usage lines (which stay
// first and unchanged: scripts and the recorded cases read them): what each
// option means, its default, unit, when it is required, and an example.
// The same facts feed the man pages and the shell completions.
import { type OptionSpec, type ValueKind, type VerbSpec, renderUsage, takesValue } from './spec.js';

/** The value's placeholder in our lines (`--cycle-time SEC.NSEC`); a kind added later reads VALUE. */
const PLACEHOLDER: Partial<Record<ValueKind, string>> = {
  mac: 'MAC',
  unsigned: 'NUMBER',
  long: 'NUMBER',
  time: 'SEC.NSEC',
  string: 'TEXT',
  ifname: 'IFACE',
  filepath: 'FILE',
  ip: 'ADDRESS',
};

/** The placeholder of an option's value, or '' for one that takes none. */
export function valuePlaceholder(option: OptionSpec): string {
  return takesValue(option.kind) ? (PLACEHOLDER[option.kind] ?? 'VALUE') : '';
}

/** "isochron-send" -> "isochron send": how the user typed it in the common case. */
export function commandOf(spec: VerbSpec): string {
  return spec.usageName.replace(/^isochron-/, 'isochron ');
}

/** One option's synopsis: `-c, --cycle-time SEC.NSEC`. */
export function optionSynopsis(option: OptionSpec): string {
  const value = valuePlaceholder(option);
  return `${option.short}, ${option.long}${value ? ` ${value}` : ''}`;
}

/** The doc's facts as labelled lines (without indentation), in a fixed order. */
export function optionFacts(option: OptionSpec): string[] {
  const doc = option.doc;
  const facts: string[] = [];
  if (!option.optional) facts.push('Required');
  else if (doc?.requiredWhen) facts.push(`Required ${doc.requiredWhen}`);
  if (doc?.unit) facts.push(`Unit: ${doc.unit}`);
  if (doc?.default) facts.push(`Default: ${doc.default}`);
  if (doc?.example) facts.push(`Example: ${doc.example}`);
  return facts;
}

/** Words of `text` in lines of at most `width` columns after `indent` (a longer word keeps its own line). */
export function wrapText(text: string, indent: string, width = 79): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** Our block for one verb: a blank line, a heading, then each option with its doc. */
export function renderOptionHelp(spec: VerbSpec): string {
  const command = commandOf(spec);
  const lines = ['', `What the options of ${command} mean (isochron's own help; the lines above are the C tool's usage):`];
  for (const option of spec.options) {
    lines.push(`  ${optionSynopsis(option)}`);
    lines.push(...wrapText(option.doc?.meaning ?? '(not documented yet)', '      '));
    // An example stays on one line, to be copied whole.
    for (const fact of optionFacts(option)) lines.push(...(fact.startsWith('Example:') ? [`      ${fact}`] : wrapText(fact, '      ')));
  }
  lines.push(`More: man ${spec.usageName}`);
  return lines.join('\n') + '\n';
}

/** `VERB --help` and `isochron help VERB`: the C usage lines, then ours. */
export function renderVerbHelp(spec: VerbSpec): string {
  return renderUsage(spec) + renderOptionHelp(spec);
}
