// The orchestration file, read by the C tool's rules:
//
//   1. escape sequences are replaced in the whole file first, so a
//      backslash-newline joins two lines (with a space) anywhere, even in a
//      comment, and "\n" starts a new line;
//   2. the text is cut at newlines; empty lines vanish;
//   3. per line, a '#' starts a comment unless a quoted string follows it
//      (C's string_trim_comments only skips '#' signs inside, or before,
//      a complete quoted string), then surrounding whitespace is trimmed;
//   4. "[name]" starts a node; "key = value" (split at the first '=') sets
//      host, port or exec of the current node.
//
// What C accepts with a message and then misbehaves on, we refuse with the
// line number: unknown escapes (C stops replacing and later continuations
// silently break), NUL (C ignores the rest of the file), unknown or repeated
// keys (C warns or overwrites; a second exec adds options to the first),
// duplicate or empty node names, a port that is not a TCP port.
import { isIsochronError } from '../../core/errors.js';
import { parseIp, type IpAddress } from '../../args/values/ip.js';
import {
  OrchIniBadEscape,
  OrchIniBadHost,
  OrchIniBadPort,
  OrchIniDuplicateKey,
  OrchIniDuplicateSection,
  OrchIniEmptySection,
  OrchIniLineTooLong,
  OrchIniMissingExec,
  OrchIniMissingHost,
  OrchIniNoNodes,
  OrchIniNotKeyValue,
  OrchIniNulByte,
  OrchIniOutsideSection,
  OrchIniUnknownKey,
  OrchIniUnterminatedContinuation,
  OrchIniUnterminatedQuote,
  OrchIniUnterminatedSection,
} from './errors.js';

/** C BUFSIZ: a (joined, trimmed) line must be shorter. */
export const MAX_LINE_BYTES = 8192;
/** Port 0 (or no port) means the daemon's default. */
export const DEFAULT_DAEMON_PORT = 5000;

export interface IniValue {
  text: string;
  /** Physical line (1-based) where the logical line starts. */
  line: number;
}

export interface IniNode {
  name: string;
  /** Line of the "[name]" header. */
  line: number;
  host: IpAddress;
  hostText: IniValue;
  /** The daemon's management port (DEFAULT_DAEMON_PORT when not given or 0). */
  port: number;
  exec: IniValue;
}

const ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  '\\': '\\',
  b: '\b',
  r: '\r',
  '"': '"',
  f: '\f',
  t: '\t',
  n: '\n',
  "'": "'",
  v: '\v',
  '?': '?',
  '\n': ' ',
};

/** C isspace() in the "C" locale. */
const isSpace = (c: string): boolean => c === ' ' || (c >= '\t' && c <= '\r');

export function trimC(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s[a])) a++;
  while (b > a && isSpace(s[b - 1])) b--;
  return s.slice(a, b);
}

/** Steps 1 and 2: logical lines with the physical line each starts on. */
export function logicalLines(text: string, file: string): IniValue[] {
  const out: IniValue[] = [];
  let phys = 1;
  let cur = '';
  let start = 0;
  const emit = (ch: string): void => {
    if (ch === '\n') {
      if (cur !== '') out.push({ text: cur, line: start });
      cur = '';
      return;
    }
    if (cur === '') start = phys;
    cur += ch;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\0') throw OrchIniNulByte(file, phys);
    if (ch === '\n') {
      emit('\n');
      phys++;
      continue;
    }
    if (ch !== '\\') {
      emit(ch);
      continue;
    }
    if (i + 1 >= text.length) throw OrchIniUnterminatedContinuation(file, phys);
    const code = text[++i];
    if (code === '0') throw OrchIniNulByte(file, phys);
    const replacement = ESCAPES[code];
    if (replacement === undefined) {
      const hint = code === '\r' ? ' (backslash before CR: the file has CRLF line endings; convert it to LF)' : '';
      throw OrchIniBadEscape(file, phys, `\\${code === '\r' ? '\\r' : code}`, hint);
    }
    if (code === '\n') {
      // The joined line keeps the number of the line it started on.
      if (cur === '') start = phys;
      phys++;
    }
    emit(replacement);
  }
  emit('\n');
  return out;
}

/**
 * C's string_trim_comments: find '#'; if no quote is left in the rest of
 * the line, cut there; otherwise skip past the first complete quoted
 * string and look again. So a '#' before a quoted string is kept.
 */
export function stripComment(line: string, file: string, lineNo: number): string {
  let from = 0;
  while (from < line.length) {
    const pound = line.indexOf('#', from);
    if (pound < 0) break;
    const sq = line.indexOf("'", from);
    const dq = line.indexOf('"', from);
    if (sq < 0 && dq < 0) return line.slice(0, pound);
    const open = sq < 0 ? dq : dq < 0 ? sq : Math.min(sq, dq);
    const close = line.indexOf(line[open], open + 1);
    // C prints "Unterminated quoted string" and cuts at the '#'; we refuse.
    if (close < 0) throw OrchIniUnterminatedQuote(file, lineNo, line[open]);
    from = close + 1;
  }
  return line;
}

/** strtoul(value, NULL, 0) restricted to what makes a TCP port. */
function parsePort(value: string): number | null {
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(value)) n = parseInt(value.slice(2), 16);
  else if (/^0[0-7]*$/.test(value)) n = parseInt(value, 8);
  else if (/^[1-9][0-9]*$/.test(value)) n = Number(value);
  else return null;
  return n <= 0xffff ? n : null;
}

interface Draft {
  name: string;
  line: number;
  keys: Map<string, IniValue>;
}

const KEYS = new Set(['host', 'port', 'exec']);

/** Parses the whole file; throws an ISOCHRON_ERR_ORCH_INI_* error at the first problem. */
export function parseOrchestrationFile(text: string, file: string): IniNode[] {
  const drafts: Draft[] = [];
  const byName = new Map<string, Draft>();
  let node: Draft | null = null;
  for (const logical of logicalLines(text, file)) {
    const lineNo = logical.line;
    const line = trimC(stripComment(logical.text, file, lineNo));
    if (line === '') continue;
    const bytes = Buffer.byteLength(line, 'utf8');
    if (bytes >= MAX_LINE_BYTES) throw OrchIniLineTooLong(file, lineNo, bytes, MAX_LINE_BYTES - 1);
    if (line[0] === '[') {
      if (line[line.length - 1] !== ']' || line.length < 2) throw OrchIniUnterminatedSection(file, lineNo, line);
      const name = line.slice(1, -1);
      if (name === '') throw OrchIniEmptySection(file, lineNo);
      const seen = byName.get(name);
      if (seen) throw OrchIniDuplicateSection(file, lineNo, name, seen.line);
      node = { name, line: lineNo, keys: new Map() };
      drafts.push(node);
      byName.set(name, node);
      continue;
    }
    if (!node) throw OrchIniOutsideSection(file, lineNo, line);
    const eq = line.indexOf('=');
    if (eq < 0) throw OrchIniNotKeyValue(file, lineNo, line);
    const key = trimC(line.slice(0, eq));
    const value = trimC(line.slice(eq + 1));
    if (!KEYS.has(key)) throw OrchIniUnknownKey(file, lineNo, key);
    const first = node.keys.get(key);
    if (first) throw OrchIniDuplicateKey(file, lineNo, key, node.name, first.line);
    node.keys.set(key, { text: value, line: lineNo });
  }
  if (drafts.length === 0) throw OrchIniNoNodes(file);
  return drafts.map((d) => finishNode(d, file));
}

function finishNode(d: Draft, file: string): IniNode {
  const exec = d.keys.get('exec');
  // C checks the exec line first (prog_init_sender_nodes), the host later.
  if (!exec || exec.text === '') throw OrchIniMissingExec(file, exec?.line ?? d.line, d.name);
  const hostText = d.keys.get('host');
  if (!hostText) throw OrchIniMissingHost(file, d.line, d.name);
  let host: IpAddress;
  try {
    host = parseIp(hostText.text);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    throw OrchIniBadHost(file, hostText.line, hostText.text, d.name, err.message);
  }
  const portText = d.keys.get('port');
  let port = DEFAULT_DAEMON_PORT;
  if (portText) {
    const p = parsePort(portText.text);
    if (p === null) throw OrchIniBadPort(file, portText.line, portText.text, d.name);
    if (p !== 0) port = p;
  }
  return { name: d.name, line: d.line, host, hostText, port, exec };
}
