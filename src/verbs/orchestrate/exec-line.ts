// The `exec` value of a node: split into words the way the C orchestrator
// does (prog_parse_exec_line), then parsed by our own `isochron send`
// command-line parser, so an exec line means exactly what it would mean
// typed in a shell on the node.
//
// C's splitting: a quote character is always removed and ends the current
// word; between quotes whitespace does not split. Any quote character seen
// while inside quotes of the other kind becomes the new closing quote (so
// "it's" is not a quoted apostrophe). There are no other escapes: the file
// reader already replaced them.
import { planCommandLine } from '../../args/parse.js';
import { SEND_SPEC, buildSendOptions, type SendOptions } from '../../engine/sender/options.js';
import type { Clock } from '../../args/values/index.js';
import { clockTaiNs } from '../../args/values/clock.js';
import { OrchExecInvalid, OrchExecUnsupported, OrchIniUnterminatedQuote } from './errors.js';
import type { IniValue } from './ini.js';

/** The one verb an exec line may name. */
const EXEC_VERBS = { send: { spec: SEND_SPEC, build: buildSendOptions } } as const;

const isSpace = (c: string): boolean => c === ' ' || (c >= '\t' && c <= '\r');

/** The words of an exec line; throws on an unterminated quote (C would take the rest as one word). */
export function splitExecLine(value: string, file: string, line: number): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  for (const ch of value) {
    const isQuote = ch === "'" || ch === '"';
    if (quote && ch === quote) quote = '';
    else if (isQuote) quote = ch;
    if (isQuote || (!quote && isSpace(ch))) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw OrchIniUnterminatedQuote(file, line, quote);
  if (inWord) words.push(word);
  return words;
}

export interface ExecContext {
  file: string;
  node: string;
  /** CLOCK_TAI now, for "+sec" relative base times (C reads it while parsing, like us). */
  nowTai?: Clock;
}

/** The node's `isochron send` options, or a file error naming the node and line. */
export function parseExecLine(exec: IniValue, ctx: ExecContext): SendOptions {
  const words = splitExecLine(exec.text, ctx.file, exec.line);
  // C: isochron_parse_args() on the words, so "isochron send ..." and
  // "isochron-send ..." both work; argv[0] may be any path. Only send's
  // grammar is given: another verb is refused before its arguments are read.
  const plan = planCommandLine(EXEC_VERBS, words[0] ?? '', words.slice(1), { version: '', nowTai: ctx.nowTai ?? clockTaiNs });
  if (plan.kind === 'exit') {
    const detail = plan.stderr.trimEnd().split('\n')[0] || 'invalid command line';
    // Keep the exit status the same command line would give on its own.
    throw OrchExecInvalid.with({ errno: plan.status - 256 }, ctx.file, exec.line, ctx.node, detail);
  }
  if (plan.kind === 'other') throw OrchExecUnsupported(ctx.file, exec.line, exec.text, ctx.node);
  return plan.options;
}
