// Descriptor helpers of the syscall layer against the real kernel: poll over
// a set of descriptors (FdPoller), draining a datagram socket without
// allocating (discardPending), closing a bare fd (closeFd) and AF_UNIX
// autobind (autobindUnix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { AF_UNIX, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK } from '../../src/sys/constants.js';
import { libc } from '../../src/sys/libc.js';
import { FdPoller, pollFd } from '../../src/sys/poll.js';
import { closeFd, discardPending, openSocketPair } from '../../src/sys/socket.js';
import { autobindUnix } from '../../src/sys/unix.js';
import { isIsochronError } from '../../src/core/errors.js';
import { POLLIN } from '../../src/sys/constants.js';

const openFds = (): number => readdirSync('/proc/self/fd').length;

function send(fd: number, text: string): void {
  const b = Buffer.from(text);
  assert.equal(libc().send(fd, b, b.length, 0), b.length);
}

test('FdPoller reports which of its descriptors are readable, 0 on timeout', () => {
  const [a1, b1] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  const [a2, b2] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  try {
    const poller = new FdPoller([b1, b2]);
    assert.equal(poller.count, 2);
    assert.equal(poller.wait(0), 0, 'nothing queued');
    send(a2, 'x');
    assert.equal(poller.wait(1000), 0b10, 'only the second');
    send(a1, 'y');
    assert.equal(poller.wait(1000), 0b11, 'both');
    discardPending(b1, Buffer.alloc(16));
    discardPending(b2, Buffer.alloc(16));
    assert.equal(poller.wait(10), 0, 'drained: timeout');
  } finally {
    for (const fd of [a1, b1, a2, b2]) closeFd(fd);
  }
});

test('pollFd: revents on readiness, 0 on timeout', () => {
  const [a, b] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  try {
    assert.equal(pollFd(b, POLLIN, 0), 0);
    send(a, 'z');
    assert.equal(pollFd(b, POLLIN, 1000) & POLLIN, POLLIN);
  } finally {
    closeFd(a);
    closeFd(b);
  }
});

test('discardPending empties the queue through the caller scratch buffer; closeFd frees the fds', () => {
  const before = openFds();
  const [a, b] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  for (let i = 0; i < 5; i++) send(a, `datagram ${i}`);
  const scratch = Buffer.alloc(4); // shorter than the datagrams: each is still consumed whole
  discardPending(b, scratch);
  assert.equal(libc().recv(b, scratch, scratch.length, MSG_DONTWAIT), -1, 'queue empty');
  send(a, 'after');
  const got = Buffer.alloc(16);
  assert.equal(libc().recv(b, got, got.length, MSG_DONTWAIT), 5, 'later datagrams still arrive');
  closeFd(a);
  closeFd(b);
  assert.equal(openFds(), before);
  discardPending(b, scratch); // a closed fd: returns (EBADF), does not throw
});

test('autobindUnix gives an abstract address a peer can send to', () => {
  const [a, b] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  try {
    const addr = autobindUnix(b, 'the test');
    assert.equal(addr.readUInt16LE(0), AF_UNIX);
    assert.equal(addr[2], 0, 'abstract name: leading NUL');
    assert.ok(addr.length > 3 && addr.length <= 110, `length ${addr.length}`);
    const msg = Buffer.from('to the name');
    assert.equal(libc().sendto(a, msg, msg.length, 0, addr, addr.length), msg.length);
    const got = Buffer.alloc(32);
    assert.equal(libc().recv(b, got, got.length, MSG_DONTWAIT), msg.length);
  } finally {
    closeFd(a);
    closeFd(b);
  }
  assert.throws(() => autobindUnix(b, 'the test'), (e: unknown) => isIsochronError(e) && e.errno === -9 && /^bind\(AF_UNIX, autobind\) for the test failed/.test(e.message));
});
