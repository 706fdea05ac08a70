// socketpair(2) through libc and openSocketPair, and Socket.close()/release()
// ending the waits in progress, against the real kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { AF_INET, AF_UNIX, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM } from '../../src/sys/constants.js';
import { lastErrno, libc } from '../../src/sys/libc.js';
import { DgramSocket } from '../../src/sys/dgram.js';
import { openSocketPair, Socket } from '../../src/sys/socket.js';
import { isIsochronError } from '../../src/core/errors.js';

const openFds = (): number => readdirSync('/proc/self/fd').length;

/** Resolves 'pending' if `p` has not settled once the already queued callbacks ran. */
function settledNow<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

test('libc socketpair fills two distinct connected descriptors', () => {
  const fds = Buffer.alloc(8, 0xff);
  assert.equal(libc().socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  const [a, b] = [fds.readInt32LE(0), fds.readInt32LE(4)];
  try {
    assert.ok(a >= 0 && b >= 0 && a !== b, `fds ${a}, ${b}`);
    const msg = Buffer.from('ping');
    assert.equal(libc().send(a, msg, msg.length, 0), 4);
    const got = Buffer.alloc(16);
    assert.equal(libc().recv(b, got, got.length, MSG_DONTWAIT), 4);
    assert.equal(got.toString('utf8', 0, 4), 'ping');
  } finally {
    libc().close(a);
    libc().close(b);
  }
  // AF_INET has no socket pairs: -1 with errno EOPNOTSUPP.
  assert.equal(libc().socketpair(AF_INET, SOCK_DGRAM, 0, fds), -1);
  assert.equal(lastErrno(), 95);
});

test('openSocketPair: datagrams both ways, boundaries kept, flags applied, errors named', () => {
  const before = openFds();
  const [a, b] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 'socketpair for the test');
  const sa = new DgramSocket(a);
  const sb = new DgramSocket(b);
  try {
    assert.equal(openFds(), before + 2);
    assert.equal(sa.isNonBlocking(), true, 'SOCK_NONBLOCK reached the kernel');
    sa.send(Buffer.from('one'));
    sa.send(Buffer.from('two!'));
    assert.equal(sb.recv(0)?.data.toString(), 'one');
    assert.equal(sb.recv(0)?.data.toString(), 'two!', 'one datagram per send');
    assert.equal(sb.recv(0), null, 'nothing else queued');
    sb.send(Buffer.from('back'));
    assert.equal(sa.recv(0)?.data.toString(), 'back');
  } finally {
    sa.close();
    sb.close();
  }
  assert.equal(openFds(), before, 'both descriptors closed');
  assert.throws(
    () => openSocketPair(AF_INET, SOCK_DGRAM, 'socketpair(AF_INET) here'),
    (e: unknown) => isIsochronError(e) && e.errno === -95 && e.message.startsWith('socketpair(AF_INET) here failed'),
  );
  assert.equal(openFds(), before, 'a refused pair leaks nothing');
});

test('Socket.waitReadable: true on data, false on timeout', async () => {
  const [a, b] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  const sa = new DgramSocket(a);
  const sb = new DgramSocket(b);
  try {
    assert.equal(await sb.waitReadable(20), false);
    assert.equal(sb.pendingWaits, 0, 'a timed-out wait is forgotten');
    const waiting = sb.waitReadable(5000);
    assert.equal(sb.pendingWaits, 1);
    sa.send(Buffer.from('x'));
    assert.equal(await waiting, true);
    assert.equal(sb.pendingWaits, 0);
  } finally {
    sa.close();
    sb.close();
  }
});

test('close() ends pending waits at once (false), and the reused fd number is not watched by them', async () => {
  const [a, b] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  const sa = new DgramSocket(a);
  const sb = new DgramSocket(b);
  const w1 = sb.waitReadable(60_000);
  assert.equal(sb.pendingWaits, 1);
  // libuv takes one poll per fd (koffi would abort on a second): refused with an error.
  await assert.rejects(sb.waitReadable(60_000), (e: unknown) => isIsochronError(e) && /already being waited on/.test(e.message));
  assert.equal(sb.pendingWaits, 1);
  assert.equal(await settledNow(w1), 'pending');
  sb.close();
  assert.equal(sb.fd, -1);
  assert.equal(sb.pendingWaits, 0);
  // Settled by close() itself, not by its (one minute) timer.
  assert.equal(await settledNow(w1), false);
  await assert.rejects(sb.waitReadable(10), (e: unknown) => isIsochronError(e) && e.errno === -9);

  // The kernel hands out the lowest free number: b's, most likely. A new wait
  // on it must work (a poll handle left on it would clash in libuv's epoll set).
  const [c, d] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  const sc = new DgramSocket(c);
  const sd = new DgramSocket(d);
  try {
    assert.ok([c, d].includes(b), `fd ${b} was reused (${c}, ${d})`);
    const reused = c === b ? sc : sd;
    const other = c === b ? sd : sc;
    const waiting = reused.waitReadable(5000);
    other.send(Buffer.from('y'));
    assert.equal(await waiting, true);
    assert.equal(reused.recv(0)?.data.toString(), 'y');
  } finally {
    sa.close();
    sc.close();
    sd.close();
  }
});

test('release() ends pending waits too; waitWritable is a Socket method and ends with close()', async () => {
  const [a, b] = openSocketPair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  const sa = new Socket(a);
  const sb = new Socket(b);
  try {
    assert.equal(await sa.waitWritable(1000), true, 'an empty stream pair is writable');
    const reading = sa.waitReadable(60_000);
    const fd = sa.release();
    assert.equal(fd, a);
    assert.equal(await settledNow(reading), false);
    assert.equal(sa.pendingWaits, 0);
    libc().close(fd);
    // Fill b's send buffer so it is not writable, then close it while waiting.
    const chunk = Buffer.alloc(65536);
    while (libc().send(b, chunk, chunk.length, MSG_DONTWAIT) > 0);
    const writing = sb.waitWritable(60_000);
    assert.equal(await settledNow(writing), 'pending');
    sb.close();
    assert.equal(await settledNow(writing), false);
  } finally {
    sb.close();
  }
});

test('UnixDgramSocket.recvAsync: close() during the wait ends it with null at once', async () => {
  const { UnixDgramSocket } = await import('../../src/sys/unix.js');
  const s = UnixDgramSocket.open();
  const pending = s.recvAsync(60_000);
  await new Promise((r) => setImmediate(r));
  s.close();
  assert.equal(await settledNow(pending), null);
});
