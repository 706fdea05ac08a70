// The --pid-file: opened before the daemon starts (so a bad path fails the
// command, as in C), written with the daemon's pid once it listens ("%d",
// no newline, like C), and removed at a clean shutdown only if it still
// names this process (another daemon may have taken the path since).
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { DaemonFileFailed } from './errors.js';
import { hintFor } from '../../core/hints.js';

/** Opens (truncates) a file for the daemon; throws ISOCHRON_ERR_DAEMON_FILE with the errno. */
export function openForWriting(what: string, path: string): number {
  try {
    return openSync(path, 'w', 0o644);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const errnum = -(e.errno ?? -13);
    throw DaemonFileFailed.with({ errno: errnum, hint: hintFor('open-write', errnum, { path }) }, what, path, e.message);
  }
}

export function writePid(fd: number, pid: number): void {
  writeSync(fd, String(pid));
  closeSync(fd);
}

/** Removes the pid file if it still holds `pid`; never throws. */
export function removePidFile(path: string, pid: number): boolean {
  try {
    if (readFileSync(path, 'utf8').trim() !== String(pid)) return false;
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}
