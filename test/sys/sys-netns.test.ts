// setns(2) through enterNetns, against the real kernel: into a namespace this
// test creates and back, and the errno of a descriptor that is no namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { enterNetns } from '../../src/sys/netns.js';

const current = (): string => readlinkSync('/proc/thread-self/ns/net');

test('enterNetns moves the thread into a namespace and back; errors are errnos', (t) => {
  const ns = `isosysns${process.pid}`;
  assert.equal(spawnSync('ip', ['netns', 'add', ns]).status, 0);
  t.after(() => spawnSync('ip', ['netns', 'del', ns]));
  const home = current();
  const self = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/run/netns/${ns}`, 'r');
  try {
    assert.equal(enterNetns(target), 0);
    const inside = current();
    assert.notEqual(inside, home);
    assert.equal(enterNetns(self), 0);
    assert.equal(current(), home);
  } finally {
    closeSync(target);
    closeSync(self);
  }
  const notNs = openSync('/dev/null', 'r');
  try {
    assert.equal(enterNetns(notNs), 22, 'EINVAL: not a namespace');
  } finally {
    closeSync(notNs);
  }
  assert.equal(current(), home);
});
