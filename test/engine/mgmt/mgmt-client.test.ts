// The client against real TCP servers on 127.0.0.1 (ephemeral ports):
// replaying the recorded C conversations byte for byte, and a small daemon
// for the GET/SET/GET_ERROR flow, disconnects and timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import {
  Action,
  checkTlv,
  decodeMessage,
  decodeValue,
  emptyResponse,
  encodeMessage,
  encodeResponse,
  ManagementClient,
  ManagementReader,
  Mid,
  MidErrorTable,
  responseFor,
  tlvValue,
  type ManagementMessage,
} from '../../../src/engine/mgmt/index.js';
import { isIsochronError, type IsochronError } from '../../../src/core/errors.js';
import { conversations, isCutShort } from './mgmt-vectors.test.js';

type Handler = (msg: ManagementMessage, sock: Socket) => void;

/** Runs body against a server on an ephemeral port; kill() drops every connection. */
async function withServer(handler: Handler, body: (port: number, kill: () => void) => Promise<void>): Promise<void> {
  const sockets = new Set<Socket>();
  const kill = () => sockets.forEach((s) => s.destroy());
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    const reader = new ManagementReader({ accept: 'requests' });
    sock.on('data', (chunk) => {
      for (const ev of reader.push(chunk)) if (ev.type === 'message') handler(ev.message, sock);
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body((server.address() as AddressInfo).port, kill);
  } finally {
    kill();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Writes a reply the way a C peer does: header + TLV header, then the payload. */
function cWrite(sock: Socket, bytes: Buffer): void {
  sock.write(bytes.subarray(0, 16));
  if (bytes.length > 16) setTimeout(() => sock.write(bytes.subarray(16)), 2);
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<IsochronError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isIsochronError(err), String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

test('replaying every recorded conversation: the client sends the C bytes and reads the C replies', async () => {
  const convs = conversations();
  assert.ok(convs.length > 0);
  for (const conv of convs) {
    let next = 0;
    const mismatches: string[] = [];
    await withServer(
      (msg, sock) => {
        const i = next++;
        const expected = conv.c2s[i];
        const got = encodeMessage(msg);
        if (!expected || !got.equals(expected)) mismatches.push(`#${i}: sent ${got.toString('hex')}, C sent ${expected?.toString('hex')}`);
        const reply = conv.s2c[i];
        if (!reply) return;
        cWrite(sock, reply);
        if (isCutShort(reply)) setTimeout(() => sock.destroy(), 10);
      },
      async (port) => {
        const client = await ManagementClient.connect({ host: '127.0.0.1', port, timeoutMs: 3000 });
        let i = 0;
        while (i < conv.c2s.length && i < conv.s2c.length) {
          const req = decodeMessage(conv.c2s[i]);
          const tlv = req.tlvs[0];
          const reply = conv.s2c[i];
          const mid = tlv.mid as Mid;
          const call =
            req.action === Action.GET ? client.get(mid)
            : req.action === Action.SET ? client.set(mid, tlvValue(tlv) as never)
            : client.getError(mid);
          if (isCutShort(reply)) {
            await rejectsWith(call, 'ISOCHRON_ERR_MGMT_DISCONNECTED');
            break;
          }
          const replyTlv = decodeMessage(reply).tlvs[0];
          if (req.action !== Action.GET_ERROR && checkTlv(Action.RESPONSE, replyTlv).ok && replyTlv.payload.length === 0) {
            // Empty reply: the client asks GET_ERROR itself, as the C tool does next.
            const err = await rejectsWith(call, 'ISOCHRON_ERR_MGMT_REMOTE');
            const errReply = decodeMessage(conv.s2c[i + 1]).tlvs[0];
            assert.equal((err as IsochronError & { message: string }).message.includes(`Remote error ${errReply.payload.readInt32BE(0)}`), true);
            i += 2;
            continue;
          }
          const value = await call;
          if (req.action === Action.GET) assert.deepEqual(value, decodeValue(mid, replyTlv.payload));
          i++;
        }
        await client.close();
      },
    );
    assert.deepEqual(mismatches, [], conv.name);
    assert.ok(next > 0, conv.name);
  }
});

/** A toy daemon with the C semantics: per-MID error table, echo on SET. */
function toyDaemon(): Handler {
  const errors = new MidErrorTable();
  let role: string | undefined;
  return (msg, sock) => {
    const tlv = msg.tlvs[0];
    const mid = tlv.mid as Mid;
    if (msg.action === Action.GET_ERROR) return cWrite(sock, errors.replyFor(mid));
    const verdict = checkTlv(msg.action, tlv);
    if (!verdict.ok) {
      if (verdict.error.code !== 'ISOCHRON_ERR_MGMT_UNKNOWN_MID') errors.record(mid, verdict.error.errno, verdict.error.message);
      return cWrite(sock, emptyResponse(mid));
    }
    if (msg.action === Action.SET && mid === Mid.NODE_ROLE) {
      role = decodeValue(Mid.NODE_ROLE, tlv.payload);
      errors.record(mid, 0);
      return cWrite(sock, encodeResponse(mid, tlv.payload));
    }
    if (msg.action === Action.SET && mid === Mid.PACKET_COUNT) return cWrite(sock, encodeResponse(mid, Buffer.alloc(8, 1)));
    if (msg.action === Action.GET && mid === Mid.TEST_STATE) {
      if (!role) {
        errors.record(mid, -22, 'Sender role not instantiated');
        return cWrite(sock, emptyResponse(mid));
      }
      errors.record(mid, 0); // a success clears the MID's error, as in C
      return cWrite(sock, responseFor(Mid.TEST_STATE, 1));
    }
    if (msg.action === Action.GET && mid === Mid.LOG) {
      return cWrite(sock, responseFor(Mid.LOG, { logVersion: 4, records: Buffer.alloc(32 * 1000, 0xab) }));
    }
    if (msg.action === Action.GET && mid === Mid.PORT_STATE) return cWrite(sock, responseFor(Mid.LOG, { logVersion: 3, records: Buffer.alloc(0) }));
    if (msg.action === Action.GET && mid === Mid.UTC_OFFSET) return cWrite(sock, responseFor(Mid.UTC_OFFSET, 37).subarray(0, 12)); // half a reply
    if (msg.action === Action.GET && mid === Mid.VID) return cWrite(sock, Buffer.from('0102030400000000', 'hex')); // bad version
    if (msg.action === Action.GET && mid === Mid.CYCLE_TIME) return; // never answers
    if (msg.action === Action.GET && mid === Mid.STATS_PORT) return cWrite(sock, Buffer.from('02020000ffffffff', 'hex'));
    errors.record(mid, -95, `Unhandled ${msg.action === Action.GET ? 'GET' : 'SET'} for MID ${mid}`);
    cWrite(sock, emptyResponse(mid));
  };
}

test('GET/SET/GET_ERROR flow against a live server', async () => {
  await withServer(toyDaemon(), async (port) => {
    const client = await ManagementClient.connect({ host: '127.0.0.1', port, timeoutMs: 2000 });
    // Failure before the role is set: empty reply, then the client's own GET_ERROR.
    const err = await rejectsWith(client.get(Mid.TEST_STATE), 'ISOCHRON_ERR_MGMT_REMOTE');
    assert.match(err.message, /GET of MID TEST_STATE failed on the peer: Remote error -22: Sender role not instantiated/);
    assert.equal(err.exitStatus, 182); // -EBADMSG, as the C orchestrator exits
    assert.deepEqual(await client.getError(Mid.TEST_STATE), { rc: -22, extack: 'Sender role not instantiated' });
    assert.deepEqual(await client.getError(Mid.IF_NAME), { rc: 0, extack: '' }); // never failed (quirk 17)
    assert.equal(await client.set(Mid.NODE_ROLE, 'sender'), 'sender');
    assert.equal(await client.get(Mid.TEST_STATE), 1);
    // Wrong SET size never leaves the client: encodeValue refuses first.
    await rejectsWith(client.set(Mid.STATS_PORT, 1 << 20), 'ISOCHRON_ERR_MGMT_BAD_VALUE');
    // Unhandled SET on the peer.
    await rejectsWith(client.set(Mid.IF_NAME, 'eth0'), 'ISOCHRON_ERR_MGMT_REMOTE');
    // Echo that differs from what was sent.
    await rejectsWith(client.set(Mid.PACKET_COUNT, 5n), 'ISOCHRON_ERR_MGMT_UNEXPECTED_REPLY');
    // Unknown MID: empty reply, and GET_ERROR is empty too (quirk 18).
    await rejectsWith(client.getError(200), 'ISOCHRON_ERR_MGMT_UNEXPECTED_REPLY');
    // A LOG larger than the 8 KiB message limit.
    const log = await client.getLog();
    assert.equal(log.records.length, 32000);
    // Reply for another MID.
    await rejectsWith(client.get(Mid.PORT_STATE), 'ISOCHRON_ERR_MGMT_UNEXPECTED_REPLY');
    // Concurrent calls are queued, replies matched in order.
    const [a, b] = await Promise.all([client.get(Mid.TEST_STATE), client.getError(Mid.TEST_STATE)]);
    assert.deepEqual([a, b], [1, { rc: 0, extack: '' }]);
    // A recoverable framing error from the peer rejects the request, the connection stays.
    await rejectsWith(client.get(Mid.VID), 'ISOCHRON_ERR_MGMT_BAD_VERSION');
    assert.equal(await client.get(Mid.TEST_STATE), 1);
    // A fatal one closes the client.
    await rejectsWith(client.get(Mid.STATS_PORT), 'ISOCHRON_ERR_MGMT_TOO_LARGE');
    assert.ok(client.closed);
    await rejectsWith(client.get(Mid.TEST_STATE), 'ISOCHRON_ERR_MGMT_TOO_LARGE');
    await client.close();
  });
});

test('peer disconnects mid-request; timeouts; connection refused', async () => {
  await withServer(toyDaemon(), async (port, kill) => {
    const client = await ManagementClient.connect({ host: '127.0.0.1', port, timeoutMs: 300 });
    const t0 = Date.now();
    const err = await rejectsWith(client.get(Mid.CYCLE_TIME), 'ISOCHRON_ERR_MGMT_TIMEOUT');
    assert.ok(Date.now() - t0 >= 250);
    assert.match(err.message, /CYCLE_TIME/);
    assert.ok(client.closed);
    await rejectsWith(client.get(Mid.TEST_STATE), 'ISOCHRON_ERR_MGMT_TIMEOUT');
    await client.close();

    const c2 = await ManagementClient.connect({ host: '127.0.0.1', port, timeoutMs: 2000 });
    const pending = c2.get(Mid.UTC_OFFSET);
    setTimeout(kill, 100);
    const gone = await rejectsWith(pending, 'ISOCHRON_ERR_MGMT_DISCONNECTED');
    assert.match(gone.message, /truncated: 12 of 10|truncated/);
    await c2.close();
  });
  // A port nobody listens on.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await rejectsWith(ManagementClient.connect({ host: '127.0.0.1', port }), 'ISOCHRON_ERR_MGMT_CONNECT');
  assert.throws(() => new ManagementClient(undefined as never, { timeoutMs: 0 }), RangeError);
});
