#!/usr/bin/env node
// One entry point for `isochron VERB` and the `isochron-VERB` names.
// The CLI is compiled into dist/; a checkout that was never built (or is
// being rebuilt) says so instead of printing a module-resolution stack.
let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/src/cli/main.js')) throw err;
  process.stderr.write('isochron: the compiled CLI (dist/src/cli/main.js) is missing: run `npm run build` in the checkout first\n');
  process.exit(1);
}
process.exitCode = await cli.main(cli.programName(), process.argv.slice(2));
