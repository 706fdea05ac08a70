// The declarative errno table against this machine's glibc: every number
// the kernel uses and a margin either side, so a missing, misspelt or
// shifted text fails here rather than in a user's error message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strerror, errorText } from '../../src/core/errno-text.js';
import { libc } from '../../src/sys/libc.js';

test('strerror texts equal glibc strerror() for errno -5..200', () => {
  const c = libc();
  const wrong: string[] = [];
  for (let n = -5; n <= 200; n++) {
    if (strerror(n) !== c.strerror(n)) wrong.push(`${n}: ours ${JSON.stringify(strerror(n))}, glibc ${JSON.stringify(c.strerror(n))}`);
  }
  assert.deepEqual(wrong, []);
});

test('errorText of a failed Node call is its errno\'s glibc text', () => {
  assert.equal(errorText(Object.assign(new Error('ENOENT: no such file or directory, open \'x\''), { errno: -2 })), 'No such file or directory');
  assert.equal(errorText(new Error('EFOO: something odd, open \'x\'')), 'something odd');
  assert.equal(errorText('plain'), 'plain');
});
