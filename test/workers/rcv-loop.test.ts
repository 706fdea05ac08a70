// The receive path in-process against the real kernel, in namespaces this
// file creates: data sockets as the C receiver opens them, the loop turning
// frames into ring records (software RX timestamps; hardware ones through
// the fake NIC/fake timestamp source), L2 and L4 at once, the task's
// scheduling restore, and the DataPlane (worker thread) started inside the
// receiver's namespace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVethPair, liveNamespaces, withNetns, type VethPair } from '../helpers/netns.js';
import { FakeHwTimestampSource, fakeNic } from '../helpers/sys-fakes.js';
import { LoopControl, LoopState } from '../../workers/control.js';
import { RecordRing } from '../../workers/ring.js';
import { getScheduler } from '../../src/sys/sched.js';
import { openDataSockets } from '../../workers/receive-sockets.js';
import { runReceiveLoop } from '../../workers/receive-loop.js';
import runReceiveTask from '../../workers/receiver.js';
import { DataPlane } from '../../src/engine/receiver/worker-pool.js';
import { RX_RECORD_WORDS, RxRecord, RxRecordStatus, type ReceiveTaskConfig } from '../../workers/contract.js';
import { mac, openFrameSender, sleep, type FrameSender } from '../helpers/rcv-support.js';

const MAC_A = '02:00:00:00:0a:01';
const MAC_B = '02:00:00:00:0b:02';
let pair: VethPair;
let l2tx: FrameSender;
let l4tx: FrameSender;

before(async () => {
  pair = await createVethPair({
    a: { ifname: 'vxa', mac: MAC_A, ipv4: '10.199.0.1/24' },
    b: { ifname: 'vxb', mac: MAC_B, ipv4: '10.199.0.2/24' },
  });
  l2tx = openFrameSender({ ns: pair.nsA, ifname: 'vxa', frameSize: 64, transport: { kind: 'l2', dmac: mac(MAC_B), smac: mac(MAC_A), etype: 0xdead, vlan: null } });
  l4tx = openFrameSender({ ns: pair.nsA, ifname: 'vxa', frameSize: 128, transport: { kind: 'l4', family: 4 }, dest: { address: '10.199.0.2', port: 6000 } });
});
after(() => {
  l2tx?.close();
  l4tx?.close();
  pair?.destroy();
  assert.deepEqual(liveNamespaces(), []);
});

const base = { ifname: 'vxb', dmac: MAC_B, etype: 0xdead, dataPort: 6000, omitHwts: true };

function records(ring: RecordRing): Array<{ status: bigint; seqid: number; sw: bigint; hw: bigint; len: number }> {
  const out = [];
  const n = ring.readable();
  for (let i = 0; i < n; i++) {
    const at = ring.peek(i);
    const d = ring.data;
    out.push({ status: d[at + RxRecord.Status], seqid: Number(d[at + RxRecord.Seqid]), sw: d[at + RxRecord.Swts], hw: d[at + RxRecord.Hwts], len: Number(d[at + RxRecord.Length]) });
  }
  ring.release(n);
  return out;
}

/** Runs the loop for what is queued: a stop requested up front still drains everything. */
function drainOnce(sockets: ReturnType<typeof openDataSockets>, ring: RecordRing, wrap = false) {
  const control = new LoopControl();
  control.requestStop();
  const eps = wrap ? sockets.endpoints.map((e) => ({ ...e, source: new FakeHwTimestampSource(e.source, 1_000n) })) : sockets.endpoints;
  return runReceiveLoop(eps, { dmac: mac(MAC_B), etype: 0xdead }, ring, control, { pollMs: 50 });
}

async function warm(sockets: ReturnType<typeof openDataSockets>, ring: RecordRing, tx: FrameSender): Promise<void> {
  for (let i = 0; i < 100; i++) {
    tx.sendOne(4_000_000_000);
    await sleep(10);
    drainOnce(sockets, ring);
    if (records(ring).some((r) => r.sw !== 0n)) return;
  }
  throw new Error('RX software timestamps never appeared');
}

test('L2 and L4 at once: every frame a record with a software RX timestamp; short and foreign frames handled as C does', async () => {
  const sockets = withNetns(pair.nsB, () => openDataSockets({ ...base, l2: true, l4: true }));
  const ring = RecordRing.create(RX_RECORD_WORDS, 1024);
  try {
    await warm(sockets, ring, l2tx);
    await l2tx.send(1, 50);
    await l4tx.send(51, 100);
    const short = Buffer.alloc(20);
    mac(MAC_B).copy(short, 0);
    short.writeUInt16BE(0xdead, 12);
    l2tx.sendRaw(short);
    const foreign = Buffer.alloc(64);
    mac('02:00:00:00:0c:03').copy(foreign, 0);
    foreign.writeUInt16BE(0xdead, 12);
    l2tx.sendRaw(foreign);
    await sleep(50);
    const stats = drainOnce(sockets, ring);
    const got = records(ring);
    const packets = got.filter((r) => r.status === RxRecordStatus.Packet);
    assert.deepEqual(packets.map((r) => r.seqid).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i + 1));
    assert.ok(packets.every((r) => r.sw > 0n && r.hw === 0n), 'software RX timestamps, no hardware ones');
    assert.deepEqual(got.filter((r) => r.status === RxRecordStatus.TooShort).map((r) => r.len), [20]);
    assert.equal(stats.ignored, 1, 'a frame for another MAC is ignored silently');
  } finally {
    sockets.close();
  }
});

test('hardware RX timestamps (fake NIC) are carried raw next to the software ones', async () => {
  const nic = fakeNic({ ifname: 'vxb', phcIndex: 0 });
  const sockets = withNetns(pair.nsB, () => openDataSockets({ ...base, l2: true, l4: false, omitHwts: false }, nic));
  const ring = RecordRing.create(RX_RECORD_WORDS, 256);
  try {
    assert.ok(nic.calls.length > 0, 'SIOCSHWTSTAMP went to the NIC');
    await warm(sockets, ring, l2tx);
    await l2tx.send(1, 10);
    await sleep(30);
    drainOnce(sockets, ring, true);
    const got = records(ring);
    assert.equal(got.length, 10);
    assert.ok(got.every((r) => r.sw !== 0n && r.hw === r.sw - 1_000n));
  } finally {
    sockets.close();
  }
});

test('a data socket that cannot open reports which one and keeps the errno; multicast addresses join the group', () => {
  assert.throws(
    () => withNetns(pair.nsB, () => openDataSockets({ ...base, ifname: 'nosuch0', l2: true, l4: false })),
    (e: { code?: string; errno?: number; message: string }) => e.code === 'ISOCHRON_ERR_RCV_DATA_SOCKET' && e.errno === -19 && /L2 data socket on nosuch0/.test(e.message),
  );
  const s = withNetns(pair.nsB, () => openDataSockets({ ...base, dmac: '01:80:c2:00:00:0e', l2: true, l4: false }));
  s.close();
  const busy = withNetns(pair.nsB, () => openDataSockets({ ...base, l2: false, l4: true }));
  try {
    assert.throws(() => withNetns(pair.nsB, () => openDataSockets({ ...base, l2: false, l4: true })), /L4 \(UDP port 6000\) data socket/);
  } finally {
    busy.close();
  }
});

test('the task restores SCHED_OTHER and its error comes back as data', () => {
  const ring = RecordRing.create(RX_RECORD_WORDS, 16);
  const control = new LoopControl();
  control.requestStop();
  const cfg: ReceiveTaskConfig = { ...base, l2: true, l4: false, thread: { policy: 'fifo', priority: 10, cpus: [0] }, pollMs: 10 };
  const before = getScheduler();
  const ok = withNetns(pair.nsB, () => runReceiveTask({ config: cfg, ring: ring.buffer, control: control.buffer }));
  assert.equal(ok.ok, true);
  assert.equal(control.state, LoopState.Finished);
  assert.deepEqual(getScheduler(), before);
  const bad = runReceiveTask({ config: { ...cfg, ifname: 'nosuch0' }, ring: ring.buffer, control: new LoopControl().buffer });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.code, 'ISOCHRON_ERR_RCV_DATA_SOCKET');
});

test('DataPlane: a worker thread receives, the ring feeds the sink, L4 can be switched on and off', async () => {
  const seen: number[] = [];
  const cfg: ReceiveTaskConfig = { ...base, l2: true, l4: false, thread: { policy: null, priority: 0, cpus: null }, pollMs: 20 };
  const sink = (ring: RecordRing): void => {
    for (const r of records(ring)) if (r.status === RxRecordStatus.Packet) seen.push(r.seqid);
  };
  // The pool's thread is created here, so it lives in the receiver's namespace.
  const plane = withNetns(pair.nsB, () => new DataPlane(cfg, sink));
  try {
    await plane.start();
    assert.equal(plane.running, true);
    await plane.setEnabled(true, true);
    for (let i = 0; i < 50 && !seen.includes(4_000_000_000); i++) {
      l4tx.sendOne(4_000_000_000);
      await sleep(20);
    }
    await l2tx.send(1, 5);
    await l4tx.send(6, 10);
    await sleep(100);
    await plane.setEnabled(true, true); // no change: no restart
    assert.deepEqual(seen.filter((s) => s <= 10).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await plane.setEnabled(true, false);
    assert.deepEqual([plane.config.l2, plane.config.l4], [true, false]);
    // The restarted loop receives L2 only: the UDP socket is closed.
    await l2tx.send(11, 13);
    await l4tx.send(14, 16);
    await sleep(100);
    const stats = await plane.stop();
    assert.ok(stats, 'a running loop reports its statistics on stop');
    assert.equal(stats.records, 3);
    assert.deepEqual(seen.filter((s) => s > 10 && s < 100).sort((a, b) => a - b), [11, 12, 13]);
    assert.equal(plane.running, false);
    assert.equal(plane.dropped, 0);
  } finally {
    await plane.close();
  }
});

test('DataPlane: a loop that cannot open its socket rejects start() with the task error', async () => {
  const plane = new DataPlane({ ...base, ifname: 'nosuch0', l2: true, l4: false, thread: { policy: null, priority: 0, cpus: null }, pollMs: 20 }, () => undefined);
  try {
    await assert.rejects(plane.start(), (e: { code?: string }) => e.code === 'ISOCHRON_ERR_RCV_DATA_SOCKET');
    assert.equal(await plane.stop(), null);
  } finally {
    await plane.close();
  }
});

test('DataPlane: a sink that throws is reported once through onFailure, never as a crash', async () => {
  const failures: Array<{ code: string; message: string }> = [];
  let calls = 0;
  const sink = (): void => {
    calls++;
    throw new TypeError('sink bug');
  };
  const cfg: ReceiveTaskConfig = { ...base, l2: true, l4: false, thread: { policy: null, priority: 0, cpus: null }, pollMs: 20 };
  const plane = withNetns(pair.nsB, () => new DataPlane(cfg, sink, (e) => failures.push({ code: e.code, message: e.message })));
  try {
    await plane.start();
    await l2tx.send(1, 3);
    for (let i = 0; i < 100 && failures.length === 0; i++) await sleep(10);
    await l2tx.send(4, 6);
    await sleep(100);
    plane.drain();
    assert.deepEqual(failures, [{ code: 'ISOCHRON_ERR_RCV_LOOP_FAILED', message: 'The receive loop stopped: handling received packets: sink bug' }]);
    assert.equal(calls, 1);
    await plane.stop();
  } finally {
    await plane.close();
  }
});
