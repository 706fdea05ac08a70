// Runs node's test runner over the compiled tests (dist/test/**/*.test.js).
// An optional argument filters test files by substring.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
