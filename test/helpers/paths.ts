// Where the repository, the built CLI and the shared ground-truth vectors are.
// ISOCHRON_VECTORS overrides the vectors folder (the holdout set has the same layout).
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** Repository root (this file is dist/test/helpers/paths.js once built). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const cliEntry = join(repoRoot, 'bin', 'isochron.js');
export const vectorsDir = process.env.ISOCHRON_VECTORS
  ? resolve(process.env.ISOCHRON_VECTORS)
  : resolve(repoRoot, '..', 'shared', 'vectors');
export const sharedToolsDir = resolve(vectorsDir, '..', 'tools');
