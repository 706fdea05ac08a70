// The sync monitor's rules (C's syncmon_sync_ok), fed with snapshots as
// ptp4l and a receiver would give them: thresholds, the UTC offset added to
// the PHC offset, transient port states, one grandmaster, the lines C
// prints, and the "waiting for ptp4l" start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mid } from '../../../src/engine/mgmt/index.js';
import { MgmtRemoteError } from '../../../src/engine/mgmt/errors.js';
import { PortState } from '../../../src/engine/ptpmon/index.js';
import { PtpmonClient } from '../../../src/engine/ptpmon/client.js';
import { fixupKernelUtcOffset, localProbe, remoteProbe, Syncmon, waitForPtp4l, type SyncSnapshot } from '../../../src/engine/syncmon/index.js';

const GM_A = Buffer.from('aabbccfffe000001', 'hex');
const GM_B = Buffer.from('aabbccfffe000002', 'hex');
const snap = (p: Partial<SyncSnapshot>): SyncSnapshot => ({
  ptpmonOffset: 0n,
  sysmonOffset: -37_000_000_000n,
  utcOffset: 37,
  portState: PortState.SLAVE,
  gmClockIdentity: GM_A,
  ...p,
});

function monitor(local: () => SyncSnapshot, remote: (() => SyncSnapshot) | null, threshold = 1000n) {
  const out: string[] = [];
  const nodes = [];
  if (remote) nodes.push({ name: 'remote', role: 'rcv' as const, link: async () => true, sync: { probe: async () => remote(), threshold } });
  nodes.push({ name: 'local', role: 'send' as const, link: async () => true, sync: { probe: async () => local(), threshold }, ...(remote ? { pair: 'remote' } : {}) });
  const m = new Syncmon(nodes, { out: (t) => out.push(t), err: (t) => out.push(`E:${t}`) }, () => 1_500_000_000_123_456_789n);
  return { m, out };
}

test('in sync: both nodes, C lines, PHC offset corrected by the UTC offset', async () => {
  const { m, out } = monitor(() => snap({ ptpmonOffset: -12n, sysmonOffset: -37_000_000_040n, portState: PortState.MASTER }), () => snap({ ptpmonOffset: 300n, sysmonOffset: -36_999_999_500n }));
  assert.equal(m.numChecks, 3);
  assert.deepEqual(await m.check(), { ok: true, within3x: true, failure: null });
  assert.deepEqual(out, [
    'Link state of node remote is running\n',
    'Node remote port changed state to SLAVE\n',
    'Node remote changed GM to aabbcc.fffe.000001\n',
    'Link state of node local is running\n',
    'Node local port changed state to MASTER\n',
    'Node local changed GM to aabbcc.fffe.000001\n',
    'isochron[1500000000.123456789]: local ptpmon        -12 sysmon        -40 receiver ptpmon        300 sysmon        500\n',
  ]);
  out.length = 0;
  await m.check();
  assert.deepEqual(out, ['isochron[1500000000.123456789]: local ptpmon        -12 sysmon        -40 receiver ptpmon        300 sysmon        500\n']);
  assert.equal(m.node('remote')?.sysmonOffset, 500n);
});

test('thresholds, the 3x band, transient states, no PHC', async () => {
  let local = snap({ ptpmonOffset: 2500n });
  const { m } = monitor(() => local, null, 1000n);
  assert.deepEqual(await m.check(), { ok: false, within3x: true, failure: null });
  local = snap({ ptpmonOffset: 3001n });
  assert.equal((await m.check()).within3x, false);
  local = snap({ sysmonOffset: -37_000_001_001n });
  assert.deepEqual(await m.check(), { ok: false, within3x: true, failure: null });
  local = snap({ portState: PortState.UNCALIBRATED });
  assert.deepEqual(await m.check(), { ok: false, within3x: false, failure: null });
  local = snap({ sysmonOffset: null, ptpmonOffset: -1000n });
  assert.deepEqual(await m.check(), { ok: true, within3x: true, failure: null });
});

test('different grandmasters: not ok, one warning until a GM changes again', async () => {
  let remoteGm = GM_B;
  const { m, out } = monitor(() => snap({}), () => snap({ gmClockIdentity: remoteGm }));
  assert.equal((await m.check()).ok, false);
  assert.equal((await m.check()).ok, false);
  const warn = 'Nodes not synchronized to the same grandmaster, remote has aabbcc.fffe.000002, local has aabbcc.fffe.000001\n';
  assert.equal(out.filter((l) => l === warn).length, 1);
  remoteGm = GM_A;
  assert.equal((await m.check()).ok, true);
  assert.ok(out.includes('Node remote changed GM to aabbcc.fffe.000001\n'));
});

test('a failing probe or link: not ok, with the failure; link only without sync', async () => {
  const boom = new Error('ptp4l gone');
  const m = new Syncmon([{ name: 'local', role: 'send', link: async () => true, sync: { probe: async () => { throw boom; }, threshold: 1n } }], { out: () => undefined, err: () => undefined });
  assert.deepEqual(await m.check(), { ok: false, within3x: false, failure: boom });
  let running = false;
  const out: string[] = [];
  const l = new Syncmon([{ name: 'local', role: 'send', link: async () => running, sync: null }], { out: (t) => out.push(t), err: () => undefined });
  assert.equal(l.numChecks, 1);
  assert.equal(l.collectsSync, false);
  assert.equal((await l.check()).ok, false);
  running = true;
  assert.equal((await l.check()).ok, true);
  assert.deepEqual(out, ['Link state of node local is down\n', 'Link state of node local is running\n']);
  const bad = new Syncmon([{ name: 'remote', role: 'rcv', link: async () => { throw boom; }, sync: null }], { out: () => undefined, err: () => undefined });
  assert.equal((await bad.check()).failure, boom);
});

test('remote probe: C order and messages; "Sync monitoring absent" means no PHC there', async () => {
  const asked: number[] = [];
  const values: Record<number, unknown> = { [Mid.PTPMON_OFFSET]: -5n, [Mid.UTC_OFFSET]: 37, [Mid.PORT_STATE]: 9, [Mid.GM_CLOCK_IDENTITY]: GM_A };
  let sysmon: unknown = MgmtRemoteError('GET', 'SYSMON_OFFSET', -22, 'Sync monitoring absent');
  const link = {
    get: async (mid: number) => {
      asked.push(mid);
      if (mid === Mid.SYSMON_OFFSET) {
        if (sysmon instanceof Error) throw sysmon;
        return sysmon;
      }
      if (values[mid] instanceof Error) throw values[mid];
      return values[mid];
    },
  };
  const errs: string[] = [];
  const probe = remoteProbe(link as never, (l) => errs.push(l));
  assert.deepEqual(await probe(), { ptpmonOffset: -5n, sysmonOffset: null, utcOffset: 37, portState: 9, gmClockIdentity: GM_A });
  assert.deepEqual(asked, [1, 2, 3, 4, 5]);
  sysmon = { offset: -37_000_000_000n, time: 1n, delay: 2n };
  assert.equal((await probe()).sysmonOffset, -37_000_000_000n);
  values[Mid.PORT_STATE] = MgmtRemoteError('GET', 'PORT_STATE', -2, 'Failed to read ptpmon port state: ptp4l is not running');
  await assert.rejects(probe());
  assert.match(errs.at(-1) ?? '', /^port state missing from mgmt reply: GET of MID PORT_STATE failed on the peer/);
  sysmon = MgmtRemoteError('GET', 'SYSMON_OFFSET', -5, 'Failed to read sysmon offset: EIO');
  await assert.rejects(probe());
  assert.match(errs.at(-1) ?? '', /^sysmon offset missing from mgmt reply/);
});

test('local probe: a ptp4l that is gone is reported by the step that failed', async () => {
  const c = PtpmonClient.open({ udsPath: '/run/isochron-test-none', domainNumber: 0, transportSpecific: 0, localPath: `/tmp/isochron-lp-${process.pid}` });
  const errs: string[] = [];
  try {
    await assert.rejects(localProbe(c, null, 'lo', (l) => errs.push(l))(), { code: 'ISOCHRON_ERR_PTPMON_NOT_RUNNING' });
    assert.match(errs[0], /^ptpmon failed to query port state: ptp4l is not running at \/run\/isochron-test-none/);
  } finally {
    c.close();
  }
});

test('waiting for ptp4l: 3 retries then ETIMEDOUT; other errors at once; interrupt', async () => {
  const c = PtpmonClient.open({ udsPath: '/run/isochron-test-none', domainNumber: 0, transportSpecific: 0, localPath: `/tmp/isochron-wp-${process.pid}` });
  try {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(`E:${t}`), sleep: async () => undefined, interrupted: () => false };
    await assert.rejects(waitForPtp4l(c, io, () => new Error('int'), 0), (e: Error & { code: string; errno: number }) => {
      assert.equal(e.code, 'ISOCHRON_ERR_SYNC_PTP4L_TIMEOUT');
      assert.equal(e.errno, -110);
      return true;
    });
    assert.deepEqual(out, ['waiting for ptp4l\n', 'waiting for ptp4l\n', 'waiting for ptp4l\n', 'E:Timed out waiting for ptp4l\n']);
    await assert.rejects(waitForPtp4l(c, { ...io, interrupted: () => true }, () => new Error('interrupted'), 0), /interrupted/);
  } finally {
    c.close();
  }
  const closed = PtpmonClient.open({ udsPath: '/run/isochron-test-none', domainNumber: 0, transportSpecific: 0, localPath: `/tmp/isochron-wq-${process.pid}` });
  closed.close();
  const lines: string[] = [];
  await assert.rejects(waitForPtp4l(closed, { out: () => undefined, err: (t) => lines.push(t), sleep: async () => undefined, interrupted: () => false }, () => new Error('x')), { code: 'ISOCHRON_ERR_PTPMON_CLOSED' });
  assert.match(lines[0], /^ptpmon failed to query TIME_PROPERTIES_DATA_SET: ptpmon for/);
});

test('kernel UTC-TAI fix-up: only when the kernel disagrees, with C\'s line', () => {
  const set: number[] = [];
  const out: string[] = [];
  fixupKernelUtcOffset(37, () => 37, (v) => set.push(v), (t) => out.push(t));
  assert.deepEqual([set, out], [[], []]);
  fixupKernelUtcOffset(37, () => 0, (v) => set.push(v), (t) => out.push(t));
  assert.deepEqual(set, [37]);
  assert.deepEqual(out, ['Kernel UTC-TAI offset of 0 seems out of date, updating it to 37\n']);
});
