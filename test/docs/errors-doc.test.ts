// Every error code the tool can produce is documented in docs/errors.md, and
// every documented code still exists (the fastify habit): scripts and users
// key on these codes, so neither side may drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths.js';
import { declaredErrorCodes, defineError, Errno, IsochronError, exitStatusForErrno } from '../../src/core/errors.js';

function errorModules(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...errorModules(full));
    else if (name === 'errors.js') out.push(full);
  }
  return out;
}

function documentedCodes(): Map<string, string> {
  const text = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
  const codes = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\|\s*`(ISOCHRON_ERR_[A-Z0-9_]+)`\s*\|\s*([A-Z0-9]+)\s*\|/.exec(line);
    if (m) codes.set(m[1], m[2]);
  }
  return codes;
}

test('every declared error code is documented with its errno, and nothing else is', async () => {
  for (const file of [...errorModules(join(repoRoot, 'dist', 'src')), ...errorModules(join(repoRoot, 'dist', 'workers'))]) {
    await import(pathToFileURL(file).href);
  }
  const declared = declaredErrorCodes();
  assert.ok(declared.size > 0, 'no error modules were found under dist/src');
  const documented = documentedCodes();
  const errnoName = new Map(Object.entries(Errno).map(([k, v]) => [v as number, k]));
  for (const [code, errno] of declared) {
    if (code.startsWith('ISOCHRON_ERR_TEST_ONLY_')) continue;
    assert.ok(documented.has(code), `${code} is declared but missing from docs/errors.md`);
    assert.equal(documented.get(code), errnoName.get(errno) ?? String(errno), `${code}: documented errno differs`);
  }
  for (const code of documented.keys()) {
    assert.ok(declared.has(code), `${code} is documented in docs/errors.md but no longer declared`);
  }
});

test('defineError makes errors with a stable code, errno and exit status', () => {
  const make = defineError('ISOCHRON_ERR_TEST_ONLY_EXAMPLE', Errno.ERANGE, (what: string) => `bad ${what}`);
  const err = make('thing');
  assert.ok(err instanceof IsochronError);
  assert.equal(err.code, 'ISOCHRON_ERR_TEST_ONLY_EXAMPLE');
  assert.equal(err.message, 'bad thing');
  assert.equal(err.exitStatus, 222);
  assert.equal(make.code, 'ISOCHRON_ERR_TEST_ONLY_EXAMPLE');
  assert.throws(() => defineError('ISOCHRON_ERR_TEST_ONLY_EXAMPLE', Errno.EINVAL, () => ''), /declared twice/);
  assert.equal(exitStatusForErrno(Errno.EINVAL), 234);
  assert.equal(exitStatusForErrno(-1), 255);
});
