// The orchestrator's sync checks on src/engine/syncmon (fake management peers on
// loopback stand in for nodes whose answers real ptp4l cannot be made to
// give on demand): a node without a PHC ("Sync monitoring absent") is
// checked on ptp4l's offset alone, PORT_LINK_STATE "unknown" is not
// running and prints nothing (C), and a node failing its sync query drops
// its own pair while the other pair gets its file.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeErrorResponse, encodeResponse, Mid, TestState } from '../../../src/engine/mgmt/index.js';
import { orchestratePlans, planFromText } from '../../../src/verbs/orchestrate/run.js';
import type { OrchestrateDeps } from '../../../src/verbs/orchestrate/orchestration.js';
import { FakePeer, genericAnswer, tmpDir, type Answer } from '../../helpers/orchestrate-support.js';

const SYNC = { offset: 10n, portState: 9, gm: '0011223344556677' };

async function run(t: TestContext, nodes: Array<{ name: string; daemon: Answer; rcv: Answer; exec: string }>, deps: OrchestrateDeps = {}) {
  const dir = tmpDir(t);
  let text = '';
  for (const n of nodes) {
    const d = await FakePeer.start(t, n.daemon);
    const r = await FakePeer.start(t, n.rcv);
    text += `[${n.name}]\nhost = 127.0.0.1\nport = ${d.port}\nexec = isochron send -i eth0 -c 0.001 -s 64 ${n.exec} --client 127.0.0.1 --stats-port ${r.port} --output-file ${n.name}.dat\n`;
  }
  const out: string[] = [];
  const err: string[] = [];
  const all: OrchestrateDeps = { io: { out: (s) => void out.push(s), err: (s) => void err.push(s) }, kernelUtcTaiOffset: () => 0, cwd: dir, timeoutMs: 2000, ...deps };
  const res = await orchestratePlans(planFromText(text, 'f.ini', all), all);
  return { res, dir, stdout: out.join(''), stderr: err.join('') };
}

/** A node whose SYSMON_OFFSET fails with `extack` (the rest as `base`). */
function sysmonFails(base: Answer, rc: number, extack: string): Answer {
  return (msg, i, peer) => {
    if (msg.tlvs[0].mid !== Mid.SYSMON_OFFSET) return base(msg, i, peer);
    return msg.action === 3 ? encodeErrorResponse(Mid.SYSMON_OFFSET, rc, extack) : encodeResponse(Mid.SYSMON_OFFSET);
  };
}

test('nodes without a PHC ("Sync monitoring absent"): n/a columns, in sync on ptp4l alone', async (t) => {
  const { res, stdout } = await run(t, [
    {
      name: 'a',
      daemon: sysmonFails(genericAnswer({ role: 'sender', testStates: [TestState.RUNNING, TestState.IDLE], sync: SYNC }), -22, 'Sync monitoring absent'),
      rcv: sysmonFails(genericAnswer({ role: 'receiver', sync: SYNC }), -22, 'Sync monitoring absent'),
      exec: '-n 10 --sync-threshold 50',
    },
  ]);
  assert.equal(res.status, 0, JSON.stringify(res));
  assert.match(stdout, /isochron\[\d+\.\d{9}\]: a ptpmon +10 sysmon +n\/a receiver ptpmon +10 sysmon +n\/a\n/);
});

test('PORT_LINK_STATE unknown: no line (C), not in sync until the link runs', async (t) => {
  const { res, stdout } = await run(t, [
    {
      name: 'a',
      daemon: genericAnswer({ role: 'sender', testStates: [TestState.RUNNING, TestState.IDLE], linkStates: [0, 0, 2] }),
      rcv: genericAnswer({ role: 'receiver' }),
      exec: '-n 10 --omit-sync',
    },
  ]);
  assert.equal(res.status, 0, JSON.stringify(res));
  assert.equal(stdout.match(/Link state of node a is/g)?.length, 1, stdout);
  assert.ok(stdout.indexOf('Link state of node a is running') < stdout.indexOf('Node a: base time'));
});

test('a node whose sync query fails is named and drops its own pair; the other pair runs', async (t) => {
  const { res, stderr, dir } = await run(t, [
    {
      name: 'good',
      daemon: genericAnswer({ role: 'sender', testStates: [TestState.RUNNING, TestState.IDLE], sync: SYNC }),
      rcv: genericAnswer({ role: 'receiver', sync: SYNC }),
      exec: '-n 10 --sync-threshold 50',
    },
    {
      name: 'bad',
      daemon: sysmonFails(genericAnswer({ role: 'sender', testStates: [TestState.RUNNING, TestState.IDLE], sync: SYNC }), -19, 'Failed to read sysmon offset: No such device'),
      rcv: genericAnswer({ role: 'receiver', sync: SYNC }),
      exec: '-n 10 --sync-threshold 50',
    },
  ]);
  assert.notEqual(res.status, 0);
  assert.match(stderr, /sysmon offset missing from mgmt reply: .*Remote error -19: Failed to read sysmon offset: No such device\n/);
  assert.match(stderr, /Lost node bad while checking its sync: Remote error -19: Failed to read sysmon offset: No such device\n/);
  assert.deepEqual(res.pairs.map((p) => [p.name, p.status]), [['good', 'done'], ['bad', 'failed']]);
  assert.equal(existsSync(join(dir, 'good.dat')), true);
  assert.equal(existsSync(join(dir, 'bad.dat')), false);
});
