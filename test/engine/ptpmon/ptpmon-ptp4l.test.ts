// ptpmon against real ptp4l (linuxptp, software timestamping) on a veth
// pair in two fresh namespaces: master on A, slave on B (see
// test/helpers/sync-ptp4l-helper.ts for why the slave runs free). What we read is
// compared with what ptp4l itself says about its clocks, never with
// constants of our own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatClockIdentity, PortState, portStateName, PtpmonClient } from '../../../src/engine/ptpmon/index.js';
import { liveNamespaces } from '../../helpers/netns.js';
import { startPtp4lPair, unlockSlave, type Ptp4lPair } from '../../helpers/sync-ptp4l-helper.js';

const DOMAIN = 24;
let pair: Ptp4lPair;
before(async () => {
  pair = await startPtp4lPair({ tag: 'pm', utcOffset: 35, domainNumber: DOMAIN, subnet: 61 });
});
after(async () => {
  await pair?.stop();
  assert.equal(liveNamespaces().filter((n) => n.startsWith('isoptp')).length, 0);
});

const open = (uds: string, domainNumber = DOMAIN, timeoutMs = 1000): PtpmonClient => PtpmonClient.open({ udsPath: uds, domainNumber, transportSpecific: 0, timeoutMs });

test('slave: port goes SLAVE, offsets are real and small, GM is the master, UTC offset as configured', async () => {
  const t0 = Date.now();
  assert.ok(await unlockSlave(pair, { domainNumber: DOMAIN }), `slave never answered pmc: ${pair.slave.log()}`);
  const slave = open(pair.slave.uds);
  const master = open(pair.master.uds);
  try {
    const states: string[] = [];
    let state = 0;
    while (Date.now() - t0 < 15_000) {
      state = await slave.portStateByName(pair.slave.ifname);
      if (states.at(-1) !== portStateName(state)) states.push(portStateName(state));
      if (state === PortState.SLAVE) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const toSlaveMs = Date.now() - t0;
    assert.equal(state, PortState.SLAVE, `states seen: ${states.join(' -> ')}; ptp4l: ${pair.slave.log()}`);
    const offsets: bigint[] = [];
    for (let i = 0; i < 8; i++) {
      offsets.push(await slave.masterOffset());
      await new Promise((r) => setTimeout(r, 130));
    }
    // Both ends read one CLOCK_REALTIME: the offset is the measurement noise of
    // software timestamps on veth, microseconds at most.
    for (const o of offsets) assert.ok(o > -100_000n && o < 100_000n, `offset ${o}`);
    assert.ok(offsets.some((o) => o !== 0n), 'ptp4l has measured an offset');
    const mdds = await master.defaultDataSet();
    assert.equal(mdds.domainNumber, DOMAIN);
    assert.equal(formatClockIdentity(await slave.grandmasterIdentity()), formatClockIdentity(mdds.clockIdentity));
    assert.deepEqual(await master.grandmasterIdentity(), mdds.clockIdentity);
    assert.equal(await master.portStateByName(pair.master.ifname), PortState.MASTER);
    assert.equal(await master.masterOffset(), 0n);
    assert.equal(await slave.utcOffset(), 35);
    assert.equal(await master.utcOffset(), 35);
    console.log(`# ptp4l slave: ${states.join(' -> ')} after ${toSlaveMs} ms; offsets ${offsets.join(' ')} ns`);
  } finally {
    slave.close();
    master.close();
  }
});

test('another domain number: ptp4l stays silent, we time out with the hint', async () => {
  const c = open(pair.slave.uds, 0, 300);
  try {
    await assert.rejects(c.utcOffset(), (e: Error & { code: string; exitStatus: number }) => {
      assert.equal(e.code, 'ISOCHRON_ERR_PTPMON_TIMEOUT');
      assert.equal(e.exitStatus, 146);
      assert.match(e.message, /--domain-number 0/);
      return true;
    });
  } finally {
    c.close();
  }
});

test('an interface ptp4l does not run on: the ports it has are named', async () => {
  const c = open(pair.slave.uds);
  try {
    await assert.rejects(c.portStateByName('lo'), new RegExp(`Interface lo not found among the 1 port\\(s\\) reported by ptp4l: ${pair.slave.ifname}`));
  } finally {
    c.close();
  }
});
