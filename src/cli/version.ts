// Our own version (package.json), read at run time so that a release only
// bumps one place. The C tool prints its git describe string instead.
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  // dist/src/cli/version.js -> package root; src/cli/version.ts alike.
  const url = new URL('../../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
