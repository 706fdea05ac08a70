// ConnectionFlow on real loopback sockets: replies keep their order and
// bytes when a big one is streamed to a slow reader, the requests cap stops
// parsing (bytes are kept, not lost) and resumes when requests are answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { ConnectionFlow, FEED_BYTES } from '../../../src/engine/mgmt/flow.js';

async function socketPair(): Promise<{ server: Socket; client: Socket; close(): Promise<void> }> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => srv.once('connection', r));
  const client = connect((srv.address() as { port: number }).port, '127.0.0.1');
  client.on('error', () => undefined);
  const server = await accepted;
  server.on('error', () => undefined);
  await new Promise<void>((r) => (client.readyState === 'open' ? r() : client.once('connect', () => r())));
  return {
    server,
    client,
    close: async () => {
      client.destroy();
      server.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a streamed 8 MiB reply and the small reply after it arrive whole and in order; the writer waits for a slow reader', async () => {
  const { server, client, close } = await socketPair();
  try {
    const flow = new ConnectionFlow(server, { maxPendingReplyBytes: 256 * 1024 }, () => undefined);
    const big = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32BE(i, i);
    let settled = false;
    const first = flow.send([Buffer.from('HEAD'), big]).then(() => (settled = true));
    const second = flow.send(Buffer.from('NEXT'));
    client.pause();
    // Nobody reads yet: the big reply cannot have been handed over whole.
    await sleep(200);
    assert.equal(settled, false, 'the writer waits while the peer does not read');
    assert.ok(server.writableLength <= 256 * 1024 + 64 * 1024, `pending ${server.writableLength}`);
    const chunks: Buffer[] = [];
    let n = 0;
    const total = 4 + big.length + 4;
    const all = new Promise<void>((resolve) =>
      client.on('data', (b: Buffer) => {
        chunks.push(b);
        n += b.length;
        if (n >= total) resolve();
      }),
    );
    client.resume();
    await Promise.all([first, second, all]);
    const got = Buffer.concat(chunks);
    assert.equal(got.length, total);
    assert.equal(got.subarray(0, 4).toString(), 'HEAD');
    assert.ok(got.subarray(4, 4 + big.length).equals(big), 'the big reply, byte for byte');
    assert.equal(got.subarray(4 + big.length).toString(), 'NEXT');
  } finally {
    await close();
  }
});

test('past the requests cap nothing more is parsed; the kept bytes are parsed once requests are answered', async () => {
  const { server, client, close } = await socketPair();
  try {
    const parsed: number[] = [];
    const flow: ConnectionFlow = new ConnectionFlow(server, { maxQueuedRequests: 4 }, (piece: Buffer) => {
      // One "request" per byte, as a parser would queue them.
      for (const b of piece) {
        parsed.push(b);
        flow.requestQueued();
      }
    });
    server.on('data', (b: Buffer) => flow.feed(b));
    const bytes = Buffer.alloc(10 * FEED_BYTES, 7);
    client.write(bytes);
    await sleep(200);
    // At the cap after the first piece: the rest is kept, the socket paused.
    assert.equal(parsed.length, FEED_BYTES);
    assert.equal(flow.holding, true);
    assert.equal(server.isPaused(), true);
    // Answering requests releases the next piece, and so on until all are parsed.
    for (let i = 0; i < 2000 && parsed.length < bytes.length; i++) {
      while (flow.queued > 0) flow.requestDone();
      await sleep(1);
    }
    assert.equal(parsed.length, bytes.length, 'every byte parsed once, none lost');
    while (flow.queued > 0) flow.requestDone();
    assert.equal(flow.holding, false);
    assert.equal(server.isPaused(), false);
  } finally {
    await close();
  }
});

test('a reply to a peer that left is dropped and releases the writer', async () => {
  const { server, client, close } = await socketPair();
  try {
    client.pause();
    const flow = new ConnectionFlow(server, { maxPendingReplyBytes: 64 * 1024 }, () => undefined);
    const sent = flow.send([Buffer.alloc(64 * 1024 * 1024)]);
    await sleep(100);
    assert.ok(server.writableLength < 1024 * 1024, 'the 64 MiB reply was not handed over whole');
    client.destroy();
    await sent;
    await flow.send(Buffer.from('late'));
    assert.equal(flow.holding, false);
  } finally {
    await close();
  }
});
