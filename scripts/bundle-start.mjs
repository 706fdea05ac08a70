// Bundles the command's start-up path (dist/src/cli/start.js: the report
// verb and the argument grammar) into one CommonJS file,
// dist/src/bundle/start.cjs, which bin/isochron.js loads when present. Runs
// after tsc, on its output.
//
// Why: `report` is called in loops by scripts, and most of its start-up was
// Node resolving and loading ~50 ES modules one by one, plus the ES module
// loader itself and the stream modules its facade of node:fs pulls in
// (bench/report-startup.ts). Required from a CommonJS bin, this file loads
// no more of Node than `node -e 0` does.
// What stays outside, loaded at run time as before:
// - main.ts (every other verb, usage, errors), which start.ts imports on
//   demand: it keeps its own ES modules under dist/src/;
// - every npm package but sade (and its mri), which the grammar runs on each
//   call: the others (koffi, piscina, anything a report option needs) are
//   loaded only where and when they were.
// The file sits at the same depth under dist/ as the modules it replaces
// (dist/src/<dir>/), and import.meta.url is its own URL, so their
// URL-relative paths (dist/wasm/, package.json, koffi via createRequire)
// still resolve.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliDir = join(root, 'dist', 'src', 'cli');
const outDir = join(root, 'dist', 'src', 'bundle');
const BUNDLED_PACKAGES = new Set(['sade', 'mri']);
const MODULE_URL = '__isochron_module_url';

/** Leaves main.js and npm packages (but sade and mri) as run-time imports. */
const keepOutside = {
  name: 'keep-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.js$/ }, (args) =>
      args.importer === join(cliDir, 'start.js') ? { path: '../cli/main.js', external: true } : undefined);
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: [join(cliDir, 'start.js')],
  outfile: join(outDir, 'start.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { 'import.meta.url': MODULE_URL },
  // "use strict" first: the banner would otherwise push esbuild's directive off the top.
  banner: { js: `'use strict';\nconst ${MODULE_URL} = require('node:url').pathToFileURL(__filename).href;` },
  plugins: [keepOutside],
  // Mapped back through tsc's maps to src/*.ts: stack traces and c8 coverage name the sources.
  sourcemap: true,
  logLevel: 'warning',
});
