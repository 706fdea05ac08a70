// What lseek(2) would answer for the C loader's seeks, worked out with
// node:fs alone (Node has no lseek, and loading the FFI for it would cost
// every `report` call the native addon's start-up). The kernel's rules:
//  - the u64 header offset becomes a signed off_t: 2^63 and above are
//    negative, EINVAL;
//  - pipes, FIFOs, sockets and terminals cannot seek: ESPIPE;
//  - a regular file seeks anywhere up to its file system's largest file
//    size (s_maxbytes), beyond it EINVAL; a block device up to its size.
// Node's statfs does not report s_maxbytes, so the known file systems are a
// table: ext2/3/4 files (extent-mapped, as ext4 creates them) stop at 2^32
// blocks, everything else we know (tmpfs, xfs, btrfs, overlay on those)
// takes any non-negative off_t.
import { fstatSync, readFileSync, statfsSync } from 'node:fs';
import { E } from '../../core/errors.js';

const OFF_T_MAX = (1n << 63n) - 1n;
const EXT4_SUPER_MAGIC = 0xef53;

/** Result of a seek: where the file ends for reads, or the errno lseek fails with. */
export type SeekCheck = { ok: true } | { ok: false; errno: number };

/** How a descriptor seeks, found once per file: its kind and its largest offset. */
export interface Seekable {
  /** errno of any seek (ESPIPE), or 0 when the descriptor seeks. */
  readonly refuses: number;
  /** Largest offset lseek(SEEK_SET) accepts. */
  readonly maxOffset: bigint;
  /** Where reads end: the file's size, a block device's size, 0 for other devices. */
  readonly end: bigint;
}

/** The largest file size of the file system holding the open file `fd`. */
function fileSystemMaxBytes(fd: number): bigint {
  try {
    const fs = statfsSync(`/proc/self/fd/${fd}`, { bigint: true });
    if (Number(fs.type) === EXT4_SUPER_MAGIC) return ((1n << 32n) - 1n) * fs.bsize;
  } catch {
    // no /proc: assume the general limit
  }
  return OFF_T_MAX;
}

/** A block device's size in bytes, from sysfs (its 512-byte sector count). */
function blockDeviceSize(rdev: bigint): bigint {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  try {
    return BigInt(readFileSync(`/sys/dev/block/${major}:${minor}/size`, 'utf8').trim()) * 512n;
  } catch {
    return 0n;
  }
}

/**
 * isatty(3). node:tty is loaded here, for character devices only: importing
 * it loads node:net and the streams (some 30 modules), which every `report`
 * start-up would pay for a question only a terminal or /dev/null raises.
 */
function isTerminal(fd: number): boolean {
  return process.getBuiltinModule('node:tty').isatty(fd);
}

/** Looks at an open descriptor the way lseek would treat it. */
export function seekableOf(fd: number): Seekable {
  const st = fstatSync(fd, { bigint: true });
  if (st.isFIFO() || st.isSocket() || (st.isCharacterDevice() && isTerminal(fd))) {
    return { refuses: E.ESPIPE, maxOffset: 0n, end: 0n };
  }
  if (st.isBlockDevice()) {
    const size = blockDeviceSize(st.rdev);
    return { refuses: 0, maxOffset: size, end: size };
  }
  if (st.isFile()) return { refuses: 0, maxOffset: fileSystemMaxBytes(fd), end: st.size };
  // Other character devices (/dev/zero, /dev/null) accept any offset and end at once.
  return { refuses: 0, maxOffset: OFF_T_MAX, end: 0n };
}

/** lseek(fd, offset, SEEK_SET) with `offset` a u64 header field cast to off_t. */
export function checkSeek(s: Seekable, offset: bigint): SeekCheck {
  if (s.refuses) return { ok: false, errno: s.refuses };
  const off = BigInt.asIntN(64, offset);
  if (off < 0n || off > s.maxOffset) return { ok: false, errno: E.EINVAL };
  return { ok: true };
}
