// Removes the compiled TypeScript from dist/ before tsc runs, so a moved or
// deleted source file leaves no stale .js behind (the test runner walks
// dist/test and would run a test whose source is gone).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const dir of ['src', 'workers', 'test', 'bench', 'scripts', 'types']) {
  rmSync(join(root, 'dist', dir), { recursive: true, force: true });
}
