// glibc's text for an errno, as "%m" prints it. The FFI is loaded only on
// this (error) path; if it is unavailable, Node's own description is used.
import { strerror } from '../../sys/libc.js';

export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.errno === 'number') {
    try {
      return strerror(Math.abs(e.errno));
    } catch {
      // fall through to Node's message
    }
  }
  const msg = e?.message ?? String(err);
  // Node's messages look like "ENOENT: no such file or directory, open 'x'".
  const m = /^[A-Z]+: ([^,]+)/.exec(msg);
  return m ? m[1] : msg;
}
