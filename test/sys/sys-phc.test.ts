// PHC offset ioctls and NIC timestamping control against fakes at the
// DeviceIoctl boundary (no PHC and no timestamping NIC on this machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HWTSTAMP_FILTER_ALL, HWTSTAMP_TX_ON, PTP_MAX_SAMPLES, SIOCETHTOOL, SOF_TIMESTAMPING } from '../../src/sys/constants.js';
import {
  Phc,
  estimateOffset,
  measurePhcOffset,
  phcClockId,
  probeSysoff,
  sysOffsetBasic,
  sysOffsetExtended,
  sysOffsetPrecise,
} from '../../src/sys/phc.js';
import { getHwTimestamping, getTsInfo, setHwTimestamping, timestampingFlagNames, timestampingFlags } from '../../src/sys/tstamp.js';
import { isIsochronError } from '../../src/core/errors.js';
import { fakeNic, fakePhc } from '../helpers/sys-fakes.js';
import { kernelIoctl } from '../../src/sys/ioctl.js';

const base = { offsetNs: 37_000_000_123n, startNs: 1_700_000_000_000_000_000n, windowsNs: [900n, 400n, 250n, 700n] };

test('PTP_SYS_OFFSET_PRECISE decodes device and realtime', () => {
  const r = sysOffsetPrecise(3, fakePhc({ ...base, supports: { precise: true, extended: true, basic: true } }));
  assert.notEqual(typeof r, 'number');
  assert.deepEqual(r, { offset: base.offsetNs, sysTime: base.startNs, delay: 0n, method: 'precise' });
});

test('PTP_SYS_OFFSET_EXTENDED picks the narrowest window', () => {
  const r = sysOffsetExtended(3, 4, fakePhc({ ...base, supports: { precise: false, extended: true, basic: true } }));
  assert.ok(typeof r !== 'number');
  assert.equal(r.offset, base.offsetNs);
  assert.equal(r.delay, 250n);
  assert.equal(r.sysTime, base.startNs + 2000n + 125n);
});

test('PTP_SYS_OFFSET (interleaved) picks the narrowest window', () => {
  const r = sysOffsetBasic(3, 4, fakePhc({ ...base, supports: { precise: false, extended: false, basic: true } }));
  assert.ok(typeof r !== 'number');
  assert.equal(r.offset, base.offsetNs);
  assert.equal(r.delay, 250n);
  assert.equal(r.method, 'basic');
});

test('probe falls back PRECISE -> EXTENDED -> basic, then fails with the errno', () => {
  const mk = (precise: boolean, extended: boolean, basic: boolean) => fakePhc({ ...base, supports: { precise, extended, basic } });
  assert.equal(probeSysoff(3, 5, mk(true, true, true)), 'precise');
  assert.equal(probeSysoff(3, 5, mk(false, true, true)), 'extended');
  assert.equal(probeSysoff(3, 5, mk(false, false, true)), 'basic');
  assert.throws(() => probeSysoff(3, 5, mk(false, false, false)), (e: unknown) => isIsochronError(e) && e.errno === -95 && /Operation not supported/.test(e.message));
  assert.equal(measurePhcOffset(3, 'extended', 3, mk(false, true, true)).offset, base.offsetNs);
  assert.equal(measurePhcOffset(3, 'precise', 3, mk(true, true, true)).delay, 0n);
  assert.throws(() => measurePhcOffset(3, 'basic', 3, mk(true, true, false)), /PTP_SYS_OFFSET\) on fd 3 failed/);
});

test('sample counts are bounded by PTP_MAX_SAMPLES', () => {
  const io = fakePhc({ ...base, supports: { precise: true, extended: true, basic: true } });
  assert.throws(() => sysOffsetExtended(3, 0, io), /out of 1\.\.25/);
  assert.throws(() => sysOffsetBasic(3, PTP_MAX_SAMPLES + 1, io), /out of 1\.\.25/);
  assert.ok(typeof sysOffsetBasic(3, PTP_MAX_SAMPLES, io) !== 'number');
  assert.ok(typeof sysOffsetExtended(3, PTP_MAX_SAMPLES, io) !== 'number');
  assert.throws(() => estimateOffset([]), /no PHC offset samples/);
});

test('the real kernel refuses PTP ioctls on a non-PHC fd (ENOTTY), reported as unsupported', () => {
  // stdin of the test process is not a PHC; the ioctl must fail, not crash.
  const r = sysOffsetPrecise(0, kernelIoctl);
  assert.equal(typeof r, 'number');
  assert.notEqual(r, 0);
});

test('FD_TO_CLOCKID', () => {
  assert.equal(phcClockId(3), -29);
  assert.equal(phcClockId(0), -5);
});

test('opening a PHC that does not exist names the device', () => {
  assert.throws(() => Phc.openIndex(987), (e: unknown) => isIsochronError(e) && e.errno === -2 && /open\(\/dev\/ptp987\) failed: No such file or directory/.test(e.message));
  assert.throws(() => Phc.openIndex(-1), /not a device/);
});

test('a NIC with a PHC: ts info, SIOCSHWTSTAMP applied config and mismatch, SIOCGHWTSTAMP', () => {
  const nic = fakeNic({ ifname: 'swp0', phcIndex: 987, appliedRxFilter: 12 });
  const info = getTsInfo('swp0', nic);
  assert.equal(info.phcIndex, 987);
  assert.ok(info.soTimestamping & SOF_TIMESTAMPING.TX_HARDWARE);
  assert.equal(info.rxFilters, 1 << HWTSTAMP_FILTER_ALL);
  const res = setHwTimestamping('swp0', { txOn: true }, nic);
  assert.deepEqual(res.applied, { flags: 0, txType: HWTSTAMP_TX_ON, rxFilter: 12 });
  assert.equal(res.mismatch, true);
  assert.deepEqual(getHwTimestamping('swp0', nic), res.applied);
  assert.deepEqual(nic.config, res.applied, 'the fake exposes its current config, not the one at creation');
  const exact = fakeNic({ ifname: 'swp0', phcIndex: 0 });
  assert.equal(setHwTimestamping('swp0', { txOn: false }, exact).mismatch, false);
  assert.throws(() => getTsInfo('swp1', nic), (e: unknown) => isIsochronError(e) && e.code === 'ISOCHRON_ERR_NO_SUCH_INTERFACE');
  assert.throws(() => setHwTimestamping('swp1', { txOn: true }, nic), /interface swp1 not found/);
  assert.throws(() => getHwTimestamping('swp1', nic), /interface swp1 not found/);
  assert.ok(nic.calls.includes(SIOCETHTOOL));
  // Phc.openForInterface reads the index through the same boundary; /dev/ptp987 does not exist here.
  assert.throws(() => Phc.openForInterface('swp0', nic), /\/dev\/ptp987/);
});

test('other ioctl failures keep their errno and say what to check', () => {
  const eperm = () => 1;
  assert.throws(() => setHwTimestamping('swp0', { txOn: true }, eperm), (e: unknown) => isIsochronError(e) && e.errno === -1 && /Operation not permitted$/.test(e.message) && /needs root or CAP_NET_ADMIN/.test(e.hint ?? ''));
  assert.throws(() => getTsInfo('swp0', eperm), (e: unknown) => isIsochronError(e) && /Operation not permitted$/.test(e.message) && e.hint === null);
  assert.throws(() => getHwTimestamping('swp0', eperm), /SIOCGHWTSTAMP, swp0\) failed/);
  assert.throws(() => getHwTimestamping('swp0', () => 95), (e: unknown) => isIsochronError(e) && e.code === 'ISOCHRON_ERR_NO_HWTS');
});

test('timestamping flag sets match isochron (with and without hardware)', () => {
  const sw = timestampingFlags({ hardware: false });
  assert.deepEqual(timestampingFlagNames(sw), ['TX_SOFTWARE', 'RX_SOFTWARE', 'SOFTWARE', 'OPT_ID', 'TX_SCHED']);
  const hw = timestampingFlags({ hardware: true, tsOnly: true });
  assert.deepEqual(timestampingFlagNames(hw), ['TX_HARDWARE', 'TX_SOFTWARE', 'RX_HARDWARE', 'RX_SOFTWARE', 'SOFTWARE', 'RAW_HARDWARE', 'OPT_ID', 'TX_SCHED', 'OPT_TSONLY', 'OPT_TX_SWHW']);
});
