// The receiver's management side in-process: a real StatsServer on loopback
// (root namespace, ephemeral port), the real Receiver and dispatcher, and a
// RecordRing filled by the test instead of the receive thread. Covers the
// error conventions, held GET LOG and its timeout, the client queue, and bad
// input that must never crash the server.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Action, encodeGet, encodeMessage, encodeSet, Mid, decodeErrorPayload, type ManagementMessage } from '../../../src/engine/mgmt/index.js';
import { RecordRing } from '../../../workers/ring.js';
import { Receiver, type DataPlaneControl } from '../../../src/engine/receiver/receiver.js';
import { MAX_WAITING_CLIENTS, StatsServer } from '../../../src/engine/receiver/stats-server.js';
import { RX_RECORD_WORDS, RxRecord, RxRecordStatus } from '../../../workers/contract.js';
import { MgmtTestClient, sleep } from '../../helpers/rcv-support.js';

interface Harness {
  rcv: Receiver;
  server: StatsServer;
  ring: RecordRing;
  plane: DataPlaneControl & { enabled: Array<[boolean, boolean]>; failNext: boolean };
  out: string[];
  err: string[];
  connect(): Promise<MgmtTestClient>;
  push(seqid: number, opts?: { sw?: bigint; hw?: bigint; tooShort?: number }): void;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function harness(opts: { dataTimeoutMs?: number; partialTimeoutMs?: number; quiet?: boolean } = {}): Promise<Harness> {
  const out: string[] = [];
  const err: string[] = [];
  const ring = RecordRing.create(RX_RECORD_WORDS, 64);
  const rcv = new Receiver(
    { ifname: 'lo', quiet: opts.quiet ?? false, dmac: '02:00:00:00:0b:02', utcTaiOffset: 37, udsPath: '/nonexistent/ptp4l', dataTimeoutMs: opts.dataTimeoutMs, partialTimeoutMs: opts.partialTimeoutMs },
    { out: { out: (s) => out.push(s), err: (s) => err.push(s) }, linkRunning: () => true, sysmon: null },
  );
  const plane = {
    enabled: [] as Array<[boolean, boolean]>,
    failNext: false,
    config: { l2: true, l4: false },
    dropped: 0,
    drain: () => rcv.onRecords(ring),
    async setEnabled(l2: boolean, l4: boolean) {
      if (this.failNext) {
        this.failNext = false;
        throw Object.assign(new Error('boom'), {});
      }
      this.enabled.push([l2, l4]);
      this.config = { l2, l4 };
    },
  };
  rcv.attachDataPlane(plane);
  const server = await StatsServer.listen({ address: { family: 4, address: '127.0.0.1' }, port: 0 }, (s) => rcv.serve(s, () => server.release(s)));
  cleanups.push(async () => {
    rcv.shutdown();
    await server.close();
  });
  return {
    rcv,
    server,
    ring,
    plane,
    out,
    err,
    connect: () =>
      new Promise((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port: server.port }, () => resolve(new MgmtTestClient(s)));
        s.once('error', reject);
        cleanups.push(() => void s.destroy());
      }),
    push(seqid, o = {}) {
      const at = ring.reserve();
      ring.data[at + RxRecord.Status] = o.tooShort ? RxRecordStatus.TooShort : RxRecordStatus.Packet;
      ring.data[at + RxRecord.Seqid] = BigInt(seqid);
      ring.data[at + RxRecord.Arrival] = 2_000_000_000n + BigInt(seqid);
      ring.data[at + RxRecord.Hwts] = o.hw ?? 0n;
      ring.data[at + RxRecord.Swts] = o.sw ?? 1_000_000_000n + BigInt(seqid);
      ring.data[at + RxRecord.Length] = BigInt(o.tooShort ?? 64);
      ring.commit();
    },
  };
}

function tlv(m: ManagementMessage): { mid: number; payload: Buffer } {
  assert.equal(m.action, Action.RESPONSE);
  assert.equal(m.tlvs.length, 1);
  return m.tlvs[0];
}

async function errorOf(c: MgmtTestClient, mid: number): Promise<{ rc: number; extack: string }> {
  const r = await c.request(encodeGet(mid, Action.GET_ERROR));
  return decodeErrorPayload(tlv(r.message).payload);
}

test('GET/SET conventions: values, echo, empty TLV + GET_ERROR, unknown MID, other TLV types, several TLVs', async () => {
  const h = await harness();
  const c = await h.connect();
  const mac = tlv((await c.request(encodeGet(Mid.DESTINATION_MAC))).message);
  assert.equal(mac.payload.toString('hex'), '020000000b020000');
  assert.equal(tlv((await c.request(encodeGet(Mid.PORT_LINK_STATE))).message).payload.toString('hex'), '02000000');
  const tai = tlv((await c.request(encodeGet(Mid.CURRENT_CLOCK_TAI))).message).payload.readBigInt64BE(0);
  assert.ok(tai > 1_600_000_000n * 1_000_000_000n);
  assert.deepEqual(await errorOf(c, Mid.CURRENT_CLOCK_TAI), { rc: 0, extack: '' });

  const ifname = tlv((await c.request(encodeGet(Mid.IF_NAME))).message);
  assert.equal(ifname.mid, Mid.IF_NAME);
  assert.equal(ifname.payload.length, 0);
  assert.deepEqual(await errorOf(c, Mid.IF_NAME), { rc: -95, extack: 'Unhandled GET for MID IF_NAME' });
  assert.equal(tlv((await c.request(encodeSet(Mid.PRIORITY, 3))).message).payload.length, 0);
  assert.deepEqual(await errorOf(c, Mid.PRIORITY), { rc: -95, extack: 'Unhandled SET for MID PRIORITY' });

  const short = encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.PACKET_COUNT, payload: Buffer.alloc(4) }] });
  assert.equal(tlv((await c.request(short)).message).payload.length, 0);
  assert.deepEqual(await errorOf(c, Mid.PACKET_COUNT), { rc: -22, extack: 'Expected 8 bytes for SET of MID PACKET_COUNT, got 4' });

  const unknown = await c.request(encodeGet(99));
  assert.equal(tlv(unknown.message).mid, 99);
  assert.equal(tlv((await c.request(encodeGet(77, Action.GET_ERROR))).message).payload.length, 0);

  assert.deepEqual(await errorOf(c, Mid.SYSMON_OFFSET).then(async () => {
    await c.request(encodeGet(Mid.SYSMON_OFFSET));
    return errorOf(c, Mid.SYSMON_OFFSET);
  }), { rc: -22, extack: 'Sync monitoring absent' });
  await c.request(encodeGet(Mid.PTPMON_OFFSET));
  const ptpmon = await errorOf(c, Mid.PTPMON_OFFSET);
  assert.equal(ptpmon.rc, -2);
  // C's text first, then our hint on what to do about it.
  assert.match(ptpmon.extack, /^Failed to read ptpmon offset: No such file or directory \(ptp4l is not running/);
  for (const mid of [Mid.UTC_OFFSET, Mid.PORT_STATE, Mid.GM_CLOCK_IDENTITY]) {
    assert.equal(tlv((await c.request(encodeGet(mid))).message).payload.length, 0);
  }

  // A TLV of another type is skipped without a reply; the next request is answered.
  c.write(encodeMessage({ action: Action.GET, tlvs: [{ tlvType: 5, mid: Mid.DESTINATION_MAC }] }));
  assert.equal(tlv((await c.request(encodeGet(Mid.PORT_LINK_STATE))).message).mid, Mid.PORT_LINK_STATE);
  // Two TLVs in one message: two replies, in order.
  const n = c.replies.length;
  c.write(encodeMessage({ action: Action.GET, tlvs: [{ mid: Mid.PORT_LINK_STATE }, { mid: Mid.DESTINATION_MAC }] }));
  assert.equal(tlv((await c.reply(n + 1)).message).mid, Mid.DESTINATION_MAC);
  assert.equal(tlv(c.replies[n].message).mid, Mid.PORT_LINK_STATE);
  assert.ok(h.err.includes('Unrecognized MID 99\n'));
  assert.ok(h.err.includes('Unhandled GET for MID IF_NAME\n'));
  assert.deepEqual(h.out, ['Accepted connection from 127.0.0.1\n']);
});

test('L2/L4 enable go to the data plane; a failing reconfiguration is an error reply, not a crash', async () => {
  const h = await harness();
  const c = await h.connect();
  assert.equal(tlv((await c.request(encodeSet(Mid.L4_ENABLED, true))).message).payload.toString('hex'), '01000000');
  assert.deepEqual(h.plane.enabled, [[true, true]]);
  h.plane.failNext = true;
  assert.equal(tlv((await c.request(encodeSet(Mid.L2_ENABLED, false))).message).payload.length, 0);
  const e = await errorOf(c, Mid.L2_ENABLED);
  assert.equal(e.rc, -5);
  assert.match(e.extack, /boom/);
});

test('a session: count, packets, GET LOG answered when all are in; a held GET LOG is released by the last packet', async () => {
  const h = await harness();
  const c = await h.connect();
  const flush = tlv((await c.request(encodeGet(Mid.LOG))).message);
  assert.equal(flush.payload.toString('hex'), '0000000400000000');
  await c.request(encodeSet(Mid.PACKET_COUNT, 3n));
  h.push(1);
  h.push(2, { hw: 5n });
  h.push(9);
  h.push(0);
  h.push(7, { tooShort: 10 });
  const n = c.replies.length;
  c.write(encodeGet(Mid.LOG));
  await sleep(50);
  assert.equal(c.replies.length, n, 'GET LOG held: 2 of 3 packets in');
  h.push(3, { sw: 0n });
  h.rcv.onRecords(h.ring);
  const log = tlv((await c.reply(n)).message).payload;
  assert.equal(log.readUInt32BE(0), 4);
  assert.equal(log.readUInt32BE(4), 96);
  assert.deepEqual([0, 1, 2].map((k) => log.readUInt32BE(8 + k * 32)), [1, 2, 3]);
  assert.equal(log.readBigInt64BE(8 + 24), 1_000_000_001n + 37_000_000_000n, 'swts converted to TAI');
  assert.equal(log.readBigInt64BE(8 + 32 + 16), 5n, 'hwts kept raw');
  assert.equal(log.readBigInt64BE(8 + 64 + 24), 0n, 'a missing swts stays missing');
  assert.deepEqual(h.out.slice(1), ['Discarding seqid 9\n', 'Discarding seqid 0\n', 'Packet too short (10 bytes)\n']);
  assert.deepEqual(h.rcv.exitLines(), [], 'the collected log was replaced by a zeroed one');
});

test('a held GET LOG is answered when the data timer fires, with the C timeout line', async () => {
  const h = await harness({ dataTimeoutMs: 150 });
  const c = await h.connect();
  await c.request(encodeSet(Mid.PACKET_COUNT, 4n));
  h.push(2);
  h.rcv.onRecords(h.ring);
  const log = tlv((await c.request(encodeGet(Mid.LOG), 5000)).message).payload;
  assert.equal(log.readUInt32BE(4), 128);
  assert.equal(log.readUInt32BE(8 + 32), 2);
  assert.ok(h.err.includes('Timed out waiting for data packets, received 1 out of 4 expected\n'));
  // Timed out: a later GET LOG is answered at once.
  assert.equal(tlv((await c.request(encodeGet(Mid.LOG), 1000)).message).payload.readUInt32BE(4), 128);
});

test('log allocation failures are reported like C', async () => {
  const h = await harness();
  const c = await h.connect();
  assert.equal(tlv((await c.request(encodeSet(Mid.PACKET_COUNT, -1n))).message).payload.length, 0);
  // C's text, then the limit that refused it.
  const limit = ": PACKET_COUNT is limited to 134217727 (the LOG reply's buf_len is 32-bit)";
  assert.deepEqual(await errorOf(c, Mid.PACKET_COUNT), { rc: -12, extack: `Could not allocate log for 18446744073709551615 iterations${limit}` });
  await c.request(encodeSet(Mid.PACKET_COUNT, 1n << 40n));
  assert.deepEqual(await errorOf(c, Mid.PACKET_COUNT), { rc: -12, extack: `Could not allocate log for ${1n << 40n} iterations${limit}` });
  await c.request(encodeSet(Mid.PACKET_COUNT, 134_217_728n));
  assert.equal((await errorOf(c, Mid.PACKET_COUNT)).rc, -12);
  // The largest count the wire can carry is taken (zero pages until packets arrive).
  assert.equal(tlv((await c.request(encodeSet(Mid.PACKET_COUNT, 134_217_727n))).message).payload.readBigUInt64BE(0), 134_217_727n);
  assert.deepEqual(await errorOf(c, Mid.PACKET_COUNT), { rc: 0, extack: '' });
});

test('one client at a time: the second waits, unannounced, until the first leaves; uncollected records print at exit', async () => {
  const h = await harness();
  const a = await h.connect();
  await a.request(encodeSet(Mid.PACKET_COUNT, 2n));
  h.push(1);
  h.rcv.onRecords(h.ring);
  const b = await h.connect();
  b.write(encodeGet(Mid.PORT_LINK_STATE));
  await sleep(100);
  assert.equal(b.replies.length, 0);
  assert.equal(h.server.waiting, 1);
  assert.deepEqual(h.rcv.exitLines(), ['seqid 1\n']);
  a.close();
  await b.reply(0);
  assert.equal(h.out.filter((l) => l.startsWith('Accepted')).length, 2);
  assert.equal(tlv((await b.request(encodeGet(Mid.LOG))).message).payload.length, 8, 'a new client sees a fresh receiver');
});

test('bad input never crashes the server: garbage, oversize, truncated, disconnect mid-message, stalled message', async () => {
  const h = await harness({ partialTimeoutMs: 200 });
  const probes: Buffer[] = [
    Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    Buffer.from('0200000000010000', 'hex'), // GET with a 64 KiB claim
    Buffer.from('020000000000000800000007', 'hex'), // truncated, then closed
  ];
  for (const p of probes) {
    const c = await h.connect();
    c.write(p);
    await sleep(30);
    c.close();
  }
  // Wrong version with an intact length: ignored, the stream stays usable.
  const ok = await h.connect();
  ok.write(Buffer.from('09000000000000080000000700000000', 'hex'));
  const r = await ok.request(encodeGet(Mid.DESTINATION_MAC));
  assert.equal(tlv(r.message).mid, Mid.DESTINATION_MAC);
  ok.close();
  // A half message that never completes is given up after partialTimeoutMs.
  const stalled = await h.connect();
  stalled.write(Buffer.from('0200000000000008000000', 'hex'));
  await sleep(400);
  assert.equal(stalled.closed, true, 'stalled connection closed');
  const next = await h.connect();
  assert.equal(tlv((await next.request(encodeGet(Mid.PORT_LINK_STATE))).message).payload.toString('hex'), '02000000');
  const text = h.err.join('');
  assert.match(text, /ISOCHRON_ERR_MGMT_TOO_LARGE; closing the connection/);
  assert.match(text, /ISOCHRON_ERR_MGMT_TRUNCATED/);
  assert.match(text, /ISOCHRON_ERR_MGMT_BAD_VERSION; ignored/);
});

test('the client queue is bounded: MAX_WAITING_CLIENTS wait, one more is closed at once', async () => {
  const served: net.Socket[] = [];
  const server = await StatsServer.listen({ address: { family: 4, address: '127.0.0.1' }, port: 0 }, (s) => void served.push(s));
  const clients: net.Socket[] = [];
  cleanups.push(async () => {
    for (const c of clients) c.destroy();
    await server.close();
  });
  const open = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: server.port }, () => resolve(s));
      s.on('error', reject);
      clients.push(s);
    });
  await open(); // served
  for (let i = 0; i < MAX_WAITING_CLIENTS; i++) await open();
  for (let i = 0; i < 100 && server.waiting < MAX_WAITING_CLIENTS; i++) await sleep(10);
  assert.equal(served.length, 1);
  assert.equal(server.waiting, MAX_WAITING_CLIENTS);
  const extra = await open();
  extra.on('error', () => undefined); // the refusal may arrive as a reset
  for (let i = 0; i < 200 && !extra.destroyed; i++) await sleep(10);
  assert.equal(extra.destroyed, true, 'the client beyond the limit is closed');
  assert.equal(server.waiting, MAX_WAITING_CLIENTS);
  // The served client leaves: the first waiting one gets its turn.
  served[0].destroy();
  for (let i = 0; i < 200 && served.length < 2; i++) await sleep(10);
  assert.equal(served.length, 2);
  assert.equal(server.waiting, MAX_WAITING_CLIENTS - 1);
});
