// UNIX datagram sockets (ptp4l management transport) against the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnixDgramSocket } from '../../src/sys/unix.js';
import { isIsochronError } from '../../src/core/errors.js';

test('UNIX datagram round trip, connect, timeouts, cleanup of the bound path', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'iso-unix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = UnixDgramSocket.open();
  const client = UnixDgramSocket.open();
  t.after(() => {
    server.close();
    client.close();
  });
  server.bind(join(dir, 'server'));
  client.bind(join(dir, 'client'));
  client.connect(join(dir, 'server'));

  // Blocking path with a bounded wait.
  assert.equal(server.recv(30), null);
  assert.equal(server.isNonBlocking(), false);
  server.setNonBlocking(true);
  assert.equal(server.isNonBlocking(), true);
  assert.equal(server.recv(0), null, 'non-blocking: nothing queued');
  server.setNonBlocking(false);
  assert.equal(server.isNonBlocking(), false);
  client.send(Buffer.from('GET PORT_DATA_SET'));
  const got = server.recv(1000);
  assert.ok(got);
  assert.equal(got.data.toString(), 'GET PORT_DATA_SET');
  assert.equal(got.from.toString('utf8', 2, got.from.indexOf(0, 2)), join(dir, 'client'));

  // Reply by path; the client reads without blocking the event loop.
  const ticks: number[] = [];
  const timer = setInterval(() => ticks.push(Date.now()), 5);
  const pending = client.recvAsync(2000);
  setTimeout(() => server.sendTo(Buffer.from('RESPONSE'), join(dir, 'client')), 50);
  const reply = await pending;
  clearInterval(timer);
  assert.equal(reply?.toString(), 'RESPONSE');
  assert.ok(ticks.length >= 3, 'event loop kept running while waiting');
  assert.equal(await client.recvAsync(30), null);

  // Nothing listening: connect says so with errno and a hint.
  const lone = UnixDgramSocket.open();
  t.after(() => lone.close());
  assert.throws(() => lone.connect(join(dir, 'nobody')), (e: unknown) =>
    isIsochronError(e) && e.errno === -2 && /connect\(.*nobody\) failed: No such file or directory$/.test(e.message) && /is ptp4l running/.test(e.hint ?? ''));
  assert.throws(() => lone.bind(join(dir, 'server')), (e: unknown) => isIsochronError(e) && e.errno === -98 && /remove the stale file/.test(e.hint ?? ''));

  server.close();
  assert.equal(existsSync(join(dir, 'server')), false, 'bound path unlinked on close');
});
