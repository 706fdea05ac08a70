// The daemon driven as the C orchestrator drives it, over veth in
// namespaces created here:
//  - replay: every recorded orchestrator conversation (mgmt/orchestrate_*/
//    daemon.conn1.c2s.hex) sent to our daemon; the answers match the C
//    daemon's (daemon.conn1.s2c.hex) field by field, except the deliberate
//    differences, which are asserted as such;
//  - a full test in the orchestrator's order against our daemon (sender)
//    and our `isochron rcv`, producing a .dat where every frame arrived;
//  - with ISOCHRON_C: the C orchestrator drives our daemon and our rcv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { Action, decodeMessage, ManagementClient, Mid, TestState, tlvError, tlvValue, type ManagementMessage } from '../../../src/engine/mgmt/index.js';
import { connectTcp } from '../../../src/sys/tcp.js';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { sessionHeader } from '../../../src/engine/traffic/session.js';
import { createVethPair, execIn, spawnIn, withNetns, type VethPair } from '../../helpers/netns.js';
import { cliEntry, vectorsDir } from '../../helpers/paths.js';
import { RawPeer, sleep, startDaemonIn, stopPid } from '../../helpers/daemon-support.js';

const mgmtDir = join(vectorsDir, 'mgmt');

function conversations(): string[] {
  return readdirSync(mgmtDir)
    .map((d) => join(mgmtDir, d))
    .filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'daemon.conn1.c2s.hex')) && existsSync(join(d, 'daemon.conn1.s2c.hex')));
}

const lines = (file: string): Buffer[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => Buffer.from(l.trim(), 'hex'));

/** The value a SET in the recorded requests carried, if any. */
function setPayload(requests: ManagementMessage[], mid: number): Buffer | undefined {
  return requests.find((m) => m.action === Action.SET && m.tlvs[0]?.mid === mid)?.tlvs[0].payload;
}

async function vethFor(ifname: string, peerMac?: string): Promise<VethPair> {
  return createVethPair({
    a: { ifname, ipv4: '10.232.0.1/24' },
    b: { ifname: ifname === 'isopeer' ? 'isopeer2' : 'isopeer', mac: peerMac, ipv4: '10.232.0.2/24' },
  });
}

const TIME_DEPENDENT: ReadonlySet<number> = new Set([Mid.CURRENT_CLOCK_TAI, Mid.OPER_BASE_TIME]);

for (const dir of conversations()) {
  test(`replay ${dir.split('/').pop()}: our daemon answers the C orchestrator like the C daemon`, async () => {
    const requests = lines(join(dir, 'daemon.conn1.c2s.hex')).map((b) => decodeMessage(b));
    // The recording may end in the middle of a reply (the run was killed): keep the whole ones.
    const cReplies: ManagementMessage[] = [];
    for (const b of lines(join(dir, 'daemon.conn1.s2c.hex'))) {
      try {
        cReplies.push(decodeMessage(b));
      } catch {
        break;
      }
    }
    const ifname = (setPayload(requests, Mid.IF_NAME) ?? Buffer.from('isoreplay\0')).toString('latin1').split('\0')[0];
    const dmac = setPayload(requests, Mid.DESTINATION_MAC);
    const veth = await vethFor(ifname, dmac ? [...dmac.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':') : undefined);
    const tmp = mkdtempSync(join(tmpdir(), 'isoreplay-'));
    let pid = -1;
    try {
      pid = await startDaemonIn(veth.nsA, ['-P', '5340', '-l', join(tmp, 'log')], join(tmp, 'pid'));
      const p = await RawPeer.connectIn(veth.nsA, '127.0.0.1', 5340);
      let startedByUs = false;
      const n = Math.min(requests.length, cReplies.length);
      assert.ok(n > 10, 'a real conversation');
      for (let i = 0; i < n; i++) {
        const req = requests[i];
        const c = cReplies[i];
        const ours = await p.ask(Buffer.from(lines(join(dir, 'daemon.conn1.c2s.hex'))[i]));
        const mid = req.tlvs[0].mid;
        const what = `request ${i} (${['GET', 'SET', 'RESPONSE', 'GET_ERROR'][req.action]} ${mid})`;
        assert.equal(ours.action, c.action, what);
        assert.equal(ours.tlvs.length, c.tlvs.length, what);
        assert.equal(ours.tlvs[0].mid, c.tlvs[0].mid, what);
        if (req.action === Action.SET && mid === Mid.TEST_STATE && c.tlvs[0].payload.length === 0) {
          // Deliberate: C cannot start without hardware timestamps; we fall back to software ones.
          assert.deepEqual(ours.tlvs[0].payload, req.tlvs[0].payload, `${what}: our start succeeds`);
          startedByUs = true;
        } else if (req.action === Action.GET_ERROR && mid === Mid.TEST_STATE && startedByUs) {
          assert.ok(tlvError(c.tlvs[0]).rc < 0);
          assert.deepEqual(tlvError(ours.tlvs[0]), { rc: 0, extack: '' }, `${what}: nothing failed here`);
        } else if (req.action === Action.GET && mid === Mid.TEST_STATE) {
          // Deliberate (quirk 26): a finished run reads idle; C stays running.
          const v = tlvValue(ours.tlvs[0]);
          assert.ok(v === tlvValue(c.tlvs[0]) || v === TestState.IDLE, `${what}: ${String(v)}`);
        } else if (TIME_DEPENDENT.has(mid)) {
          assert.equal(ours.tlvs[0].payload.length, c.tlvs[0].payload.length, what);
        } else {
          assert.equal(ours.tlvs[0].payload.toString('hex'), c.tlvs[0].payload.toString('hex'), what);
        }
      }
      p.close();
    } finally {
      if (pid > 0) await stopPid(pid);
      veth.destroy();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

async function clientIn(ns: string, address: string, port: number): Promise<ManagementClient> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const fd = await withNetns(ns, () => connectTcp({ family: 4, address, port, timeoutMs: 2000 }));
      return new ManagementClient(new Socket({ fd, readable: true, writable: true }), { timeoutMs: 10_000 });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

test('a full test in the orchestrator order: our daemon sends, our rcv receives, every frame in the .dat', async () => {
  const veth = await createVethPair({
    a: { ifname: 'ova', mac: '02:00:00:00:0a:01', ipv4: '10.233.0.1/24' },
    b: { ifname: 'ovb', mac: '02:00:00:00:0b:02', ipv4: '10.233.0.2/24' },
  });
  const tmp = mkdtempSync(join(tmpdir(), 'isoorch-'));
  let pid = -1;
  const rcv = spawnIn(veth.nsB, process.execPath, [cliEntry, 'rcv', '-i', 'ovb', '--omit-hwts', '--stats-port', '5329'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let rcvOutput = '';
  rcv.stdout?.on('data', (b: Buffer) => (rcvOutput += b.toString()));
  rcv.stderr?.on('data', (b: Buffer) => (rcvOutput += b.toString()));
  try {
    pid = await startDaemonIn(veth.nsA, ['-P', '5340', '-l', join(tmp, 'daemon.log')], join(tmp, 'pid'));
    const r = await clientIn(veth.nsA, '10.233.0.2', 5329);
    const d = await clientIn(veth.nsA, '127.0.0.1', 5340);
    const count = 50;
    const dmac = await r.get(Mid.DESTINATION_MAC);
    assert.equal(dmac, '02:00:00:00:0b:02');
    await r.getLog();
    await r.set(Mid.L2_ENABLED, true);
    await r.set(Mid.L4_ENABLED, false);
    await r.set(Mid.PACKET_COUNT, BigInt(count));
    const sets: Array<[number, unknown]> = [
      [Mid.NODE_ROLE, 'sender'], [Mid.IF_NAME, 'ova'], [Mid.DESTINATION_MAC, dmac], [Mid.SOURCE_MAC, '00:00:00:00:00:00'],
      [Mid.PRIORITY, 0], [Mid.STATS_PORT, 5329], [Mid.ADVANCE_TIME, 2_000_000n], [Mid.SHIFT_TIME, 0n], [Mid.CYCLE_TIME, 2_000_000n],
      [Mid.WINDOW_SIZE, 0n], [Mid.DOMAIN_NUMBER, 0], [Mid.TRANSPORT_SPECIFIC, 0], [Mid.UDS, '/var/run/ptp4l'], [Mid.NUM_READINGS, 5],
      [Mid.SYNC_MONITOR_ENABLED, false], [Mid.PACKET_SIZE, 128], [Mid.TS_ENABLED, true], [Mid.ETHERTYPE, 0xdead],
      [Mid.QUIET_ENABLED, false], [Mid.TAPRIO_ENABLED, false], [Mid.TXTIME_ENABLED, false], [Mid.DEADLINE_ENABLED, false],
      [Mid.PACKET_COUNT, BigInt(count)], [Mid.UTC_OFFSET, 0], [Mid.L2_ENABLED, true], [Mid.L4_ENABLED, false], [Mid.DATA_PORT, 6000],
      [Mid.SCHED_FIFO_ENABLED, false], [Mid.SCHED_RR_ENABLED, false], [Mid.SCHED_PRIORITY, 0], [Mid.CPU_MASK, 0n],
    ];
    for (const [mid, v] of sets) await d.set(mid as never, v as never);
    assert.equal(await r.get(Mid.PORT_LINK_STATE), 2);
    assert.equal(await d.get(Mid.PORT_LINK_STATE), 2);
    await d.set(Mid.BASE_TIME, 0n);
    await d.set(Mid.TEST_STATE, TestState.RUNNING);
    const deadline = Date.now() + 20_000;
    let state: number = TestState.RUNNING;
    while (state === TestState.RUNNING && Date.now() < deadline) {
      await sleep(50);
      state = await d.get(Mid.TEST_STATE);
      await d.get(Mid.PORT_LINK_STATE);
      await r.get(Mid.PORT_LINK_STATE);
    }
    assert.equal(state, TestState.IDLE, 'the test ends by itself');
    const send = await d.getLog();
    const rcvLog = await r.getLog();
    const file = join(tmp, 'orch.dat');
    writeDatFile(
      file,
      sessionHeader(
        {
          baseTime: 0n, cycleTime: 2_000_000n, shiftTime: 0n, advanceTime: 2_000_000n, windowSize: 0n, numFrames: count, frameSize: 128,
          transport: { kind: 'l2', dmac: Buffer.alloc(6), smac: Buffer.alloc(6), etype: 0xdead, vlan: null },
          omitSync: true, omitHwts: true, noTs: false, taprio: false, txtime: false, deadline: false,
        },
        rcvLog.records.length,
      ),
      send.records,
      rcvLog.records,
    );
    const dat = readDatFile(file);
    assert.equal(dat.send.length, count);
    assert.equal(dat.rcv.length, count);
    for (let i = 0; i < count; i++) {
      assert.equal(dat.send[i].seqid, i + 1);
      assert.ok(dat.send[i].swts > 0n, `packet ${i + 1} TX timestamped`);
      assert.equal(dat.rcv[i].seqid, i + 1, `packet ${i + 1} received`);
    }
    assert.equal(await d.set(Mid.TEST_STATE, TestState.IDLE), TestState.IDLE);
    d.socket.destroy();
    r.socket.destroy();
  } catch (err) {
    const daemonLog = existsSync(join(tmp, 'daemon.log')) ? readFileSync(join(tmp, 'daemon.log'), 'utf8') : '';
    throw new Error(`${(err as Error).message}\n--- rcv:\n${rcvOutput}\n--- daemon log:\n${daemonLog}`);
  } finally {
    rcv.kill('SIGTERM');
    await waitExit(rcv, 5000);
    if (pid > 0) await stopPid(pid);
    veth.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the C orchestrator (ISOCHRON_C) drives our daemon and our rcv through a full test', async (t) => {
  const cBinary = process.env.ISOCHRON_C;
  if (!cBinary) {
    t.skip('ISOCHRON_C not set');
    return;
  }
  const veth = await createVethPair({
    a: { ifname: 'cva', mac: '02:00:00:00:0a:01', ipv4: '10.234.0.1/24' },
    b: { ifname: 'cvb', mac: '02:00:00:00:0b:02', ipv4: '10.234.0.2/24' },
  });
  const tmp = mkdtempSync(join(tmpdir(), 'isocorch-'));
  let pid = -1;
  const rcv = spawnIn(veth.nsB, process.execPath, [cliEntry, 'rcv', '-i', 'cvb', '--omit-hwts', '--stats-port', '5329'], { stdio: 'ignore' });
  try {
    pid = await startDaemonIn(veth.nsA, ['-P', '5340', '-l', join(tmp, 'daemon.log')], join(tmp, 'pid'));
    const dat = join(tmp, 'c_orch.dat');
    writeFileSync(
      join(tmp, 'orch.ini'),
      `[sender]\nhost = 127.0.0.1\nport = 5340\nexec = isochron send --client 10.234.0.2 --stats-port 5329 --interface cva ` +
        `--num-frames 50 --base-time 0.000000000 --cycle-time 0.002 --frame-size 128 --omit-sync --omit-hwts --output-file ${dat}\n`,
    );
    await sleep(300);
    const res = await execIn(veth.nsA, cBinary, ['orchestrate', '-F', join(tmp, 'orch.ini')], { timeoutMs: 60_000 });
    assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
    const contents = readDatFile(dat);
    assert.equal(contents.rcv.length, 50);
    contents.rcv.forEach((r, i) => assert.equal(r.seqid, i + 1, `packet ${i + 1} received`));
  } finally {
    rcv.kill('SIGTERM');
    await waitExit(rcv, 5000);
    if (pid > 0) await stopPid(pid);
    veth.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
});
