// The daemon's management behaviour in process, on loopback: the C
// daemon's answers (texts, rc, order of checks), the parameter checks at
// test start, real test runs on `lo` (software timestamp fallback, --no-ts
// finishing, test after test), and the rules for a second client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Action, encodeGet, encodeMessage, encodeSet, ManagementClient, Mid, TestState, tlvError, tlvValue, type MidValue } from '../../../src/engine/mgmt/index.js';
import { RawPeer, sleep, startInProcess } from '../../helpers/daemon-support.js';
import { DaemonServer } from '../../../src/verbs/daemon/server.js';
import { collectingLog } from '../../../src/verbs/daemon/log.js';
import { decodeSendRecord } from '../../../src/engine/dat/layout.js';

const DMAC = '02:00:00:00:0b:02';

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the request to fail');
}

async function client(port: number): Promise<ManagementClient> {
  return ManagementClient.connect({ host: '127.0.0.1', port, timeoutMs: 5000 });
}

/** A sender configured like the orchestrator does, on lo. */
async function configure(c: ManagementClient, o: { count: bigint; ts: boolean; cycle?: bigint }): Promise<void> {
  await c.set(Mid.NODE_ROLE, 'sender');
  await c.set(Mid.IF_NAME, 'lo');
  await c.set(Mid.DESTINATION_MAC, DMAC);
  await c.set(Mid.PACKET_SIZE, 64);
  await c.set(Mid.CYCLE_TIME, o.cycle ?? 1_000_000n);
  await c.set(Mid.PACKET_COUNT, o.count);
  await c.set(Mid.TS_ENABLED, o.ts);
  await c.set(Mid.SYNC_MONITOR_ENABLED, false);
  await c.set(Mid.L2_ENABLED, true);
}

async function waitIdle(c: ManagementClient, ms = 15_000): Promise<MidValue<typeof Mid.TEST_STATE>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await c.get(Mid.TEST_STATE);
    if (s !== TestState.RUNNING || Date.now() > deadline) return s;
    await sleep(50);
  }
}

test('without a role: C texts and errnos, GET_ERROR per MID, unknown MIDs', async () => {
  const { server, port, log } = await startInProcess();
  const p = await RawPeer.connect(port);
  try {
    // GET needing a role, then GET_ERROR: -22 "Sender role not instantiated".
    let r = await p.ask(encodeGet(Mid.TEST_STATE));
    assert.equal(r.tlvs[0].payload.length, 0);
    r = await p.ask(encodeGet(Mid.TEST_STATE, Action.GET_ERROR));
    assert.deepEqual(tlvError(r.tlvs[0]), { rc: -22, extack: 'Sender role not instantiated' });
    // A MID that never failed: rc 0, no text (TLV length 4).
    r = await p.ask(encodeGet(Mid.STATS_PORT, Action.GET_ERROR));
    assert.equal(r.tlvs[0].payload.toString('hex'), '00000000');
    // No GET handler: -95; no SET handler: -95.
    await p.ask(encodeGet(Mid.IF_NAME));
    r = await p.ask(encodeGet(Mid.IF_NAME, Action.GET_ERROR));
    assert.deepEqual(tlvError(r.tlvs[0]), { rc: -95, extack: 'Unhandled GET for MID IF_NAME' });
    await p.ask(encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.PORT_LINK_STATE, payload: Buffer.alloc(4) }] }));
    r = await p.ask(encodeGet(Mid.PORT_LINK_STATE, Action.GET_ERROR));
    assert.deepEqual(tlvError(r.tlvs[0]), { rc: -95, extack: 'Unhandled SET for MID PORT_LINK_STATE' });
    // Wrong SET length is checked before the role.
    await p.ask(encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.PACKET_COUNT, payload: Buffer.alloc(4) }] }));
    r = await p.ask(encodeGet(Mid.PACKET_COUNT, Action.GET_ERROR));
    assert.deepEqual(tlvError(r.tlvs[0]), { rc: -22, extack: 'Expected 8 bytes for SET of MID PACKET_COUNT, got 4' });
    // Unknown MID: empty TLV with the same MID, for GET, SET and GET_ERROR.
    for (const action of [Action.GET, Action.GET_ERROR]) {
      r = await p.ask(encodeGet(300, action as typeof Action.GET));
      assert.equal(r.tlvs[0].mid, 300);
      assert.equal(r.tlvs[0].payload.length, 0);
    }
    // Receiver role: C's text.
    await p.ask(encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.NODE_ROLE, payload: Buffer.from('00000001', 'hex') }] }));
    r = await p.ask(encodeGet(Mid.NODE_ROLE, Action.GET_ERROR));
    assert.deepEqual(tlvError(r.tlvs[0]), { rc: -22, extack: 'Unexpected node role 1' });
    // CURRENT_CLOCK_TAI needs no role and is close to now (TAI >= UTC here).
    r = await p.ask(encodeGet(Mid.CURRENT_CLOCK_TAI));
    const tai = tlvValue(r.tlvs[0]) as bigint;
    assert.ok(tai > BigInt(Date.now() - 60_000) * 1_000_000n);
    // tlv_type != 0 is skipped: the next request's reply is the next message.
    p.send(encodeMessage({ action: Action.GET, tlvs: [{ tlvType: 1, mid: Mid.TEST_STATE }] }));
    r = await p.ask(encodeGet(Mid.CURRENT_CLOCK_TAI));
    assert.equal(r.tlvs[0].mid, Mid.CURRENT_CLOCK_TAI);
    assert.match(log.text(), /Unrecognized MID 300/);
    assert.match(log.text(), /Ignored TLV of type 1/);
  } finally {
    p.close();
    await server.close();
  }
});

test('sender role: every parameter SET is echoed; monitor MIDs answer as a daemon without sync monitoring', async () => {
  const { server, port } = await startInProcess();
  const c = await client(port);
  try {
    await c.set(Mid.NODE_ROLE, 'sender');
    const values: Array<[number, unknown]> = [
      [Mid.IF_NAME, 'lo'], [Mid.DESTINATION_MAC, DMAC], [Mid.SOURCE_MAC, '02:00:00:00:0a:01'], [Mid.PRIORITY, 3],
      [Mid.STATS_PORT, 5031], [Mid.BASE_TIME, 1n], [Mid.ADVANCE_TIME, 2n], [Mid.SHIFT_TIME, 3n], [Mid.CYCLE_TIME, 5_000_000n],
      [Mid.WINDOW_SIZE, 0n], [Mid.DOMAIN_NUMBER, 1], [Mid.TRANSPORT_SPECIFIC, 1], [Mid.UDS, '/var/run/ptp4l'],
      [Mid.NUM_READINGS, 5], [Mid.PACKET_SIZE, 128], [Mid.TS_ENABLED, true], [Mid.VID, 100], [Mid.ETHERTYPE, 0xdead],
      [Mid.QUIET_ENABLED, true], [Mid.TAPRIO_ENABLED, false], [Mid.TXTIME_ENABLED, false], [Mid.DEADLINE_ENABLED, false],
      [Mid.IP_DESTINATION, { family: 2, address: '10.0.0.2', ifname: 'lo' }], [Mid.L2_ENABLED, true], [Mid.L4_ENABLED, false],
      [Mid.DATA_PORT, 6000], [Mid.SCHED_FIFO_ENABLED, false], [Mid.SCHED_RR_ENABLED, false], [Mid.SCHED_PRIORITY, 0],
      [Mid.CPU_MASK, 0n], [Mid.UTC_OFFSET, 0], [Mid.SYNC_MONITOR_ENABLED, false],
    ];
    for (const [mid, v] of values) assert.deepEqual(await c.set(mid as never, v as never), v, `SET ${mid}`);
    assert.equal(await c.get(Mid.TEST_STATE), TestState.IDLE);
    assert.equal(await c.get(Mid.OPER_BASE_TIME), 0n);
    assert.equal(await c.get(Mid.PORT_LINK_STATE), 2);
    for (const mid of [Mid.PTPMON_OFFSET, Mid.UTC_OFFSET, Mid.PORT_STATE, Mid.GM_CLOCK_IDENTITY]) {
      assert.match(await errorOf(c.get(mid as never)), /Remote error -22: Sender ptpmon not instantiated/);
    }
    assert.match(await errorOf(c.get(Mid.SYSMON_OFFSET)), /-22: Sender sysmon not instantiated/);
    // Deliberate difference: C fails SYSMON_ENABLED on an interface without
    // a PHC (-ENOMEM); we skip sysmon and answer what the omit-hwts receiver
    // answers (docs/daemon.md; real ptp4l: test/verbs/daemon/daemon-sync-ptp4l.test.ts).
    assert.equal(await c.set(Mid.SYSMON_ENABLED, true), true);
    assert.match(await errorOf(c.get(Mid.SYSMON_OFFSET)), /-22: Sync monitoring absent/);
    assert.match(await errorOf(c.set(Mid.SYSMON_ENABLED, true)), /-22: sysmon already enabled/);
    assert.match(await errorOf(c.set(Mid.PTPMON_ENABLED, false)), /-22: ptpmon not enabled/);
    assert.match(await errorOf(c.get(Mid.LOG)), /-22: Log exists only while session is active/);
    assert.match(await errorOf(c.set(Mid.TEST_STATE, 0)), /-22: Sender already idle/);
    // A second connection cannot take the role while c owns it: -EBUSY naming c.
    const raw = await RawPeer.connect(port);
    const busy = await raw.ask(encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.NODE_ROLE, payload: Buffer.alloc(4) }] }));
    assert.equal(busy.tlvs[0].payload.length, 0);
    const why = tlvError((await raw.ask(encodeGet(Mid.NODE_ROLE, Action.GET_ERROR))).tlvs[0]);
    assert.equal(why.rc, -16);
    assert.match(why.extack, new RegExp(`held by the connection from 127\\.0\\.0\\.1 port ${c.socket.localPort}\\b`));
    // c leaves without a run: the role is dropped (as C does) and raw may take it.
    c.socket.destroy();
    await sleep(100);
    // A TEST_STATE value other than idle/running is echoed and ignored (C).
    const odd = await raw.ask(encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.NODE_ROLE, payload: Buffer.alloc(4) }] }));
    assert.equal(odd.tlvs[0].mid, Mid.NODE_ROLE);
    assert.equal(odd.tlvs[0].payload.length, 4);
    const r = await raw.ask(encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.TEST_STATE, payload: Buffer.from('05000000', 'hex') }] }));
    assert.equal(r.tlvs[0].payload.toString('hex'), '05000000');
    // Strings without their NUL inside the field: C's truncation error.
    for (const [mid, size] of [[Mid.IF_NAME, 16], [Mid.UDS, 108]]) {
      await raw.ask(encodeMessage({ action: Action.SET, tlvs: [{ mid, payload: Buffer.alloc(size, 0x41) }] }));
      const e = await raw.ask(encodeGet(mid, Action.GET_ERROR));
      assert.deepEqual(tlvError(e.tlvs[0]), { rc: -22, extack: 'Truncation while copying string' });
    }
    const ip = Buffer.alloc(36, 0x41);
    ip.writeUInt32BE(2, 0);
    await raw.ask(encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.IP_DESTINATION, payload: ip }] }));
    assert.equal(tlvError((await raw.ask(encodeGet(Mid.IP_DESTINATION, Action.GET_ERROR))).tlvs[0]).extack, 'Truncation while copying string');
    raw.close();
  } finally {
    c.socket.destroy();
    await server.close();
  }
});

test('TEST_STATE start checks the parameters like C (order and texts)', async () => {
  const { server, port } = await startInProcess();
  const c = await client(port);
  try {
    await configure(c, { count: 10n, ts: false });
    const cases: Array<[Array<[number, unknown]>, RegExp]> = [
      [[[Mid.SYNC_MONITOR_ENABLED, true]], /-22: --sync-threshold is mandatory unless --omit-sync is used/],
      [[[Mid.CYCLE_TIME, 0n]], /cycle/i],
      [[[Mid.ADVANCE_TIME, 2_000_000n]], /Advance time cannot be higher than cycle time/],
      [[[Mid.SHIFT_TIME, 2_000_000n]], /Shift time cannot be higher than cycle time/],
      [[[Mid.WINDOW_SIZE, 2_000_000n], [Mid.ADVANCE_TIME, 1n]], /Window size cannot be higher than cycle time/],
      [[[Mid.TXTIME_ENABLED, true], [Mid.TAPRIO_ENABLED, true]], /Cannot enable txtime and taprio mode at the same time/],
      [[[Mid.DEADLINE_ENABLED, true]], /Deadline mode supported only with txtime/],
      [[[Mid.SCHED_FIFO_ENABLED, true], [Mid.SCHED_RR_ENABLED, true]], /cannot have SCHED_FIFO and SCHED_RR at the same time/],
      [[[Mid.PACKET_SIZE, 10_001]], /Frame size cannot exceed 10000 octets/],
      [[[Mid.L4_ENABLED, true]], /--ip-destination is mandatory with --l4/],
      [[[Mid.IP_DESTINATION, { family: 2, address: '127.0.0.1', ifname: '' }]], /--ip-destination provided, but --l4 not specified/],
      [[[Mid.L4_ENABLED, true], [Mid.IP_DESTINATION, { family: 2, address: '127.0.0.1', ifname: '' }]], /Choose transport as either L2 or L4!/],
      [[[Mid.DESTINATION_MAC, '00:00:00:00:00:00']], /Please specify destination MAC address/],
      [[[Mid.L2_ENABLED, false], [Mid.L4_ENABLED, true], [Mid.IP_DESTINATION, { family: 2, address: '127.0.0.1', ifname: '' }], [Mid.VID, 5]], /Cannot insert VLAN header over IP socket/],
      [[[Mid.TS_ENABLED, true], [Mid.PACKET_COUNT, 0n]], /cannot take timestamps if running indefinitely/],
      [[[Mid.PACKET_COUNT, 1n << 40n]], /-12: PACKET_COUNT 1099511627776 needs a sender log larger/],
      [[[Mid.IF_NAME, 'nosuchdev0']], /nosuchdev0/],
    ];
    for (const [sets, want] of cases) {
      await configure(c, { count: 10n, ts: false });
      for (const [mid, v] of sets) await c.set(mid as never, v as never);
      assert.match(await errorOf(c.set(Mid.TEST_STATE, TestState.RUNNING)), want);
      assert.equal(await c.get(Mid.TEST_STATE), TestState.IDLE);
    }
  } finally {
    c.socket.destroy();
    await server.close();
  }
});

test('a test on lo: software timestamp fallback, second client read-only, test after test', async () => {
  const { server, port, log } = await startInProcess();
  const owner = await client(port);
  const other = await client(port);
  try {
    // Below ~250: on lo the data socket also receives its own frames and
    // its receive buffer (which also holds the TX timestamps) fills up.
    const count = 200n;
    await configure(owner, { count, ts: true });
    assert.equal(await owner.set(Mid.TEST_STATE, TestState.RUNNING), TestState.RUNNING);
    assert.equal(await other.get(Mid.TEST_STATE), TestState.RUNNING);
    // Read-only GETs work for the second client; SETs are refused.
    assert.equal(await other.get(Mid.PORT_LINK_STATE), 2);
    const partial = await other.getLog();
    assert.equal(partial.records.length, Number(count) * 48);
    const held = new RegExp(`Remote error -16: The sender role is held by the connection from 127\\.0\\.0\\.1 port ${owner.socket.localPort};`);
    assert.match(await errorOf(other.set(Mid.PACKET_COUNT, 5n)), held);
    assert.match(await errorOf(other.set(Mid.TEST_STATE, TestState.IDLE)), held);
    assert.match(await errorOf(other.set(Mid.NODE_ROLE, 'sender')), held);
    assert.match(await errorOf(other.set(Mid.NODE_ROLE, 'reclaim-sender')), held);
    // The owner cannot change the running test's parameters either.
    assert.match(await errorOf(owner.set(Mid.CYCLE_TIME, 1n)), /-16: Test running, parameters are locked/);
    assert.match(await errorOf(owner.set(Mid.TEST_STATE, TestState.RUNNING)), /-22: Sender already running a test/);
    assert.equal(await waitIdle(owner), TestState.IDLE);
    assert.ok((await owner.get(Mid.OPER_BASE_TIME)) > 0n);
    // The finished test's log stays with its owner until it sets idle.
    assert.match(await errorOf(other.set(Mid.PACKET_COUNT, 5n)), held);
    for (const c of [other, owner, owner]) {
      const { records, logVersion } = await c.getLog();
      assert.equal(logVersion, 4);
      for (let i = 0; i < Number(count); i++) {
        const r = decodeSendRecord(records, i * 48);
        assert.equal(r.seqid, i + 1);
        assert.ok(r.swts > 0n && r.schedTs > 0n, `packet ${i + 1} has software timestamps`);
        assert.equal(r.hwts, 0n);
      }
    }
    assert.match(log.text(), /Interface lo has no hardware timestamping \(ETHTOOL_GET_TS_INFO\), falling back to software timestamps/);
    assert.match(log.text(), /Base time:/);
    assert.equal(await owner.set(Mid.TEST_STATE, TestState.IDLE), TestState.IDLE);
    // Test after test, no restart; this one without timestamps (C's quirk 26: never idle).
    await owner.set(Mid.TS_ENABLED, false);
    await owner.set(Mid.PACKET_COUNT, 20n);
    await owner.set(Mid.TEST_STATE, TestState.RUNNING);
    assert.equal(await waitIdle(owner), TestState.IDLE);
    const { records } = await owner.getLog();
    assert.equal(decodeSendRecord(records, 19 * 48).seqid, 20);
    assert.equal(decodeSendRecord(records, 19 * 48).swts, 0n);
    await owner.set(Mid.TEST_STATE, TestState.IDLE);
  } finally {
    owner.socket.destroy();
    other.socket.destroy();
    await server.close();
  }
});

test('the owner leaving: its run goes on, reclaim takes it over, NODE_ROLE 0 replaces it; close() stops a running test', async () => {
  const { server, port, log } = await startInProcess({ orphanKeepMs: 300 });
  try {
    const a = await client(port);
    await configure(a, { count: 0n, ts: false });
    await a.set(Mid.TEST_STATE, TestState.RUNNING);
    await sleep(100);
    assert.equal(await a.get(Mid.TEST_STATE), TestState.RUNNING);
    assert.equal(await a.set(Mid.TEST_STATE, TestState.IDLE), TestState.IDLE);
    await a.set(Mid.TEST_STATE, TestState.RUNNING);
    const aName = `127.0.0.1 port ${a.socket.localPort}`;
    a.socket.destroy();
    const b = await client(port);
    // The endless run goes on without its owner; b may read it, not change it.
    await sleep(200);
    assert.equal(await b.get(Mid.TEST_STATE), TestState.RUNNING);
    assert.match(log.text(), new RegExp(`owns the sender role \\(${aName.replaceAll('.', '\\.')}\\) disconnected: its test goes on to its end`));
    assert.match(await errorOf(b.set(Mid.TEST_STATE, TestState.IDLE)), /-16: The sender role's owner \(127\.0\.0\.1 port \d+\) disconnected; .*reclaim-sender/);
    // b reclaims it (parameters and run kept) and stops it as its owner.
    assert.equal(await b.set(Mid.NODE_ROLE, 'reclaim-sender'), 'reclaim-sender');
    assert.match(log.text(), /reclaimed the orphaned sender role \(test running\)/);
    assert.equal((await b.getLog()).logVersion, 4, 'the run (endless: no records) is readable');
    assert.equal(await b.set(Mid.TEST_STATE, TestState.IDLE), TestState.IDLE);
    // Reclaiming when nothing is orphaned: own role -> no-op; no role -> -ENOENT.
    assert.equal(await b.set(Mid.NODE_ROLE, 'reclaim-sender'), 'reclaim-sender');
    // An orphan is replaced by NODE_ROLE 0 (a C orchestrator's next run).
    await b.set(Mid.TEST_STATE, TestState.RUNNING);
    b.socket.destroy();
    const c = await client(port);
    await sleep(100);
    assert.equal(await c.get(Mid.TEST_STATE), TestState.RUNNING);
    assert.equal(await c.set(Mid.NODE_ROLE, 'sender'), 'sender');
    assert.match(log.text(), /Replacing the orphaned sender role for 127\.0\.0\.1 port \d+: its run is stopped/);
    assert.equal(await c.get(Mid.TEST_STATE), TestState.IDLE);
    // A finished orphaned run is kept orphanKeepMs (300 ms here), then dropped.
    await configure(c, { count: 5n, ts: false });
    await c.set(Mid.TEST_STATE, TestState.RUNNING);
    assert.equal(await waitIdle(c), TestState.IDLE);
    c.socket.destroy();
    const d = await client(port);
    await sleep(50);
    assert.equal((await d.getLog()).records.length, 5 * 48);
    const deadline = Date.now() + 5000;
    let err = '';
    while (Date.now() < deadline) {
      err = await d.get(Mid.TEST_STATE).then(() => '', (e: Error) => e.message);
      if (/Sender role not instantiated/.test(err)) break;
      await sleep(50);
    }
    assert.match(err, /Sender role not instantiated/);
    assert.match(log.text(), /The orphaned sender role expired: its log is dropped/);
    assert.match(await errorOf(d.set(Mid.NODE_ROLE, 'reclaim-sender')), /-2: No orphaned sender role to reclaim/);
    // A running test at shutdown is stopped by close().
    await configure(d, { count: 0n, ts: false });
    await d.set(Mid.TEST_STATE, TestState.RUNNING);
    d.socket.destroy();
  } finally {
    await server.close();
  }
});

test('connection limits: full slots make room, a message left incomplete, a peer that does not read, all busy', async () => {
  const { server, port, log } = await startInProcess({ maxConnections: 2, partialTimeoutMs: 200, maxPendingWrite: 1024 });
  try {
    const a = await RawPeer.connect(port);
    const aPort = a.socket.localPort;
    await sleep(30);
    const b = await RawPeer.connect(port);
    await sleep(30);
    // Full: the longest-idle connection (a) makes room for c.
    const c = await RawPeer.connect(port);
    await sleep(100);
    assert.ok(a.closed, 'the longest-idle connection is closed');
    assert.ok(!b.closed && !c.closed);
    assert.match(log.text(), new RegExp(`Closing connection 127\\.0\\.0\\.1 port ${aPort}: idle for \\d+ ms .*its slot goes to 127\\.0\\.0\\.1 port ${c.socket.localPort} \\(all 2 taken\\)`));
    // A message left incomplete is closed at its deadline.
    b.send(Buffer.from('020000', 'hex'));
    await sleep(500);
    assert.ok(b.closed, 'an incomplete message times out');
    assert.match(log.text(), /stayed incomplete for 200 ms/);
    // c asks 2000 times without reading; the daemon stops reading c, others are served.
    c.socket.pause();
    const many = Buffer.concat(Array.from({ length: 2000 }, () => encodeGet(Mid.CURRENT_CLOCK_TAI)));
    c.socket.write(many);
    await sleep(200);
    const d = await RawPeer.connect(port);
    const r = await d.ask(encodeGet(Mid.CURRENT_CLOCK_TAI));
    assert.equal(r.tlvs[0].mid, Mid.CURRENT_CLOCK_TAI);
    c.socket.resume();
    assert.ok(await c.waitMessages(2000, 5000), 'every request is answered once the peer reads');
    for (const p of [c, d]) p.close();
  } finally {
    await server.close();
  }
  // Every slot owning the role or busy: the newcomer is refused, the owner kept.
  const one = await startInProcess({ maxConnections: 1 });
  try {
    const owner = await RawPeer.connect(one.port);
    await owner.ask(encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.NODE_ROLE, payload: Buffer.alloc(4) }] }));
    const late = await RawPeer.connect(one.port);
    await sleep(100);
    assert.ok(late.closed, 'refused: the only slot owns the role');
    assert.ok(!owner.closed);
    assert.match(one.log.text(), /Refused connection from 127\.0\.0\.1 port \d+: already serving 1 clients, all of them busy or owning the sender role/);
    owner.close();
  } finally {
    await one.server.close();
  }
});

test('listening: port in use, explicit IPv4 and IPv6 addresses', async () => {
  const { server, port } = await startInProcess();
  try {
    await assert.rejects(
      DaemonServer.listen({ port, address: { family: 4, address: '127.0.0.1' }, log: collectingLog() }),
      (err: Error & { code?: string; errno?: number }) =>
        err.code === 'ISOCHRON_ERR_DAEMON_LISTEN' && err.errno === -98 && /127\.0\.0\.1 port \d+: Address already in use/.test(err.message),
    );
    const v6 = await DaemonServer.listen({ port: 0, address: { family: 6, address: '::1' }, log: collectingLog() });
    try {
      const p = await RawPeer.connect(v6.address.port, '::1');
      try {
        assert.equal((await p.ask(encodeGet(Mid.CURRENT_CLOCK_TAI))).tlvs[0].mid, Mid.CURRENT_CLOCK_TAI);
      } finally {
        p.close();
      }
    } finally {
      await v6.close();
    }
    await assert.rejects(
      DaemonServer.listen({ port: 0, address: { family: 4, address: '127.0.0.1', device: 'nosuchdev0' }, log: collectingLog() }),
      (err: Error & { code?: string }) => err.code === 'ISOCHRON_ERR_DAEMON_LISTEN' && /nosuchdev0/.test(err.message),
    );
  } finally {
    await server.close();
  }
});

test('SET with an encoder value round-trips: encodeSet and the echo', async () => {
  const { server, port } = await startInProcess();
  const p = await RawPeer.connect(port);
  try {
    const req = encodeSet(Mid.NODE_ROLE, 'sender');
    const r = await p.ask(req);
    assert.equal(Buffer.from(r.tlvs[0].payload).toString('hex'), '00000000');
  } finally {
    p.close();
    await server.close();
  }
});

test('a request whose handling throws (a bug) is logged; later requests and the disconnect teardown still run', async (t) => {
  const { createServer, connect } = await import('node:net');
  const { Connection } = await import('../../../src/verbs/daemon/connection.js');
  const handled: number[] = [];
  let disconnected = 0;
  const fake = {
    handle: async (_peer: unknown, msg: { tlvs: { mid: number }[] }) => {
      handled.push(msg.tlvs[0].mid);
      if (handled.length === 1) throw new TypeError('handler bug');
    },
    disconnected: async () => void disconnected++,
  };
  const log = collectingLog();
  let conn: InstanceType<typeof Connection> | undefined;
  const server = createServer((s) => {
    conn = new Connection(1, s, fake as never, log, { partialTimeoutMs: 5000, maxPendingWrite: 1 << 20 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sock = connect((server.address() as { port: number }).port, '127.0.0.1');
  t.after(() => {
    sock.destroy();
    conn?.socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  await new Promise<void>((resolve) => sock.once('connect', resolve));
  sock.write(Buffer.concat([encodeGet(Mid.TEST_STATE), encodeGet(Mid.CURRENT_CLOCK_TAI)]));
  for (let i = 0; i < 200 && handled.length < 2; i++) await sleep(5);
  assert.deepEqual(handled, [Mid.TEST_STATE, Mid.CURRENT_CLOCK_TAI]);
  sock.end();
  for (let i = 0; i < 200 && conn === undefined; i++) await sleep(5);
  await conn!.closed;
  assert.equal(disconnected, 1);
  assert.match(log.text(), /request failed: handler bug/);
});

test('a client that half-closes after its GET LOGs (shutdown SHUT_WR) still gets every reply whole, then the close', async () => {
  const { server, port } = await startInProcess();
  const owner = await client(port);
  try {
    // A long test: its LOG reply (buf_len = the whole count) streams for a while.
    const count = 200_000n;
    await configure(owner, { count, ts: false, cycle: 1_000_000_000n });
    await owner.set(Mid.TEST_STATE, TestState.RUNNING);
    const peer = await RawPeer.connect(port);
    peer.send(Buffer.concat([encodeGet(Mid.LOG), encodeGet(Mid.LOG), encodeGet(Mid.LOG)]));
    peer.socket.end();
    // As the C daemon does: requests read before the FIN are all answered.
    assert.ok(await peer.waitMessages(3, 20_000), `got ${peer.messages.length} of 3 LOG replies, ${peer.bytes.length} bytes`);
    for (const m of peer.messages) assert.equal(m.tlvs[0].payload.length, 8 + Number(count) * 48);
    const deadline = Date.now() + 5000;
    while (!peer.closed && Date.now() < deadline) await sleep(20);
    assert.ok(peer.closed, 'the daemon closes its side once the replies are out');
    assert.equal(await owner.get(Mid.TEST_STATE), TestState.RUNNING);
  } finally {
    owner.socket.destroy();
    await server.close();
  }
});
