// The socket layer against the real kernel, inside two namespaces this test
// creates (veth pair) and always deletes. Traffic is a handful of frames.
import { rawFrame } from '../helpers/frames.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import {
  CLOCK_TAI,
  POLLIN,
  SCM_TSTAMP_SCHED,
  SCM_TSTAMP_SND,
  SOF_TIMESTAMPING,
  SOF_TXTIME_DEADLINE_MODE,
  SOF_TXTIME_REPORT_ERRORS,
} from '../../src/sys/constants.js';
import { PacketSocket } from '../../src/sys/packet.js';
import type { DgramSocket } from '../../src/sys/dgram.js';
import { UdpSocket } from '../../src/sys/udp.js';
import { ifNameToIndex, interfaceMac } from '../../src/sys/iface.js';
import { decodeSockaddrIn, decodeSockaddrLl } from '../../src/sys/structs.js';
import { formatMac } from '../../src/core/mac.js';
import { getHwTimestamping, getTsInfo, setHwTimestamping, timestampingFlags } from '../../src/sys/tstamp.js';
import { connectTcp, listenTcp } from '../../src/sys/tcp.js';
import { clockGettime } from '../../src/sys/time.js';
import { isIsochronError } from '../../src/core/errors.js';
import { createVethPair, execIn, liveNamespaces, runNodeIn, withNetns, type VethPair } from '../helpers/netns.js';
import { FakeHwTimestampSource } from '../helpers/sys-fakes.js';

const MAC_A = '02:15:0c:00:00:0a';
const MAC_B = '02:15:0c:00:00:0b';
const ETYPE = 0xdead;
let pair: VethPair;

before(async () => {
  pair = await createVethPair({
    a: { ifname: 'isoa', mac: MAC_A, ipv4: '10.231.0.1/24', ipv6: 'fd00:231::1/64' },
    b: { ifname: 'isob', mac: MAC_B, ipv4: '10.231.0.2/24', ipv6: 'fd00:231::2/64' },
  });
});
after(() => {
  pair?.destroy();
  assert.deepEqual(liveNamespaces(), []);
  assert.equal(existsSync(`/run/netns/${pair.nsA}`), false);
});

/**
 * The kernel turns RX software timestamping on through a static key flipped
 * from a work queue after the first socket asks for it: the first frames
 * after that may arrive unstamped. Send (bounded) until one is stamped.
 */
function warmUp(tx: DgramSocket, rx: DgramSocket, payload = (i: number) => frame(0xffff0000 + i)): number {
  for (let i = 0; i < 100; i++) {
    tx.send(payload(i));
    while (tx.recvErrQueue(0)) {
      // drain warm-up TX timestamps
    }
    const r = rx.recv(1000);
    if (r && r.control.swTs !== 0n) return i + 1;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  throw new Error('RX software timestamps never appeared');
}

const frame = (seq: number): Buffer => rawFrame(MAC_B, MAC_A, ETYPE, seq);

test('the fixture made what it was asked for', async () => {
  const r = await execIn(pair.nsA, 'ip', ['-j', 'addr', 'show', 'isoa']);
  assert.equal(r.status, 0);
  const [link] = JSON.parse(r.stdout) as Array<{ address: string; addr_info: Array<{ local: string }> }>;
  assert.equal(link.address, MAC_A);
  assert.deepEqual(link.addr_info.map((a) => a.local).filter((a) => !a.startsWith('fe80')), ['10.231.0.1', 'fd00:231::1']);
  assert.equal(withNetns(pair.nsA, () => formatMac(interfaceMac('isoa'))), MAC_A);
  assert.ok(withNetns(pair.nsB, () => ifNameToIndex('isob')) > 0);
});

test('AF_PACKET: send on one end, receive on the other with software RX timestamps, TX timestamps keyed by OPT_ID', () => {
  const tx = withNetns(pair.nsA, () => PacketSocket.open({ ifname: 'isoa', ethertype: ETYPE, mac: MAC_B }));
  const rx = withNetns(pair.nsB, () => PacketSocket.open({ ifname: 'isob', ethertype: ETYPE }));
  try {
    tx.setTimestamping(timestampingFlags({ hardware: false }));
    rx.setTimestamping(timestampingFlags({ hardware: false }));
    assert.equal(tx.getTimestamping(), timestampingFlags({ hardware: false }));
    const keyBase = warmUp(tx, rx);
    for (let seq = keyBase; seq < keyBase + 5; seq++) {
      const before = clockGettime(0);
      assert.equal(tx.send(frame(seq)), 60);
      const stamps = new Map<number, bigint>();
      for (let i = 0; i < 2; i++) {
        const e = tx.recvErrQueue(1000);
        assert.ok(e, `TX timestamp ${i} of frame ${seq}`);
        assert.equal(e.control.tsKey, seq, 'OPT_ID key counts sent packets');
        stamps.set(e.control.tsType, e.control.swTs);
        assert.equal(e.control.hwTs, 0n);
      }
      assert.deepEqual([...stamps.keys()].sort(), [SCM_TSTAMP_SND, SCM_TSTAMP_SCHED]);
      const sched = stamps.get(SCM_TSTAMP_SCHED) as bigint;
      const snd = stamps.get(SCM_TSTAMP_SND) as bigint;
      assert.ok(sched >= before && snd >= sched, 'sched then snd, both after the send call began');
      const r = rx.recv(1000);
      assert.ok(r, `frame ${seq} received`);
      assert.equal(r.length, 60);
      assert.equal(r.data.readUInt32BE(14), seq);
      // veth timestamps RX inside its xmit, which may precede the SND stamp: compare with SCHED.
      assert.ok(r.control.swTs >= sched, `RX software timestamp ${r.control.swTs} after TX sched ${sched}`);
      assert.equal(r.control.hwTs, 0n);
      const from = decodeSockaddrLl(r.from);
      assert.equal(formatMac(from.addr), MAC_A);
      assert.equal(from.protocol, ETYPE);
    }
    assert.equal(tx.recvErrQueue(0), null, 'error queue drained');
    assert.equal(rx.recv(20), null, 'nothing else arrives');
  } finally {
    tx.close();
    rx.close();
  }
});

test('AF_PACKET: in-place frames, SO_PRIORITY, SO_TXTIME with an SCM_TXTIME cmsg (no etf here: sent at once)', () => {
  const tx = withNetns(pair.nsA, () => PacketSocket.open({ ifname: 'isoa', ethertype: ETYPE, mac: MAC_B }));
  const rx = withNetns(pair.nsB, () => PacketSocket.open({ ifname: 'isob', ethertype: ETYPE }));
  try {
    tx.setPriority(5);
    assert.equal(tx.getPriority(), 5);
    tx.setTxtime({ deadline: true });
    assert.deepEqual(tx.getTxtime(), { clockid: CLOCK_TAI, flags: SOF_TXTIME_DEADLINE_MODE | SOF_TXTIME_REPORT_ERRORS });
    frame(77).copy(tx.txBuffer);
    assert.equal(tx.sendPrepared(60, clockGettime(CLOCK_TAI) + 1_000_000n), 60);
    const r = rx.recv(1000);
    assert.ok(r);
    assert.equal(r.data.readUInt32BE(14), 77);
    assert.equal(tx.boundDevice(), 'isoa');
    assert.equal(withNetns(pair.nsA, () => tx.addMembership('01:80:c2:00:00:0e')), 'multicast');
    assert.equal(tx.addMembership('01:80:c2:00:00:0e', false), 'multicast');
    assert.throws(() => tx.send(Buffer.alloc(4096)), /exceeds bufferSize/);
  } finally {
    tx.close();
    rx.close();
  }
});

test('AF_PACKET errors: unknown interface, closed socket', () => {
  assert.throws(() => withNetns(pair.nsA, () => PacketSocket.open({ ifname: 'isob' })), (e: unknown) =>
    isIsochronError(e) && e.code === 'ISOCHRON_ERR_NO_SUCH_INTERFACE' && e.errno === -19 && e.exitStatus === 237);
  assert.throws(() => withNetns(pair.nsA, () => interfaceMac('nope0')), /interface nope0 not found/);
  const s = withNetns(pair.nsA, () => PacketSocket.open({ ifname: 'isoa' }));
  s.close();
  s.close();
  assert.throws(() => s.getPriority(), (e: unknown) => isIsochronError(e) && e.errno === -9 && /already closed/.test(e.message));
});

for (const family of [4, 6] as const) {
  test(`UDP over IPv${family}: software timestamps both ways, bound to the device`, () => {
    const [addrA, addrB] = family === 4 ? ['10.231.0.1', '10.231.0.2'] : ['fd00:231::1', 'fd00:231::2'];
    const rx = withNetns(pair.nsB, () => UdpSocket.open({ family, device: 'isob', bind: { port: 0 }, reuseAddr: true }));
    const port = rx.localAddress().port;
    const tx = withNetns(pair.nsA, () => UdpSocket.open({ family, device: 'isoa', dest: { address: addrB, port } }));
    try {
      tx.setTimestamping(timestampingFlags({ hardware: false, tsOnly: true }));
      rx.setTimestamping(timestampingFlags({ hardware: false }));
      const keyBase = warmUp(tx, rx, () => Buffer.from('warm-up'));
      for (let seq = keyBase; seq < keyBase + 3; seq++) {
        const payload = Buffer.from(`isochron ${seq}`);
        assert.ok(seq >= 1);
        assert.equal(tx.send(payload), payload.length);
        const keys = new Set<number>();
        for (let i = 0; i < 2; i++) {
          const e = tx.recvErrQueue(1000);
          assert.ok(e);
          assert.equal(e.length, 0, 'OPT_TSONLY: no packet copy');
          assert.ok(e.control.swTs > 0n);
          keys.add(e.control.tsKey);
        }
        assert.deepEqual([...keys], [seq]);
        const r = rx.recv(1000);
        assert.ok(r);
        assert.equal(r.data.toString(), `isochron ${seq}`, 'warm-up datagrams were all consumed');
        assert.ok(r.control.swTs > 0n);
        assert.equal(decodeSockaddrIn(r.from)?.address, addrA);
      }
      tx.sendTo(Buffer.from('direct'), addrB, port);
      assert.equal(rx.recv(1000)?.data.toString(), 'direct');
      assert.equal(rx.poll(POLLIN, 0), 0);
    } finally {
      tx.close();
      rx.close();
    }
  });
}

test('UDP errors keep errno: address in use, address not available', () => {
  const a = withNetns(pair.nsB, () => UdpSocket.open({ family: 4, bind: { address: '10.231.0.2', port: 0 } }));
  try {
    const port = a.localAddress().port;
    assert.throws(() => withNetns(pair.nsB, () => UdpSocket.open({ family: 4, bind: { address: '10.231.0.2', port } })), (e: unknown) =>
      isIsochronError(e) && e.errno === -98 && /Address already in use$/.test(e.message) && /another program uses this UDP port/.test(e.hint ?? ''));
    assert.throws(() => withNetns(pair.nsB, () => UdpSocket.open({ family: 6, bind: { address: 'fd00:999::1', port: 0 } })), (e: unknown) =>
      isIsochronError(e) && e.errno === -99 && /Cannot assign requested address/.test(e.message));
    assert.throws(() => UdpSocket.open({ family: 5 as 4 }), /family must be 4 or 6/);
  } finally {
    a.close();
  }
});

test('timestamping control on veth: software capabilities only, no PHC, SIOCSHWTSTAMP -> EOPNOTSUPP', () => {
  const info = withNetns(pair.nsA, () => getTsInfo('isoa'));
  assert.equal(info.phcIndex, -1);
  const sw = SOF_TIMESTAMPING.TX_SOFTWARE | SOF_TIMESTAMPING.RX_SOFTWARE | SOF_TIMESTAMPING.SOFTWARE;
  assert.equal(info.soTimestamping & sw, sw);
  assert.equal(info.soTimestamping & (SOF_TIMESTAMPING.TX_HARDWARE | SOF_TIMESTAMPING.RX_HARDWARE), 0);
  assert.throws(() => withNetns(pair.nsA, () => setHwTimestamping('isoa', { txOn: true })), (e: unknown) =>
    isIsochronError(e) && e.code === 'ISOCHRON_ERR_NO_HWTS' && e.errno === -95 && e.exitStatus === 161 &&
    e.message === 'SIOCSHWTSTAMP on isoa failed: Operation not supported: interface isoa has no hardware timestamping: use --omit-hwts');
  assert.throws(() => withNetns(pair.nsA, () => getHwTimestamping('isoa')), (e: unknown) => isIsochronError(e) && e.code === 'ISOCHRON_ERR_NO_HWTS');
  assert.throws(() => withNetns(pair.nsA, () => getTsInfo('isob')), (e: unknown) => isIsochronError(e) && e.code === 'ISOCHRON_ERR_NO_SUCH_INTERFACE');
});

test('a fake hardware-timestamping NIC over a real veth socket', () => {
  const tx = withNetns(pair.nsA, () => PacketSocket.open({ ifname: 'isoa', ethertype: ETYPE, mac: MAC_B }));
  const rx = withNetns(pair.nsB, () => PacketSocket.open({ ifname: 'isob', ethertype: ETYPE }));
  tx.setTimestamping(timestampingFlags({ hardware: true }));
  rx.setTimestamping(timestampingFlags({ hardware: true }));
  warmUp(tx, rx);
  const ftx = new FakeHwTimestampSource(tx, 1_000n);
  const frx = new FakeHwTimestampSource(rx, 1_000n);
  try {
    frame(9).copy(ftx.txBuffer);
    ftx.sendPrepared(60);
    // SCHED (at the qdisc: no hardware stamp), then SND with its hardware twin.
    const sched = ftx.recvErrQueue(1000);
    assert.ok(sched && sched.control.tsType === 1 && sched.control.swTs > 0n && sched.control.hwTs === 0n);
    const e = ftx.recvErrQueue(1000);
    assert.ok(e && e.control.tsType === 0 && e.control.swTs > 0n && e.control.hwTs === e.control.swTs - 1_000n);
    const r = frx.recv(1000);
    assert.ok(r && r.control.swTs > 0n && r.control.hwTs === r.control.swTs - 1_000n);
  } finally {
    ftx.close();
    frx.close();
  }
});

test('SO_BINDTODEVICE TCP listener handed to net.Server: reachable through its device, refused through another', async (t) => {
  const fd = withNetns(pair.nsB, () => listenTcp({ family: 6, port: 0, device: 'isob' }));
  const server = net.createServer((c) => c.end('hello\n'));
  t.after(() => server.close());
  await new Promise<void>((resolve) => server.listen({ fd }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  assert.ok(port > 0);

  // Through the veth (client bound to its own device, koffi socket handed to net.Socket).
  for (const address of ['10.231.0.2', 'fd00:231::2']) {
    const family = address.includes(':') ? 6 : 4;
    const cfd = await withNetns(pair.nsA, () => connectTcp({ family, address, port, device: 'isoa' }));
    const sock = new net.Socket({ fd: cfd, readable: true, writable: true });
    const got = await new Promise<string>((resolve, reject) => {
      let text = '';
      sock.on('data', (b) => (text += b.toString()));
      sock.on('end', () => resolve(text));
      sock.on('error', reject);
    });
    sock.destroy();
    assert.equal(got, 'hello\n');
  }

  // A plain Node client in the other namespace (node script run with `ip netns exec`).
  const script = `const s = require('net').connect(${port}, '10.231.0.2'); let t=''; s.on('data', b => t += b); s.on('end', () => { process.stdout.write(t); }); s.on('error', e => { console.error(e.code); process.exit(3); });`;
  const res = await execIn(pair.nsA, process.execPath, ['-e', script], { timeoutMs: 10_000 });
  assert.equal(res.stdout, 'hello\n', res.stderr);

  // Through loopback inside the server's namespace: not its device, so refused.
  await assert.rejects(withNetns(pair.nsB, () => connectTcp({ family: 4, address: '127.0.0.1', port })), (e: unknown) =>
    isIsochronError(e) && e.errno === -111 && /Connection refused/.test(e.message));
  const res2 = await runNodeIn(pair.nsB, '-e', [script.replace('10.231.0.2', '127.0.0.1')], { timeoutMs: 10_000 });
  assert.equal(res2.status, 3);
  assert.match(res2.stderr, /ECONNREFUSED/);
});

test('TCP errors: bind to a foreign address, unknown device, connect timeout bounded', async () => {
  assert.throws(() => withNetns(pair.nsA, () => listenTcp({ family: 4, address: '10.231.0.2', port: 0 })), (e: unknown) =>
    isIsochronError(e) && e.errno === -99);
  assert.throws(() => withNetns(pair.nsA, () => listenTcp({ family: 4, port: 0, device: 'nope0' })), (e: unknown) =>
    isIsochronError(e) && e.errno === -19 && /SO_BINDTODEVICE, nope0/.test(e.message));
  assert.throws(() => listenTcp({ family: 7 as 4, port: 0 }), /family must be 4 or 6/);
  // 10.231.0.99 does not exist on the link: the SYN is never answered; bounded by timeoutMs.
  await assert.rejects(withNetns(pair.nsA, () => connectTcp({ family: 4, address: '10.231.0.99', port: 9, timeoutMs: 300 })), (e: unknown) =>
    isIsochronError(e) && (e.errno === -110 || e.errno === -113));
  await assert.rejects(withNetns(pair.nsA, () => connectTcp({ family: 4, address: '10.231.0.2', port: 9, device: 'nope0' })), /nope0/);
});

test('the fixture deletes what it created when setup fails half way', async () => {
  const before = new Set(liveNamespaces());
  await assert.rejects(
    createVethPair({ a: { ifname: 'isoc', ipv4: 'not-an-address' }, b: { ifname: 'isod' } }),
    /ip -n .* addr add not-an-address dev isoc failed/,
  );
  assert.deepEqual(liveNamespaces().filter((ns) => !before.has(ns)), []);
  const ours = readdirSync('/run/netns').filter((n) => n.startsWith(`iso${process.pid}x`)).sort();
  assert.deepEqual(ours, [pair.nsA, pair.nsB].sort(), 'only the shared pair is left');
});
