#!/usr/bin/env node
// One entry point for `isochron VERB` and the `isochron-VERB` names.
import { main, programName } from '../dist/src/cli/main.js';

process.exitCode = await main(programName(), process.argv.slice(2));
