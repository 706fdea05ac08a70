// The daemon's sync monitors at the sender role (src/verbs/daemon/sync.ts through
// src/verbs/daemon/role.ts): SYSMON_ENABLED with a PHC (a fake one: no /dev/ptpN
// on this machine) and without, PTPMON_ENABLED against a ptp4l that is not
// there, the C texts and errnos of every refusal, and the monitors closed
// with the role. ptp4l itself: test/verbs/daemon/daemon-sync-ptp4l.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync } from 'node:fs';
import { collectingLog } from '../../../src/verbs/daemon/log.js';
import { SenderRole } from '../../../src/verbs/daemon/role.js';
import type { SessionDeps } from '../../../src/verbs/daemon/sender-session.js';
import { decodeValue, Mid } from '../../../src/engine/mgmt/index.js';
import { SIOCETHTOOL } from '../../../src/sys/constants.js';
import type { DeviceIoctl } from '../../../src/sys/ioctl.js';
import type { PhcHandle } from '../../../src/engine/sysmon/index.js';
import { fakeNic, fakePhc } from '../../helpers/sys-fakes.js';

const OFFSET = -37_000_000_500n;
const START = 1_700_000_000_000_000_000n;

function phcHandle(index: number): PhcHandle & { closed: boolean } {
  const fd = openSync('/dev/null', 'r');
  const h = { fd, path: `/dev/ptp${index}`, clockId: ((~fd) << 3) | 3, closed: false, close: () => { closeSync(fd); h.closed = true; } };
  return h;
}

/** A NIC on `lo` with PHC `phcIndex` (-1: none) answering the PTP_SYS_OFFSET ioctls. */
function nicWithPhc(phcIndex: number): DeviceIoctl {
  const nic = fakeNic({ ifname: 'lo', phcIndex });
  const phc = fakePhc({ offsetNs: OFFSET, startNs: START, windowsNs: [500n], supports: { precise: false, extended: true, basic: true } });
  return (fd, req, arg, data) => (req === SIOCETHTOOL ? nic(fd, req, arg, data) : phc(fd, req, arg, data));
}

function role(o: { dev?: DeviceIoctl; handles?: PhcHandle[]; retryMs?: number } = {}) {
  const log = collectingLog();
  const deps = { log, ...(o.dev ? { dev: o.dev } : {}) } as unknown as SessionDeps;
  const r = new SenderRole(deps, log, {
    sysmon: {
      ...(o.dev ? { io: o.dev } : {}),
      openPhc: (i) => {
        const h = phcHandle(i);
        o.handles?.push(h);
        return h;
      },
    },
    ptp4lRetryMs: o.retryMs ?? 10,
    ptpmonTimeoutMs: 200,
    kernelTaiOffset: () => 37,
    setKernelTaiOffset: () => assert.fail('no kernel UTC-TAI change expected'),
  });
  return { r, log };
}

const on = Buffer.from([1, 0, 0, 0]);
const off = Buffer.from([0, 0, 0, 0]);

async function failure(p: Promise<unknown>): Promise<{ code: string; errno: number; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; errno: number; message: string };
  }
  throw new Error('expected a failure');
}

test('SYSMON_ENABLED with a PHC: C method line, real offsets, C texts for enable twice / disable twice', async () => {
  const handles: PhcHandle[] = [];
  const { r, log } = role({ dev: nicWithPhc(3), handles });
  const get = async (mid: Mid) => decodeValue(mid, (await r.get(mid)).payload as Buffer);
  assert.match((await failure(r.get(Mid.SYSMON_OFFSET))).message, /^Sender sysmon not instantiated$/);
  assert.equal((await failure(r.set(Mid.SYSMON_ENABLED, on))).message, 'Sender interface not specified');
  r.params.ifname = 'lo';
  r.params.numReadings = 4;
  await r.set(Mid.SYSMON_ENABLED, on);
  assert.match(log.text(), /Using PTP_SYS_OFFSET_EXTENDED for measuring the offset from \/dev\/ptp3 to CLOCK_REALTIME\n/);
  const o = (await get(Mid.SYSMON_OFFSET)) as { offset: bigint; time: bigint; delay: bigint };
  assert.equal(o.offset, OFFSET);
  assert.equal(o.delay, 500n);
  assert.ok(o.time > START, 'time of the reading');
  const again = await failure(r.set(Mid.SYSMON_ENABLED, on));
  assert.deepEqual([again.code, again.errno, again.message], ['ISOCHRON_ERR_DAEMON_MONITOR_ALREADY', -22, 'sysmon already enabled']);
  await r.set(Mid.SYSMON_ENABLED, off);
  assert.equal((handles[0] as PhcHandle & { closed: boolean }).closed, true, 'PHC closed');
  assert.equal((await failure(r.set(Mid.SYSMON_ENABLED, off))).message, 'sysmon not enabled');
  assert.equal((await failure(r.get(Mid.SYSMON_OFFSET))).message, 'Sender sysmon not instantiated', 'C keeps a freed pointer; we forget it');
  // Enabled again, then the role dropped: the PHC is closed with it.
  await r.set(Mid.SYSMON_ENABLED, on);
  await r.teardown();
  assert.equal((handles[1] as PhcHandle & { closed: boolean }).closed, true);
});

test('SYSMON_ENABLED without a PHC: skipped with a line; SYSMON_OFFSET answers "Sync monitoring absent"', async () => {
  const { r, log } = role({ dev: nicWithPhc(-1) });
  r.params.ifname = 'lo';
  await r.set(Mid.SYSMON_ENABLED, on);
  assert.match(log.text(), /interface lo does not have a PHC: sysmon skipped \(software timestamping\), SYSMON_OFFSET answers "Sync monitoring absent"/);
  const e = await failure(r.get(Mid.SYSMON_OFFSET));
  assert.deepEqual([e.code, e.errno, e.message], ['ISOCHRON_ERR_SYNC_SYSMON_ABSENT', -22, 'Sync monitoring absent']);
  assert.equal((await failure(r.set(Mid.SYSMON_ENABLED, on))).message, 'sysmon already enabled');
  await r.set(Mid.SYSMON_ENABLED, off);
  assert.equal((await failure(r.get(Mid.SYSMON_OFFSET))).message, 'Sender sysmon not instantiated');
  // An interface that does not exist: the kernel's answer, not a skip.
  r.params.ifname = 'nosuchif0';
  const missing = await failure(r.set(Mid.SYSMON_ENABLED, on));
  assert.notEqual(missing.code, 'ISOCHRON_ERR_SYNC_SYSMON_ABSENT');
  assert.ok(missing.errno < 0);
});

test('PTPMON_ENABLED without ptp4l: C\'s "waiting for ptp4l" x3, then a timeout naming the socket; GETs stay "not instantiated"', async () => {
  const { r, log } = role({ retryMs: 20 });
  r.params.ifname = 'lo';
  r.params.uds = `/run/isochron-test-noptp4l-${process.pid}`;
  for (const mid of [Mid.PTPMON_OFFSET, Mid.UTC_OFFSET, Mid.PORT_STATE, Mid.GM_CLOCK_IDENTITY]) {
    assert.equal((await failure(r.get(mid))).message, 'Sender ptpmon not instantiated');
  }
  assert.equal((await failure(r.set(Mid.PTPMON_ENABLED, off))).message, 'ptpmon not enabled');
  const t0 = Date.now();
  const e = await failure(r.set(Mid.PTPMON_ENABLED, on));
  assert.equal(e.code, 'ISOCHRON_ERR_SYNC_PTP4L_TIMEOUT');
  assert.equal(e.errno, -110);
  assert.match(e.message, new RegExp(`^Timed out waiting for ptp4l at ${r.params.uds}: ptp4l is not running at ${r.params.uds}`));
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(log.text().match(/^waiting for ptp4l$/gm)?.length, 3, log.text());
  assert.match(log.text(), /^Timed out waiting for ptp4l$/m);
  assert.equal((await failure(r.get(Mid.PTPMON_OFFSET))).message, 'Sender ptpmon not instantiated');
  assert.equal(existsSync(`/var/run/isochron.${process.pid}`), false, 'our client socket removed');
});

test('PTPMON_ENABLED waiting for ptp4l ends when the role is dropped; a second enable meanwhile is refused', async () => {
  const { r } = role({ retryMs: 200 });
  r.params.uds = `/run/isochron-test-noptp4l-${process.pid}-b`;
  const pending = failure(r.set(Mid.PTPMON_ENABLED, on));
  await new Promise((res) => setTimeout(res, 50));
  assert.equal((await failure(r.set(Mid.PTPMON_ENABLED, on))).message, 'ptpmon already enabled');
  await r.teardown();
  const e = await pending;
  assert.equal(e.code, 'ISOCHRON_ERR_DAEMON_SYNC_CANCELLED');
  assert.equal(e.errno, -4);
  assert.match(e.message, /waiting for ptp4l: the sender role was dropped/);
});

test('PTPMON_ENABLED with a UDS path too long for a socket: EINVAL with the path', async () => {
  const { r } = role();
  r.params.uds = `/run/${'x'.repeat(110)}`;
  const e = await failure(r.set(Mid.PTPMON_ENABLED, on));
  assert.equal(e.errno, -22);
  assert.match(e.message, /Remote UDS path .* too long/);
});
