// --output-file is checked before anything is sent (src/engine/dat/output-check.ts).
import { strerror } from '../../core/errno-text.js';
import { hintFor } from '../../core/hints.js';
import { outputFileProblem } from '../../engine/dat/output-check.js';
import { datFileToWrite } from '../../engine/traffic/session.js';
import { SendOutputFile } from '../../engine/sender/errors.js';
import type { SendPlan } from '../../engine/sender/plan.js';

/**
 * Throws ISOCHRON_ERR_SEND_OUTPUT_FILE when the file this run would write
 * cannot be written; the exit status is the low 8 bits of the negative
 * errno (254 missing directory, 236 a path component is a file, 235 the
 * path is a directory, 243 not writable, 226 read-only file system). Runs
 * without --client write no file and are not checked.
 */
export function checkOutputFile(plan: Pick<SendPlan, 'client' | 'outputFile'>): void {
  const file = datFileToWrite({ client: plan.client !== null, outputFile: plan.outputFile }, true);
  if (file === null) return;
  const p = outputFileProblem(file);
  if (p) throw SendOutputFile.with({ errno: p.errnum, hint: hintFor('open-write', p.errnum, { path: file }) }, file, `${p.what}: ${strerror(p.errnum)}`);
}
