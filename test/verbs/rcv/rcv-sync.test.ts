// Start-up pieces that need no traffic: C's timestamping warnings, the PHC
// for sysmon (fake NIC with a PHC index this machine has no device for),
// the ptp4l fallbacks, the kernel UTC-TAI offset (set to its own value, so
// the machine is unchanged).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { SOF_TIMESTAMPING } from '../../../src/sys/constants.js';
import { kernelTaiOffset } from '../../../src/sys/time.js';
import { checkStatsPort, prepareReceiver, tsInfoWarnings } from '../../../src/verbs/rcv/startup.js';
import { openSysmon, ptpmonUnavailable, sysmonMethodLine } from '../../../src/engine/receiver/sync-sources.js';
import { planReceiverUtcOffset, setReceiverUtcTaiOffset } from '../../../src/engine/receiver/utc.js';
import { fakeNic } from '../../helpers/sys-fakes.js';
import type { RcvOptions } from '../../../src/verbs/rcv/options.js';

test('timestamping capability warnings follow C (hardware ones only without --omit-hwts)', () => {
  assert.deepEqual(tsInfoWarnings(0, true), [
    'Driver not capable of SOF_TIMESTAMPING_TX_SOFTWARE, continuing anyway\n',
    'Driver not capable of SOF_TIMESTAMPING_RX_SOFTWARE, continuing anyway\n',
    'Driver not capable of SOF_TIMESTAMPING_SOFTWARE, continuing anyway\n',
  ]);
  const sw = SOF_TIMESTAMPING.TX_SOFTWARE | SOF_TIMESTAMPING.RX_SOFTWARE | SOF_TIMESTAMPING.SOFTWARE;
  assert.deepEqual(tsInfoWarnings(sw, false), [
    'Driver not capable of SOF_TIMESTAMPING_TX_HARDWARE, continuing anyway\n',
    'Driver not capable of SOF_TIMESTAMPING_RX_HARDWARE, continuing anyway\n',
  ]);
  assert.equal(checkStatsPort(5000n), 5000);
  assert.throws(() => checkStatsPort(0n), { code: 'ISOCHRON_ERR_RCV_STATS_PORT_RANGE' });
});

test('sysmon: the method line, and a PHC that cannot be opened', () => {
  assert.equal(sysmonMethodLine({ device: '/dev/ptp3', method: 'extended' }), 'Using PTP_SYS_OFFSET_EXTENDED for measuring the offset from /dev/ptp3 to CLOCK_REALTIME\n');
  assert.throws(() => openSysmon(97, 5), /open\(\/dev\/ptp97\)/);
});

test('a NIC reporting a PHC that has no device: reported, fatal without --omit-hwts', () => {
  const nic = fakeNic({ ifname: 'lo', phcIndex: 97 });
  const o = {
    interface: 'lo', destinationMac: null, quiet: false, etype: 0xdeadn, statsAddress: null, statsPort: 5000n,
    schedPriority: 0n, schedFifo: false, schedRr: false, utcTaiOffset: null, l2: true, l4: false, dataPort: 6000n,
    domainNumber: 0n, transportSpecific: 0n, unixDomainSocket: '/var/run/ptp4l', numReadings: 5n, omitHwts: true, noProgress: false, metricsPort: 0n, metricsAddress: null,
  } satisfies RcvOptions;
  const err: string[] = [];
  const out = { out: () => undefined, err: (s: string) => void err.push(s) };
  const prep = prepareReceiver(o, out, nic);
  assert.equal(prep.sysmon, null);
  assert.equal(prep.dmac, '00:00:00:00:00:00');
  assert.match(err.join(''), /cannot open \/dev\/ptp97/);
  assert.throws(() => prepareReceiver({ ...o, omitHwts: false }, out, nic), { code: 'ISOCHRON_ERR_RCV_NO_PHC' });
});

test('ptp4l fallbacks: ENOENT without a socket, "not implemented" with one', () => {
  assert.equal(ptpmonUnavailable('/nonexistent/ptp4l', 'GM clockID').rc, -2);
  const e = ptpmonUnavailable(tmpdir(), 'port state');
  assert.equal(e.rc, -95);
  assert.match(e.extack, /^Failed to read ptpmon port state: Operation not supported \(this isochron does not query ptp4l/);
});

test('UTC-TAI offset: the kernel value is used and printed; a given one is written', () => {
  const now = kernelTaiOffset();
  assert.deepEqual(planReceiverUtcOffset(null), { offset: now, stderr: `Using the kernel UTC-TAI offset which is ${now}\n` });
  assert.deepEqual(planReceiverUtcOffset(BigInt(now)), { offset: now, stderr: null });
  assert.equal(kernelTaiOffset(), now);
  assert.throws(() => setReceiverUtcTaiOffset(1n << 40n), { code: 'ISOCHRON_ERR_RCV_UTC_OFFSET' });
});
