// argv[0] as the C tool would see it. The C tool dispatches on an EXACT
// argv[0] of "isochron-VERB" (a bare name from PATH), not on its basename.
//
// Node keeps the exec'd argv[0] in process.argv0 only when the launcher set
// it (a shell exec of a symlink found in PATH via a wrapper, or spawn's
// `argv0` option). Through the `#!/usr/bin/env node` shebang, argv[0] is
// "node" and the name the user typed is lost; the script path in
// process.argv[1] is all that is left, so then its basename stands in
// (minus ".js"): an npm bin symlink `isochron-report` still dispatches to
// report, and bin/isochron.js reads as "isochron".
import { basename } from 'node:path';

function isNodeLauncher(argv0: string, execPath: string): boolean {
  if (argv0 === execPath) return true;
  const name = basename(argv0);
  return name === basename(execPath) || /^node(js)?[0-9.]*$/.test(name);
}

export function programNameFrom(argv0: string, execPath: string, script: string | undefined): string {
  if (argv0 !== '' && !isNodeLauncher(argv0, execPath)) return argv0;
  return script ? basename(script, '.js') : 'isochron';
}
