// The quirk of glibc's perror() that decides the C tool's exit status after
// a failed seek: perror dups stderr and fdopen()s it "w+"; unless that
// descriptor was opened read-write (a terminal usually is; a pipe or a
// `2>file` redirection is not), fdopen fails with EINVAL and that replaces
// errno, which the C tool then returns. (Only when nothing was printed to
// stderr before, which is the case on the report's load path.) Read from
// /proc/self/fdinfo, so no FFI is loaded for it.
import { readFileSync } from 'node:fs';
import { E } from '../../core/errors.js';
import { O_ACCMODE, O_RDWR } from '../../sys/constants.js';

/** The errno (positive) left behind by perror() reporting `errnum` on `stderrFd`. */
export function errnoAfterPerror(errnum: number, stderrFd: number): number {
  let fdinfo: string;
  try {
    fdinfo = readFileSync(`/proc/self/fdinfo/${stderrFd}`, 'latin1');
  } catch {
    return E.EBADF; // dup() of a closed descriptor
  }
  const m = /^flags:\s*([0-7]+)$/m.exec(fdinfo);
  if (!m) return E.EINVAL;
  return (parseInt(m[1], 8) & O_ACCMODE) === O_RDWR ? errnum : E.EINVAL;
}
