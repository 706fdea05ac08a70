// Compiles every top-level assembly/*.ts file to dist/wasm/<name>.wasm.
// Shared AssemblyScript code lives in assembly/lib/ and is not an entry.
// dist/wasm is emptied first, so a renamed or removed module leaves nothing
// stale behind.
import { readdirSync, mkdirSync, rmSync } from 'node:fs';
import { join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = fileURLToPath(new URL('..', import.meta.url));
const srcDir = join(root, 'assembly');
const outDir = join(root, 'dist', 'wasm');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const entries = readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
let failed = false;
for (const entry of entries) {
  const name = basename(entry, '.ts');
  const { error, stderr } = await asc.main([
    join(srcDir, entry),
    '--outFile', join(outDir, `${name}.wasm`),
    '--textFile', join(outDir, `${name}.wat`),
    '--optimizeLevel', '3',
    '--shrinkLevel', '0',
    '--runtime', 'stub',
    '--noAssert',
    '--exportRuntime',
    '--initialMemory', '2',
    '--use', 'abort=',
  ]);
  if (error) {
    failed = true;
    process.stderr.write(`assemblyscript: ${entry}: ${error.message}\n${stderr.toString()}`);
  }
}
if (failed) process.exit(1);
process.stdout.write(`built ${entries.length} wasm module(s) into dist/wasm\n`);
