// `isochron orchestrate`: one mandatory option, the orchestration file.
// The C tool opens and maps that file before anything else, so an
// unreadable file is reported here with the C perror() text even while the
// orchestrator itself is not built.
import { closeSync, fstatSync, openSync } from 'node:fs';
import type { VerbSpec } from '../../args/spec.js';
import { HELP_OPTION, opt, PATH_LIMIT } from '../../args/spec.js';
import type { ResolvedOptions } from '../../args/resolve.js';
import { documented } from '../../args/option-docs.js';
import { ORCHESTRATE_OPTION_DOCS } from './option-docs.js';
import { inputFileUnreadable } from '../../args/errors.js';
import { hintFor } from '../../core/hints.js';
import { E } from '../../core/errors.js';

export const ORCHESTRATE_SPEC: VerbSpec = documented({
  usageName: 'isochron-orchestrate',
  options: [
    HELP_OPTION,
    { short: '-F', long: '--input-file', key: 'inputFile', kind: 'filepath', optional: false, limit: PATH_LIMIT },
    // Ours, after the C tool's option (docs/cli.md).
    { ...opt('-G', '--no-progress', 'noProgress', 'bool'), doc: { meaning: 'Do not draw the live status line on stderr (it is drawn only when stderr is a terminal)', default: 'drawn on a terminal', example: '--no-progress' } },
  ],
}, ORCHESTRATE_OPTION_DOCS);

export interface OrchestrateOptions {
  inputFile: string;
  /** --no-progress: no status line on a terminal (src/engine/progress). */
  noProgress: boolean;
}

export function buildOrchestrateOptions(r: ResolvedOptions): OrchestrateOptions {
  return { inputFile: r.text('inputFile', ''), noProgress: r.flag('noProgress') };
}

// glibc strerror() texts for what open(2) can report on a path.
const OPEN_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  ENODEV: 'No such device',
  EPERM: 'Operation not permitted',
};

/**
 * What C's prog_parse_input_file() does before parsing: open(2), then
 * mmap(2) the whole file. mmap fails on a directory (ENODEV) and on an
 * empty file (EINVAL, zero length).
 */
export function checkInputFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const hint = hintFor('open-read', -((err as NodeJS.ErrnoException).errno ?? 0), { path });
    throw inputFileUnreadable.with({ hint }, 'open', OPEN_ERRORS[code] ?? (err as Error).message);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw inputFileUnreadable.with({ hint: hintFor('open-read', E.EISDIR) }, 'mmap', 'No such device');
    if (st.size === 0) throw inputFileUnreadable('mmap', 'Invalid argument');
  } finally {
    closeSync(fd);
  }
}
