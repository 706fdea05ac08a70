#!/usr/bin/env node
// One entry point for `isochron VERB` and the `isochron-VERB` names.
// The CLI is compiled into dist/; a checkout that was never built (or is
// being rebuilt) says so instead of printing a module-resolution stack.
//
// This file is CommonJS (bin/package.json) and requires the build's bundle of
// the start-up path (scripts/bundle-start.mjs): an ES module here would start
// Node's ES module loader on every call, a good part of what a `report` in a
// shell loop costs beyond `node -e 0`. Without the bundle, the compiled ES
// modules run the same start-up path.
'use strict';

const BUNDLE = 'dist/src/bundle/start.cjs';
const MODULES = 'dist/src/cli/start.js';
const missing = (err, codes, file) => codes.includes(err?.code) && String(err.message).includes(file);

async function load() {
  try {
    return require(`../${BUNDLE}`);
  } catch (err) {
    if (!missing(err, ['MODULE_NOT_FOUND'], BUNDLE)) throw err;
  }
  try {
    return await import(`../${MODULES}`);
  } catch (err) {
    if (!missing(err, ['ERR_MODULE_NOT_FOUND'], MODULES)) throw err;
    process.stderr.write(`isochron: the compiled CLI (${MODULES}) is missing: run \`npm run build\` in the checkout first\n`);
    process.exit(1);
  }
}

load().then(async (cli) => {
  process.exitCode = await cli.main(cli.programName(), process.argv.slice(2));
});
