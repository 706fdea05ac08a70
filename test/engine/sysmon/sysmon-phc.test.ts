// sysmon against a fake PHC at the syscall boundary (no /dev/ptpN exists
// here): the fake answers the PTP_SYS_OFFSET ioctls with a known offset and
// known read windows, so method choice, estimator and errors are checked
// against numbers the fake was built from. The PHC "device" is /dev/null:
// only its ioctls matter, and they go to the fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import { E } from '../../../src/core/errors.js';
import { CLOCK_REALTIME, SIOCETHTOOL } from '../../../src/sys/constants.js';
import type { DeviceIoctl } from '../../../src/sys/boundary.js';
import { openSysmonAtIndex, openSysmonForInterface, readPhcByGettime, sysmonMethodLine, type PhcHandle } from '../../../src/engine/sysmon/index.js';
import { createSyncSources } from '../../../src/engine/syncmon/index.js';
import { fakeNic, fakePhc } from '../../helpers/sys-fakes.js';

const OFFSET = -37_000_000_123n;
const START = 1_700_000_000_000_000_000n;

function phcHandle(index: number): PhcHandle & { closed: boolean } {
  const fd = openSync('/dev/null', 'r');
  const h = { fd, path: `/dev/ptp${index}`, clockId: ((~fd) << 3) | 3, closed: false, close: () => { closeSync(fd); h.closed = true; } };
  return h;
}

function phc(supports: { precise: boolean; extended: boolean; basic: boolean }, windowsNs = [900n, 300n, 700n]): DeviceIoctl {
  return fakePhc({ offsetNs: OFFSET, startNs: START, windowsNs, supports });
}

test('picks the best ioctl the driver has and reads the fake offset', () => {
  const cases = [
    { supports: { precise: true, extended: true, basic: true }, method: 'precise', delay: 0n },
    { supports: { precise: false, extended: true, basic: true }, method: 'extended', delay: 300n },
    { supports: { precise: false, extended: false, basic: true }, method: 'basic', delay: 300n },
  ] as const;
  for (const c of cases) {
    const h = phcHandle(3);
    const s = openSysmonAtIndex(3, 5, { io: phc(c.supports), openPhc: () => h });
    assert.equal(s.method, c.method);
    const r = s.offset();
    assert.equal(r.offset, OFFSET, c.method);
    assert.equal(r.delay, c.delay, c.method);
    assert.equal(sysmonMethodLine(s), `Using ${{ precise: 'PTP_SYS_OFFSET_PRECISE', extended: 'PTP_SYS_OFFSET_EXTENDED', basic: 'PTP_SYS_OFFSET' }[c.method]} for measuring the offset from /dev/ptp3 to CLOCK_REALTIME\n`);
    s.close();
    assert.equal(h.closed, true);
  }
});

test('no ioctl, or more readings than the kernel takes: the clock_gettime fallback (C read_phc)', () => {
  const warnings: string[] = [];
  // REALTIME readings 1000 ns apart with a PHC reading 37 s behind in between.
  let t = START;
  const gettime = (clk: number): bigint => {
    t += 100n;
    return clk === CLOCK_REALTIME ? t : t + 37_000_000_000n;
  };
  const none = openSysmonAtIndex(0, 4, { io: phc({ precise: false, extended: false, basic: false }), openPhc: phcHandle, gettime, warn: (l) => warnings.push(l) });
  assert.equal(none.method, 'gettime');
  assert.equal(sysmonMethodLine(none), '');
  const r = none.offset();
  // t1 = x, tp = x + 100 + 37e9, t2 = x + 200: offset = t1 - tp + 100.
  assert.equal(r.offset, -37_000_000_000n);
  assert.equal(r.delay, 200n);
  none.close();
  const many = openSysmonAtIndex(0, 26, { io: phc({ precise: true, extended: true, basic: true }), openPhc: phcHandle, gettime, warn: (l) => warnings.push(l) });
  assert.equal(many.method, 'gettime');
  assert.deepEqual(warnings, ['warning: 26 exceeds kernel max readings 25\n', 'falling back to clock_gettime method\n']);
  many.close();
  // The narrowest window wins.
  const seq = [0n, 50n, 1000n, 2000n, 2010n, 2020n];
  let i = 0;
  assert.deepEqual(readPhcByGettime(9, 2, () => seq[i++]), { offset: 2000n - 2010n + 10n, time: 2020n, delay: 20n });
});

test('read failures and bad arguments are typed errors', () => {
  let calls = 0;
  const flaky: DeviceIoctl = (fd, req, arg, data) => (++calls > 1 ? E.EIO : phc({ precise: true, extended: false, basic: false })(fd, req, arg, data));
  const s = openSysmonAtIndex(1, 5, { io: flaky, openPhc: phcHandle });
  assert.throws(() => s.offset(), (e: Error & { code: string; errno: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_SYSMON_READ');
    assert.equal(e.errno, -5);
    assert.match(e.message, /^Failed to query current sysmon offset of \/dev\/ptp1: ioctl\(PTP_SYS_OFFSET_PRECISE\): Input\/output error/);
    return true;
  });
  s.close();
  const broken = openSysmonAtIndex(1, 2, { io: phc({ precise: false, extended: false, basic: false }), openPhc: phcHandle, gettime: () => { throw Object.assign(new Error('x'), {}); } });
  assert.throws(() => broken.offset(), /^Error: x|x/);
  broken.close();
  assert.throws(() => openSysmonAtIndex(1, 0, { openPhc: phcHandle }), { code: 'ISOCHRON_ERR_SYSMON_READINGS' });
  assert.throws(() => openSysmonAtIndex(97, 5), (e: Error & { code: string }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_SYSMON_OPEN');
    assert.match(e.message, /open\(\/dev\/ptp97\)/);
    return true;
  });
});

test('the PHC behind an interface; no PHC: the skip-able error', () => {
  const nicWith = fakeNic({ ifname: 'lo', phcIndex: 4 });
  const io: DeviceIoctl = (fd, req, arg, data) => (req === SIOCETHTOOL ? nicWith(fd, req, arg, data) : phc({ precise: false, extended: true, basic: true })(fd, req, arg, data));
  const s = openSysmonForInterface('lo', 3, { io, openPhc: phcHandle });
  assert.equal(s.device, '/dev/ptp4');
  assert.equal(s.offset().offset, OFFSET);
  s.close();
  assert.throws(() => openSysmonForInterface('lo', 3, { io: fakeNic({ ifname: 'lo', phcIndex: -1 }) }), (e: Error & { code: string; errno: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_SYSMON_NO_PHC');
    assert.equal(e.errno, -19);
    assert.match(e.message, /^interface lo does not have a PHC: .*use --omit-hwts/);
    return true;
  });
});

test('sync sources: SYSMON_OFFSET from the PHC, "Sync monitoring absent" without one', () => {
  const s = openSysmonAtIndex(2, 5, { io: phc({ precise: false, extended: true, basic: true }), openPhc: phcHandle });
  const with_ = createSyncSources({ ifname: 'lo', udsPath: '/run/none', domainNumber: 0, transportSpecific: 0, sysmon: s });
  assert.deepEqual(with_.sysmonOffset(), { offset: OFFSET, time: START + 1000n + 150n, delay: 300n });
  with_.close();
  s.close();
  const without = createSyncSources({ ifname: 'lo', udsPath: '/run/none', domainNumber: 0, transportSpecific: 0, sysmon: null });
  assert.throws(() => without.sysmonOffset(), (e: Error & { code: string; errno: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_SYNC_SYSMON_ABSENT');
    assert.equal(e.errno, -22);
    assert.equal(e.message, 'Sync monitoring absent');
    return true;
  });
  const failing = createSyncSources({ ifname: 'lo', udsPath: '/run/none', domainNumber: 0, transportSpecific: 0, sysmon: { device: '/dev/ptp9', method: 'basic', offset: () => { throw openSysmonAtIndex(1, 0); }, close: () => undefined } });
  assert.throws(() => failing.sysmonOffset(), { code: "ISOCHRON_ERR_SYNC_SOURCE", message: "Failed to read sysmon offset: Invalid argument (--num-readings 0: need at least 1 reading of the PHC)" });
  without.close();
});
