// The C tool's escape-sequence pass over --printf-format, done once before
// the file is even opened. Works on bytes (C strings). Every escape is
// checked, even after a "\0": the C loop keeps scanning the whole buffer and
// only the final string is cut at the first NUL.
import { PrintfBackslashAtEnd, PrintfUnknownEscape } from './errors.js';

const REPLACEMENTS = new Map<number, number>([
  [0x61, 0x07], // \a
  [0x5c, 0x5c], // \\
  [0x62, 0x08], // \b
  [0x72, 0x0d], // \r
  [0x22, 0x22], // \"
  [0x66, 0x0c], // \f
  [0x74, 0x09], // \t
  [0x6e, 0x0a], // \n
  [0x30, 0x00], // \0
  [0x27, 0x27], // \'
  [0x76, 0x0b], // \v
  [0x3f, 0x3f], // \?
  [0x0a, 0x20], // backslash-newline: line continuation becomes a space
]);

export function replaceEscapes(fmt: Uint8Array): Uint8Array {
  const out = new Uint8Array(fmt.length);
  let n = 0;
  for (let i = 0; i < fmt.length; i++) {
    const b = fmt[i];
    if (b !== 0x5c) {
      out[n++] = b;
      continue;
    }
    if (i + 1 >= fmt.length) throw PrintfBackslashAtEnd();
    const code = fmt[i + 1];
    const rep = REPLACEMENTS.get(code);
    if (rep === undefined) throw PrintfUnknownEscape(String.fromCharCode(code));
    out[n++] = rep;
    i++;
  }
  const nul = out.subarray(0, n).indexOf(0);
  return out.subarray(0, nul < 0 ? n : nul);
}
