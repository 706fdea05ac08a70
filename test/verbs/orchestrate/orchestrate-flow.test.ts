// The orchestrator's decisions, run in-process against fake management
// peers on loopback (the sync statistics, PTP port states and failures
// cannot be produced by real daemons on this machine: no ptp4l, no PHC):
// sync wait and statistics lines, agreed base times, repeated attempts,
// per-pair failures with the node's name, interruption.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeErrorResponse, encodeResponse, Mid, TestState } from '../../../src/engine/mgmt/index.js';
import { MgmtRemoteError, MgmtDisconnected } from '../../../src/engine/mgmt/errors.js';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { orchestratePlans, planFromText, runOrchestrate } from '../../../src/verbs/orchestrate/run.js';
import type { OrchestrateDeps } from '../../../src/verbs/orchestrate/orchestration.js';
import { operBaseTimes, referenceSender, type SenderTiming } from '../../../src/verbs/orchestrate/base-time.js';
import { failureText } from '../../../src/verbs/orchestrate/failure-text.js';
import { causedBy, OrchNodeStart } from '../../../src/verbs/orchestrate/errors.js';
import { formatClockIdentity as clockIdText, portStateName } from '../../../src/engine/ptpmon/index.js';
import { endpointText } from '../../../src/verbs/orchestrate/node-config.js';
import { TIME_MARGIN } from '../../../src/engine/traffic/schedule.js';
import { FakePeer, genericAnswer, splitSummary, tmpDir, type Answer } from '../../helpers/orchestrate-support.js';
import type { TestContext } from 'node:test';

interface Out {
  out: string[];
  err: string[];
}

interface Node {
  name: string;
  daemon: Answer;
  rcv?: Answer;
  exec: string;
}

async function run(t: TestContext, nodes: Node[], deps: OrchestrateDeps = {}) {
  const dir = tmpDir(t);
  const peers: Array<{ d: FakePeer; r: FakePeer | null }> = [];
  let text = '';
  for (const n of nodes) {
    const d = await FakePeer.start(t, n.daemon);
    const r = n.rcv ? await FakePeer.start(t, n.rcv) : null;
    peers.push({ d, r });
    const client = r ? ` --client 127.0.0.1 --stats-port ${r.port}` : ' --dmac 02:00:00:00:0b:02';
    text += `[${n.name}]\nhost = 127.0.0.1\nport = ${d.port}\nexec = isochron send -i eth0 -c 0.001 -s 64 ${n.exec}${client}${r && !n.exec.includes('--output-file') ? ` --output-file ${n.name}.dat` : ''}\n`;
  }
  const io: Out = { out: [], err: [] };
  const all: OrchestrateDeps = {
    io: { out: (s) => void io.out.push(s), err: (s) => void io.err.push(s) },
    kernelUtcTaiOffset: () => 0,
    cwd: dir,
    timeoutMs: 2000,
    ...deps,
  };
  const res = await orchestratePlans(planFromText(text, 'f.ini', all), all);
  return { res, io, peers, dir, stdout: io.out.join(''), stderr: io.err.join('') };
}

const healthy = (): Node => ({
  name: 'a',
  daemon: genericAnswer({ role: 'sender', testStates: [TestState.RUNNING, TestState.IDLE] }),
  rcv: genericAnswer({ role: 'receiver' }),
  exec: '-n 10 --omit-sync',
});

test('synchronized nodes: 3 sync checks with statistics, CLOCK_TAI read, base time placed and read back', async (t) => {
  const sync = { offset: 20n, portState: 9, gm: '0011223344556677' };
  const { res, stdout, peers, dir } = await run(t, [
    {
      name: 'a',
      daemon: genericAnswer({ role: 'sender', testStates: [TestState.RUNNING, TestState.IDLE], sync }),
      rcv: genericAnswer({ role: 'receiver', sync }),
      exec: '-n 10 -X 1000 --base-time 0',
    },
  ]);
  assert.equal(res.status, 0, JSON.stringify(res));
  assert.match(stdout, /Node a's receiver port changed state to SLAVE\nNode a's receiver changed GM to 001122\.3344\.556677\n/);
  assert.match(stdout, /Node a port changed state to SLAVE\nNode a changed GM to 001122\.3344\.556677\n/);
  assert.match(stdout, /isochron\[\d+\.\d{9}\]: a ptpmon +20 sysmon +20 receiver ptpmon +20 sysmon +20\n/);
  const d = peers[0].d.requests;
  const clock = d.findIndex((m) => m.tlvs[0].mid === Mid.CURRENT_CLOCK_TAI);
  const base = d.find((m) => m.action === 1 && m.tlvs[0].mid === Mid.BASE_TIME)!.tlvs[0].payload.readBigInt64BE(0);
  assert.ok(clock > 0, 'CLOCK_TAI asked');
  assert.ok(base >= 1_800_000_000_000_000_000n + 2n * TIME_MARGIN, `base ${base} past the clock + margins`);
  assert.equal(base % 1_000_000n, 0n, 'on the cycle grid of base 0');
  assert.ok(d.some((m) => m.tlvs[0].mid === Mid.OPER_BASE_TIME), 'moved base time read back');
  assert.ok(d.some((m) => m.action === 1 && m.tlvs[0].mid === Mid.SYSMON_ENABLED));
  assert.match(stdout, new RegExp(`Node a: base time 0\\.000000000 \\(operational ${base / 1_000_000_000n}\\.\\d{9}\\)`));
  assert.equal(readDatFile(join(dir, 'a.dat')).header.flags, 0x02, 'DO_TS only: sync not omitted');
});

test('nodes on different grandmasters never get in sync; abort stops the run with EINTR', async (t) => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 700);
  const { res, stdout, stderr } = await run(
    t,
    [
      {
        name: 'a',
        daemon: genericAnswer({ role: 'sender', sync: { offset: 0n, portState: 9, gm: '0011223344556677' } }),
        rcv: genericAnswer({ role: 'receiver', sync: { offset: 0n, portState: 9, gm: '8899aabbccddeeff' } }),
        exec: '-n 10 -X 1000',
      },
    ],
    { signal: ac.signal },
  );
  assert.match(stdout, /Nodes not synchronized to the same grandmaster, a's receiver has 8899aa\.bbcc\.ddeeff, a has 001122\.3344\.556677\n/);
  assert.equal(res.status, 252);
  assert.equal(res.pairs[0].error?.code, 'ISOCHRON_ERR_ORCH_INTERRUPTED');
  assert.match(stderr, /Interrupted by a signal/);
});

test('a failed test is repeated like C, then given up with the node name and the daemon text', async (t) => {
  const failing: Answer = (msg, i, peer) => {
    if (msg.action === 3 && msg.tlvs[0].mid === Mid.TEST_STATE) return encodeErrorResponse(Mid.TEST_STATE, -5, 'boom');
    return genericAnswer({ role: 'sender', testStates: [TestState.FAILED] })(msg, i, peer);
  };
  const { res, stderr, peers } = await run(t, [{ ...healthy(), daemon: failing }], { maxAttempts: 2 });
  assert.equal((stderr.match(/Node a failed, repeating test: boom\n/g) ?? []).length, 2);
  assert.match(stderr, /Node a failed 2 time\(s\), giving up: boom\n/);
  assert.equal(res.status, 251);
  assert.equal(res.pairs[0].status, 'failed');
  const stops = peers[0].d.requests.filter((m) => m.action === 1 && m.tlvs[0].mid === Mid.TEST_STATE && m.tlvs[0].payload[0] === 0);
  assert.equal(stops.length, 2, 'stopped after each attempt');
});

test('a daemon that moved our base time: "had to advance", then given up', async (t) => {
  const sync = { offset: 0n, portState: 6, gm: '0011223344556677' };
  const moving: Answer = (msg, i, peer) =>
    msg.tlvs[0].mid === Mid.OPER_BASE_TIME && msg.action === 0
      ? encodeResponse(Mid.OPER_BASE_TIME, Buffer.from('00000000000000ff', 'hex'))
      : genericAnswer({ role: 'sender', testStates: [TestState.IDLE], sync })(msg, i, peer);
  const { res, stdout, stderr } = await run(t, [{ name: 'a', daemon: moving, rcv: genericAnswer({ role: 'receiver', sync }), exec: '-n 10 -X 1000 -y' }], { maxAttempts: 1 });
  assert.match(stdout, /Node a had to advance our operational base time \d+\.\d{9} to 0\.000000255, repeating test\n/);
  assert.match(stderr, /ISOCHRON|advanced the operational base time in each of 1 attempt/);
  assert.equal(res.pairs[0].error?.code, 'ISOCHRON_ERR_ORCH_BASE_TIME_ADVANCED');
  assert.doesNotMatch(stdout, /receiver ptpmon/, '--omit-remote-sync: sender statistics only');
  assert.match(stdout, /isochron\[\d+\.\d{9}\]: a ptpmon +0 sysmon +0\n/);
});

test('link down during the test: sync lost, repeated, given up; link lines printed on change', async (t) => {
  const { res, stdout, stderr } = await run(
    t,
    [{ ...healthy(), daemon: genericAnswer({ role: 'sender', testStates: [TestState.RUNNING], linkStates: [2, 2, 1] }), exec: '-n 100 --omit-sync' }],
    { maxAttempts: 1 },
  );
  assert.match(stdout, /Link state of node a is down\n/);
  assert.match(stderr, /Sync lost during the test, repeating\n/);
  assert.equal(res.pairs[0].error?.code, 'ISOCHRON_ERR_ORCH_SYNC_LOST');
  assert.equal(res.status, 256 - 62);
});

test('connection failures name the node (receiver and daemon); the other pair completes', async (t) => {
  const dead = await FakePeer.start(t, genericAnswer({ role: 'sender' }));
  await dead.close();
  const dir = tmpDir(t);
  const ok = await FakePeer.start(t, genericAnswer({ role: 'sender', testStates: [TestState.RUNNING, TestState.IDLE] }));
  const okRcv = await FakePeer.start(t, genericAnswer({ role: 'receiver' }));
  const text =
    `[gone]\nhost = 127.0.0.1\nport = ${dead.port}\nexec = isochron send -i e -c 0.001 -s 64 -n 5 --omit-sync --client 127.0.0.1 --stats-port ${dead.port}\n` +
    `[fine]\nhost = 127.0.0.1\nport = ${ok.port}\nexec = isochron send -i e -c 0.001 -s 64 -n 5 --omit-sync --client 127.0.0.1 --stats-port ${okRcv.port} -F fine.dat\n`;
  const err: string[] = [];
  const deps: OrchestrateDeps = { io: { out: () => undefined, err: (s) => void err.push(s) }, kernelUtcTaiOffset: () => 0, cwd: dir };
  const res = await orchestratePlans(planFromText(text, 'f.ini', deps), deps);
  assert.match(err.join(''), /Failed to connect to TCP port \d+: Connection refused\nFailed to connect to node gone's receiver: Connection refused\nhint: 127\.0\.0\.1 port \d+: nothing listens there: is "isochron daemon" \(or "isochron rcv"\) running/);
  assert.equal(res.status, 145);
  assert.deepEqual(res.pairs.map((p) => p.status), ['failed', 'done']);
  assert.equal(readDatFile(join(dir, 'fine.dat')).send.length, 5);
});

test('a configuration SET refused by the daemon: C lines, then the node line; exit 182', async (t) => {
  const refusing: Answer = (msg, i, peer) => {
    if (msg.tlvs[0].mid === Mid.IF_NAME) return msg.action === 3 ? encodeErrorResponse(Mid.IF_NAME, -19, '') : encodeResponse(Mid.IF_NAME);
    return genericAnswer({ role: 'sender' })(msg, i, peer);
  };
  const { res, stderr } = await run(t, [{ ...healthy(), daemon: refusing }]);
  const { c, summary } = splitSummary(stderr);
  assert.equal(c, 'Using the kernel UTC-TAI offset which is 0\nFailed to update MID IF_NAME: received empty payload in response\nRemote error -19: No such device\nfailed to update interface name for node a: Bad message\n');
  assert.deepEqual(summary, ['isochron orchestrate: node a: received unknown, no file written; exit 182 (ISOCHRON_ERR_ORCH_NODE_CONFIG)']);
  assert.equal(res.status, 182);
});

test('a receiver that goes away mid-test fails its pair by name; the sender is stopped', async (t) => {
  let rcvPeer: FakePeer | null = null;
  let polls = 0;
  const rcv: Answer = (msg, i, peer) => {
    rcvPeer = peer;
    if (msg.tlvs[0].mid === Mid.PORT_LINK_STATE && ++polls === 4) {
      setImmediate(() => peer.kill());
      return null;
    }
    return genericAnswer({ role: 'receiver' })(msg, i, peer);
  };
  const { res, stderr, peers } = await run(t, [{ ...healthy(), rcv, daemon: genericAnswer({ role: 'sender', testStates: [TestState.RUNNING] }), exec: '-n 50 --omit-sync' }]);
  assert.ok(rcvPeer);
  assert.match(stderr, /Port link state missing from node a's receiver reply\nLost node a's receiver while checking its sync: management connection lost/);
  assert.equal(res.pairs[0].error?.code, 'ISOCHRON_ERR_ORCH_NODE_LOST');
  const last = peers[0].d.requests.at(-1)!;
  assert.deepEqual([last.action, last.tlvs[0].mid, last.tlvs[0].payload[0]], [1, Mid.TEST_STATE, 0]);
});

test('a sender without --client runs and ends without a file; no receiver contacted', async (t) => {
  const { res, stdout, dir } = await run(t, [{ name: 'solo', daemon: genericAnswer({ role: 'sender', testStates: [TestState.RUNNING, TestState.IDLE] }), exec: '-n 5 --omit-sync' }]);
  assert.equal(res.status, 0);
  assert.deepEqual(res.pairs, [{ name: 'solo', status: 'done', counts: null, file: null, error: null }]);
  assert.doesNotMatch(stdout, /Collecting/);
  assert.equal(existsSync(join(dir, 'solo.dat')), false);
});

test('collect and save failures name the node; a refused stop of a finished pair still fails the run', async (t) => {
  const noLog: Answer = (msg, i, peer) =>
    msg.tlvs[0].mid === Mid.LOG ? (msg.action === 3 ? encodeErrorResponse(0, -61, 'no log') : encodeResponse(Mid.LOG)) : genericAnswer({ role: 'sender', testStates: [TestState.IDLE] })(msg, i, peer);
  const a = await run(t, [{ ...healthy(), daemon: noLog }]);
  assert.match(a.stderr, /Failed to collect sender stats from node a: Bad message/);
  assert.match(a.stderr, /Remote error -61: no log/);

  const b = await run(t, [{ ...healthy(), exec: '-n 10 --omit-sync --output-file /nonexistent/dir/x.dat' }]);
  assert.match(b.stderr, /Failed to save log of node a to \/nonexistent\/dir\/x\.dat: /);
  assert.equal(b.res.pairs[0].error?.code, 'ISOCHRON_ERR_ORCH_SAVE');

  let started = false;
  const noStop: Answer = (msg, i, peer) => {
    if (msg.action === 1 && msg.tlvs[0].mid === Mid.TEST_STATE) {
      if (msg.tlvs[0].payload[0] === 1) started = true;
      else return encodeResponse(Mid.TEST_STATE);
    }
    if (msg.action === 3) return encodeErrorResponse(msg.tlvs[0].mid, -16, 'busy');
    return genericAnswer({ role: 'sender', testStates: [TestState.IDLE] })(msg, i, peer);
  };
  const c = await run(t, [{ ...healthy(), daemon: noStop }]);
  assert.ok(started);
  assert.equal(c.res.pairs[0].status, 'done');
  assert.ok(existsSync(join(c.dir, 'a.dat')));
  assert.match(c.stderr, /failed to stop the test for node a: Bad message/);
  assert.equal(c.res.status, 182);
});

test('runOrchestrate: a file error is printed with its code and exit status; an unreadable file too', async (t) => {
  const dir = tmpDir(t);
  const err: string[] = [];
  const io = { out: () => undefined, err: (s: string) => void err.push(s) };
  const missing = await runOrchestrate({ inputFile: join(dir, 'nope.ini'), noProgress: false }, { io });
  assert.equal(missing, 251);
  assert.match(err.join(''), /cannot read orchestration file/);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'bad.ini'), '[a]\nfoo = 1\n');
  assert.equal(await runOrchestrate({ inputFile: join(dir, 'bad.ini'), noProgress: false }, { io }), 234);
  assert.match(err.join(''), /bad\.ini:2: unknown key "foo"/);
});

test('base times: as given without a synchronized sender; else past the margins, in the original order', () => {
  const s = (o: Partial<SenderTiming>): SenderTiming => ({ baseTime: 0n, shiftTime: 0n, cycleTime: 1_000_000n, syncThreshold: 0n, maxRttNs: 0n, synchronized: false, ...o });
  assert.equal(referenceSender([s({}), s({})]), -1);
  assert.deepEqual(operBaseTimes([s({ baseTime: 5n }), s({ baseTime: 7n })], 123n), [5n, 7n]);
  const now = 10_000_000_000n;
  const senders = [s({ baseTime: 300n, cycleTime: 1000n, synchronized: true, syncThreshold: 100n, maxRttNs: 50n }), s({ baseTime: 100n, cycleTime: 700n, maxRttNs: 20n })];
  const [a, b] = operBaseTimes(senders, now);
  const floor = now + 50n + 2n * 50n + 2n * 100n + 2n * 20n + 2n * 100n + TIME_MARGIN + TIME_MARGIN;
  assert.ok(b >= floor && b < floor + 700n, `b ${b}`);
  assert.equal((b - 100n) % 700n, 0n);
  assert.ok(a >= b && (a - 300n) % 1000n === 0n, 'the later original base time stays later');
});

test('helpers: failure texts, errno pass-through, names', () => {
  assert.deepEqual(failureText(new Error('x')), { preamble: '', detail: 'x' });
  assert.deepEqual(failureText('y'), { preamble: '', detail: 'y' });
  assert.deepEqual(failureText(MgmtDisconnected('gone')), { preamble: '', detail: 'management connection lost: gone' });
  const remote = failureText(MgmtRemoteError('GET', 'LOG', -61, ''));
  assert.equal(remote.preamble, 'Failed to query MID LOG: received empty payload in response\nRemote error -61: No data available\n');
  const e = causedBy(OrchNodeStart, MgmtDisconnected('gone'), 'n', 'd');
  assert.equal(e.errno, -104);
  assert.equal(causedBy(OrchNodeStart, new Error('plain'), 'n', 'd').errno, OrchNodeStart.errno);
  assert.equal(portStateName(9), 'SLAVE');
  assert.equal(portStateName(77), 'NONE');
  assert.equal(clockIdText(Buffer.from('0102030405060708', 'hex')), '010203.0405.060708');
  assert.equal(endpointText({ family: 6, address: 'fd00::1', device: 'eth0', port: 5000 }), '[fd00::1%eth0]:5000');
  assert.equal(endpointText({ family: 4, address: '10.0.0.1', port: 1 }), '10.0.0.1:1');
});
