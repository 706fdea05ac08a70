// defineError's second way in: `.with({ errno, cause })`, the one way to build
// an error whose errno comes from the failure underneath (a system call,
// another isochron error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineError, Errno, IsochronError } from '../../src/core/errors.js';

const Example = defineError('ISOCHRON_ERR_TEST_ONLY_WITH_ERRNO', Errno.EIO, (what: string, n: number) => `${what} failed ${n} times`);

test('Def.with carries the errno of the failure underneath, either sign, and the cause', () => {
  const kernel = Example.with({ errno: 111 }, 'connect', 3); // libc's positive ECONNREFUSED
  assert.ok(kernel instanceof IsochronError);
  assert.equal(kernel.code, 'ISOCHRON_ERR_TEST_ONLY_WITH_ERRNO');
  assert.equal(kernel.message, 'connect failed 3 times');
  assert.equal(kernel.errno, -111);
  assert.equal(kernel.exitStatus, 145);
  assert.equal(kernel.cause, undefined);

  const inner = new IsochronError('ISOCHRON_ERR_TEST_ONLY_INNER', 'inner', { errno: Errno.ENODEV });
  const outer = Example.with({ errno: inner.errno, cause: inner }, 'open', 1); // an IsochronError's negative errno
  assert.equal(outer.errno, Errno.ENODEV);
  assert.equal(outer.cause, inner);
});

test('Def.with without an errno (absent or 0) keeps the declared one', () => {
  assert.equal(Example.with({}, 'x', 1).errno, Errno.EIO);
  assert.equal(Example.with({ errno: 0 }, 'x', 1).errno, Errno.EIO);
  assert.equal(Example.with({ errno: undefined }, 'x', 1).errno, Errno.EIO);
  assert.deepEqual([Example('x', 1).errno, Example('x', 1).message], [Errno.EIO, 'x failed 1 times']);
});
