// The sender's management link against fake receivers on loopback: which
// failures mean the receiver is gone (the run stops and says so) and which
// are a refused request on a connection that still works.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { isIsochronError } from '../../../src/core/errors.js';
import { encodeErrorResponse, encodeResponse } from '../../../src/engine/mgmt/codec.js';
import { MgmtBadVersion, MgmtDisconnected, MgmtInternal, MgmtReaderClosed, MgmtRemoteError, MgmtTimeout, MgmtTooLarge } from '../../../src/engine/mgmt/errors.js';
import { Action, Mid } from '../../../src/engine/mgmt/ids.js';
import { collectingStreams } from '../../../src/core/output.js';
import { isConnectionLost, ReceiverLink } from '../../../src/verbs/send/receiver-link.js';
import { SyncMonitor } from '../../../src/verbs/send/sync-monitor.js';

/** A TCP server on 127.0.0.1 answering each management message with what `reply` makes of it. */
async function fakeReceiver(t: TestContext, reply: (action: number) => Buffer): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8 && pending.length >= 8 + pending.readUInt32BE(4)) {
        const action = pending[1];
        pending = pending.subarray(8 + pending.readUInt32BE(4));
        if (!s.destroyed) s.write(reply(action));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

/** A header claiming a 4 GiB RESPONSE: the stream cannot be resynchronised. */
const OVERSIZE = Buffer.from('02020000ffffffff', 'hex');

const connect = (port: number): Promise<ReceiverLink> => ReceiverLink.connect({ family: 4, address: '127.0.0.1', port, device: undefined });

test('errors that leave the management client unusable count as a lost receiver; refusals do not', () => {
  for (const err of [MgmtDisconnected('x'), MgmtTimeout('GET', 'LOG', 10), MgmtReaderClosed(), MgmtTooLarge(1 << 30, 8192), MgmtInternal('x')]) {
    assert.equal(isConnectionLost(err), true, err.code);
  }
  for (const err of [MgmtBadVersion(3, 0), MgmtRemoteError('GET', 'PORT_LINK_STATE', -95, ''), new Error('plain'), null]) {
    assert.equal(isConnectionLost(err), false, String(err));
  }
});

test('a receiver that sends an oversize header is lost: the link is closed and the sync monitor says so', async (t) => {
  const port = await fakeReceiver(t, () => OVERSIZE);
  const link = await connect(port);
  t.after(() => link.close());
  const err = await link.linkRunning().then(
    () => assert.fail('an oversize reply cannot succeed'),
    (e: unknown) => e,
  );
  assert.ok(isIsochronError(err) && err.code === MgmtTooLarge.code, String(err));
  assert.equal(isConnectionLost(err), true);
  assert.equal(link.closed, true, 'the client gave up the connection');
  // Every later request fails the same way: nothing to retry.
  await assert.rejects(link.get(Mid.TEST_STATE), (e: unknown) => isConnectionLost(e));

  // Through the sender's monitor (link state of lo and of the remote): a lost receiver, not "sync lost".
  const fresh = await connect(port);
  t.after(() => fresh.close());
  const io = collectingStreams();
  const res = await new SyncMonitor('lo', fresh, io).check();
  assert.equal(res.ok, false);
  assert.ok(res.lost, 'reported as lost');
  assert.equal(res.lost.code, MgmtTooLarge.code);
  assert.deepEqual(io.stderr, ['Port link state missing from node remote reply\n']);
});

test('a receiver that refuses a request (GET_ERROR) is still there: not lost', async (t) => {
  const port = await fakeReceiver(t, (action) =>
    action === Action.GET_ERROR ? encodeErrorResponse(Mid.PORT_LINK_STATE, -95, 'no link state here') : encodeResponse(Mid.PORT_LINK_STATE),
  );
  const link = await connect(port);
  t.after(() => link.close());
  const res = await new SyncMonitor('lo', link, collectingStreams()).check();
  assert.equal(res.ok, false);
  assert.equal(res.lost, null);
  assert.equal(link.closed, false);
  await assert.rejects(link.linkRunning(), (e: unknown) => isIsochronError(e) && e.code === MgmtRemoteError.code && /no link state here/.test(e.message));
});
