// Bundles the command's start-up path (dist/src/cli/start.js: the report
// verb and the argument grammar) into dist/src/bundle/, which bin/isochron.js
// loads when present. Runs after tsc, on its output.
//
// Why: `report` is called in loops by scripts, and most of its start-up was
// Node resolving and loading ~50 ES modules one by one (bench/report-startup.ts).
// What stays outside the bundle, loaded at run time as before:
// - main.ts (every other verb, usage, errors): start.ts imports it on demand;
// - every npm package but sade (and its mri), which the grammar runs on each
//   call: the others (koffi, piscina, anything a report option loads on
//   demand) keep their own files and are loaded only where they were;
// - code imported dynamically goes to its own chunk (splitting), so a
//   report path that needs it still loads it lazily.
// The bundle sits at the same depth under dist/ as the modules it replaces
// (dist/src/<dir>/), so their import.meta.url-relative paths (dist/wasm/,
// package.json) still resolve.
import { rmSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliDir = join(root, 'dist', 'src', 'cli');
const outDir = join(root, 'dist', 'src', 'bundle');
const BUNDLED_PACKAGES = new Set(['sade', 'mri']);

/** Leaves main.js and npm packages (but sade and mri) as run-time imports. */
const keepOutside = {
  name: 'keep-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.js$/ }, (args) => {
      if (args.importer !== join(cliDir, 'start.js')) return undefined;
      const target = join(cliDir, 'main.js');
      return { path: `./${relative(outDir, dirname(target))}/main.js`, external: true };
    });
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: { start: join(cliDir, 'start.js') },
  outdir: outDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  plugins: [keepOutside],
  logLevel: 'warning',
});
