// Our daemon (the real CLI process) in a namespace where a real ptp4l runs
// on its interface as a slave (test/helpers/sync-ptp4l-helper.ts: free_running, the
// host clock is never touched; ptp4l advertises the kernel's own UTC-TAI
// offset, so the daemon's C-style kernel fix-up changes nothing). A
// management client in that namespace enables sysmon and ptpmon the way the
// C orchestrator does, and reads PORT_STATE, PTPMON_OFFSET, UTC_OFFSET,
// GM_CLOCK_IDENTITY with real values; then a domain number ptp4l ignores.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMgmtRemoteError, ManagementClient, Mid } from '../../../src/engine/mgmt/index.js';
import { formatClockIdentity } from '../../../src/engine/ptpmon/index.js';
import { connectTcp } from '../../../src/sys/tcp.js';
import { kernelTaiOffset } from '../../../src/sys/time.js';
import { liveNamespaces, withNetns } from '../../helpers/netns.js';
import { sleep, startDaemonIn, stopPid } from '../../helpers/daemon-support.js';
import { startPtp4lPair, unlockSlave, type Ptp4lPair } from '../../helpers/sync-ptp4l-helper.js';

const PORT = 5472;
const UTC = kernelTaiOffset();
let pair: Ptp4lPair;
let dir: string;
let pid = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isochron-dsync-'));
  pair = await startPtp4lPair({ tag: 'ds', utcOffset: UTC, subnet: 63 });
  assert.ok(await unlockSlave(pair), pair.slave.log());
  pid = await startDaemonIn(pair.slave.ns, ['-l', join(dir, 'd.log'), '--stats-port', String(PORT)], join(dir, 'd.pid'));
});
after(async () => {
  if (pid) await stopPid(pid);
  await pair?.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(liveNamespaces().filter((n) => n.startsWith('isoptp')).length, 0);
});

async function connect(): Promise<ManagementClient> {
  const fd = await withNetns(pair.slave.ns, () => connectTcp({ family: 4, address: pair.slave.ip, port: PORT, timeoutMs: 3000 }));
  return new ManagementClient(new Socket({ fd, readable: true, writable: true }), { timeoutMs: 8000 });
}

async function remoteError(p: Promise<unknown>): Promise<{ rc: number; extack: string }> {
  try {
    await p;
  } catch (err) {
    if (isMgmtRemoteError(err)) return { rc: err.rc, extack: err.extack };
    throw err;
  }
  throw new Error('expected the request to fail');
}

/** The master's clock identity as ptp4l itself prints it ("selected local clock X as best master"). */
async function masterIdentity(): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = /selected local clock (\S+) as best master/.exec(pair.master.log());
    if (m) return m[1];
    await sleep(50);
  }
  throw new Error(`master never selected itself: ${pair.master.log()}`);
}

test('daemon with ptp4l on its interface: PORT_STATE, PTPMON_OFFSET, UTC_OFFSET, GM_CLOCK_IDENTITY are ptp4l\'s', async () => {
  const c = await connect();
  try {
    await c.set(Mid.NODE_ROLE, 'sender');
    await c.set(Mid.IF_NAME, pair.slave.ifname);
    await c.set(Mid.DOMAIN_NUMBER, 0);
    await c.set(Mid.TRANSPORT_SPECIFIC, 0);
    await c.set(Mid.UDS, pair.slave.uds);
    await c.set(Mid.NUM_READINGS, 5);
    // veth has no PHC: skipped with a line (C would fail with -ENOMEM).
    assert.equal(await c.set(Mid.SYSMON_ENABLED, true), true);
    assert.equal(await c.set(Mid.PTPMON_ENABLED, true), true);
    assert.equal(await c.set(Mid.SYNC_MONITOR_ENABLED, false), false);

    const deadline = Date.now() + 15_000;
    let state = 0;
    while ((state = await c.get(Mid.PORT_STATE)) !== 9 && Date.now() < deadline) await sleep(100);
    assert.equal(state, 9, `SLAVE; ptp4l: ${pair.slave.log()}`);
    const offset = await c.get(Mid.PTPMON_OFFSET);
    assert.ok(offset > -1_000_000n && offset < 1_000_000n, `master offset ${offset} ns within 1 ms (software timestamps on veth)`);
    assert.equal(await c.get(Mid.UTC_OFFSET), UTC);
    assert.equal(formatClockIdentity(await c.get(Mid.GM_CLOCK_IDENTITY)), await masterIdentity());
    assert.deepEqual(await remoteError(c.get(Mid.SYSMON_OFFSET)), { rc: -22, extack: 'Sync monitoring absent' });
    assert.deepEqual(await remoteError(c.set(Mid.PTPMON_ENABLED, true)), { rc: -22, extack: 'ptpmon already enabled' });

    // Off, then on again with a domain number ptp4l drops: a timeout that says what to check.
    assert.equal(await c.set(Mid.PTPMON_ENABLED, false), false);
    assert.deepEqual(await remoteError(c.get(Mid.PTPMON_OFFSET)), { rc: -22, extack: 'Sender ptpmon not instantiated' });
    await c.set(Mid.DOMAIN_NUMBER, 7);
    const e = await remoteError(c.set(Mid.PTPMON_ENABLED, true));
    assert.equal(e.rc, -110);
    assert.match(e.extack, new RegExp(`ptp4l at ${pair.slave.uds} did not answer GET TIME_PROPERTIES_DATA_SET .*--domain-number 7`));
  } finally {
    c.socket.destroy();
  }
  const log = readFileSync(join(dir, 'd.log'), 'utf8');
  assert.match(log, new RegExp(`interface ${pair.slave.ifname} does not have a PHC: sysmon skipped`));
  assert.match(log, /ptpmon failed to query TIME_PROPERTIES_DATA_SET: ptp4l at .* did not answer/);
});
