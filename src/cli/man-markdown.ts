// The generated parts of the man pages (docs/man/*.8.md; scripts/build-man.mjs
// turns them into roff): the options of a verb from its option table and
// docs, the list of verbs. The same facts as `isochron help VERB`.
import { optionFacts, valuePlaceholder } from '../args/option-help.js';
import type { VerbSpec } from '../args/spec.js';
import { ALL_VERB_NAMES, isVerbName } from '../args/verb-names.js';
import { VERB_SPECS } from './verbs.js';
import { VERB_SUMMARIES } from './verb-summaries.js';

/** Markdown-escaped plain text (the docs are plain text). */
function md(text: string): string {
  return text.replace(/([\\`*_<>[\]])/g, '\\$1');
}

/** A code span that may hold backquotes and backslashes (kept literally). */
function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** Each option as a list item: spellings and value, meaning, facts. */
export function optionsMarkdown(spec: VerbSpec): string {
  return spec.options
    .map((o) => {
      const value = valuePlaceholder(o);
      const head = `${code(o.short)}, ${code(o.long)}${value ? ` *${value}*` : ''}`;
      const facts = optionFacts(o).map((f) => (f.startsWith('Example: ') ? `Example: ${code(f.slice('Example: '.length))}` : md(f)));
      // marked-man keeps line breaks (its `breaks` default): one fact a line.
      const body = [o.doc ? `${md(o.doc.meaning)}.` : '', ...facts].filter(Boolean).join('\n  ');
      return `* ${head}:\n  ${body}`;
    })
    .join('\n\n');
}

/** The verbs with their one-line summaries, for isochron(8). */
export function verbsMarkdown(): string {
  return ALL_VERB_NAMES.map((v) => `* \`${v}\`:\n  ${md(VERB_SUMMARIES[v])}; see isochron-${v}(8).`).join('\n\n');
}

/**
 * A man page's Markdown source with its generated parts filled in: the page
 * `isochron-VERB` gets that verb's options at `<!-- options -->`, and every
 * page the verb list at `<!-- verbs -->`.
 */
export function fillManPage(page: string, source: string): string {
  const verb = page.replace(/^isochron-/, '');
  let text = source.replace('<!-- verbs -->', verbsMarkdown());
  if (text.includes('<!-- options -->')) {
    if (!isVerbName(verb)) throw new Error(`man page ${page}: <!-- options --> but ${verb} is not a verb`);
    text = text.replace('<!-- options -->', optionsMarkdown(VERB_SPECS[verb]));
  }
  return text;
}
