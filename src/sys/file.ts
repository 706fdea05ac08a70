// File-descriptor calls that Node's fs does not expose, for readers that must
// fail exactly where the C tool fails: lseek(2) with C's signed off_t (Node
// only ever preads, which neither moves nor checks an offset), and the quirk
// of glibc's perror() that decides the C tool's exit status after it.
import { E, F_GETFL, O_ACCMODE, O_RDWR } from './constants.js';
import { lastErrno, libc } from './libc.js';

/** Result of lseek: the new offset, or the errno it failed with. */
export type SeekResult = { ok: true; offset: bigint } | { ok: false; errno: number };

/**
 * lseek(2). `offset` is cast to a signed 64-bit off_t, as C's implicit
 * conversion of a u64 header field does, so 2^63 and above are negative
 * (EINVAL). Offsets beyond what the file system allows (ext4: about 2^44)
 * fail with EINVAL from the kernel; tmpfs allows up to 2^63-1.
 */
export function seekFd(fd: number, offset: bigint, whence: number): SeekResult {
  const rc = BigInt(libc().lseek(fd, BigInt.asIntN(64, offset), whence));
  if (rc < 0n) return { ok: false, errno: lastErrno() };
  return { ok: true, offset: rc };
}

/**
 * The errno left behind by glibc's perror() when it reports `errnum` on the
 * stream of `stderrFd`, which the C tool then returns as its status. perror
 * dups the descriptor and fdopen()s it "w+"; unless the descriptor was opened
 * read-write (a terminal usually is; a pipe or a `2>file` redirection is
 * not), fdopen fails with EINVAL and that replaces errno. (Only when nothing
 * was printed to stderr before, which is the case on the report's load path.)
 */
export function errnoAfterPerror(errnum: number, stderrFd: number): number {
  const flags = libc().fcntl(stderrFd, F_GETFL);
  if (flags < 0) return lastErrno(); // dup() of a closed descriptor: EBADF
  return (flags & O_ACCMODE) === O_RDWR ? errnum : E.EINVAL;
}
