// The glibc strerror() texts of the errno values the argument parser can
// end with. The C tool prints them through "%m"; keeping the few we need
// here avoids loading the FFI just to print a usage error.
import { Errno } from '../core/errors.js';

const TEXT = new Map<number, string>([
  [Errno.EPERM, 'Operation not permitted'],
  [Errno.ENOENT, 'No such file or directory'],
  [Errno.EINVAL, 'Invalid argument'],
  [Errno.EFBIG, 'File too large'],
  [Errno.ERANGE, 'Numerical result out of range'],
  [Errno.ENOMEM, 'Cannot allocate memory'],
]);

/** strerror() of a negative errno, for the errno values this module produces. */
export function errnoText(errno: number): string {
  return TEXT.get(errno) ?? `Unknown error ${-errno}`;
}
