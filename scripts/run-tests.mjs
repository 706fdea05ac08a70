// Runs node's test runner over the compiled tests (dist/test/**/*.test.js).
// An optional argument filters test files by substring.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testRoot = join(root, 'dist', 'test');

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

// The compatibility tests read the C tool's recorded vectors: ../shared/vectors
// beside the clone (as CI lays it out) or ISOCHRON_VECTORS. Say so up front
// instead of letting a dozen test files fail on ENOENT.
const vectorsDir = process.env.ISOCHRON_VECTORS ? resolve(process.env.ISOCHRON_VECTORS) : resolve(root, '..', 'shared', 'vectors');
if (!existsSync(join(vectorsDir, 'README.md'))) {
  process.stderr.write(
    `run-tests: the recorded C vectors are not at ${vectorsDir}: put the shared/ folder beside this clone, ` +
      'or set ISOCHRON_VECTORS to its vectors/ folder (see README, "Development")\n',
  );
  process.exit(1);
}

const filter = process.argv[2];
const files = walk(testRoot)
  .filter((f) => !filter || f.includes(filter))
  .sort()
  .map((f) => relative(root, f));
if (files.length === 0) {
  process.stderr.write('run-tests: no test files found under dist/test (did the build run?)\n');
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(res.status ?? 1);
