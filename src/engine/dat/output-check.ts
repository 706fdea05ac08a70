// Can a .dat file be written at this path? Asked before a test starts
// (`send --output-file`, each orchestrated pair's file): C found a missing
// directory only when writing the file after the whole test, and the run
// was lost. We check, we do not create: a mistyped directory should be an
// error, not a new directory somewhere.
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, resolve } from 'node:path';

const ENOTDIR = 20;
const EISDIR = 21;

/** Why the path cannot be written: a positive errno and what it applies to. */
export interface OutputProblem {
  errnum: number;
  /** The directory or file the errno is about. */
  what: string;
}

function errnoOf(err: unknown): number {
  const code = (err as NodeJS.ErrnoException).code;
  const n = code ? (osConstants.errno as Record<string, number>)[code] : undefined;
  return n ?? 5; // EIO
}

/**
 * null when `file` (relative to the current directory) can be created or
 * overwritten: its directory exists and is writable, and the path is not a
 * directory or a read-only file. Otherwise the reason: ENOENT (missing
 * directory), ENOTDIR (a path component is a file), EACCES/EROFS (not
 * writable), EISDIR (the path is a directory).
 */
export function outputFileProblem(file: string): OutputProblem | null {
  const path = resolve(file);
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) return { errnum: ENOTDIR, what: `directory ${dir}` };
    accessSync(dir, fsConstants.W_OK | fsConstants.X_OK);
  } catch (err) {
    return { errnum: errnoOf(err), what: `directory ${dir}` };
  }
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return null; // not there yet: the directory is what matters
  }
  if (isDir) return { errnum: EISDIR, what: path };
  try {
    accessSync(path, fsConstants.W_OK);
  } catch (err) {
    return { errnum: errnoOf(err), what: path };
  }
  return null;
}
