#!/usr/bin/env node
// One entry point for `isochron VERB` and the `isochron-VERB` names.
// The CLI is compiled into dist/; a checkout that was never built (or is
// being rebuilt) says so instead of printing a module-resolution stack.
// The build's bundle of the start-up path (scripts/bundle-start.mjs) is
// preferred: it is what keeps `report` in a shell loop cheap.
const missing = (err, file) => err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(file);
let cli;
try {
  cli = await import('../dist/src/bundle/start.js').catch((err) => {
    if (!missing(err, 'dist/src/bundle/start.js')) throw err;
    return import('../dist/src/cli/start.js');
  });
} catch (err) {
  if (!missing(err, 'dist/src/cli/start.js')) throw err;
  process.stderr.write('isochron: the compiled CLI (dist/src/cli/start.js) is missing: run `npm run build` in the checkout first\n');
  process.exit(1);
}
process.exitCode = await cli.main(cli.programName(), process.argv.slice(2));
