// The doctor's hardware answers through the fakes at the syscall boundary: a
// NIC that timestamps in hardware with a PHC, one that stamps PTP frames only,
// PHCs that answer one PTP_SYS_OFFSET variant or none, and an interface with
// taprio. None of that exists on the test machine; the checks' code is the
// real one, only the ioctls, /dev/ptpN and tc's answers are made up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { join } from 'node:path';
import { CHECK_IDS, CHECK_STATUSES, DOCTOR_SCHEMA, runDoctor, doctorExitStatus, type DoctorContext, type Findings, type QdiscProbe } from '../../../src/engine/doctor/index.js';
import { CHECKS } from '../../../src/engine/doctor/checks/index.js';
import { ptp4lCommand } from '../../../src/engine/doctor/checks/ptp4l.js';
import { hasCapability } from '../../../src/engine/doctor/checks/realtime.js';
import { hostQdiscProbe } from '../../../src/engine/doctor/qdisc-probe.js';
import { kernelIoctl } from '../../../src/sys/ioctl.js';
import { openPhcDevice } from '../../../src/sys/phc.js';
import { fakeNic, fakeNicWithPhc, fakePhc, fakePhcOpener } from '../../helpers/sys-fakes.js';
import { repoRoot } from '../../helpers/paths.js';

const IF = 'fakeeth0';
const PTP_V2_L2_EVENT = 9;

function context(over: Partial<DoctorContext> = {}): DoctorContext {
  return {
    ifname: IF,
    udsPath: `/run/isochron-doctor-none-${process.pid}`,
    domainNumber: 0,
    transportSpecific: 0,
    io: kernelIoctl,
    openPhc: openPhcDevice,
    qdiscs: hostQdiscProbe,
    ptp4lTimeoutMs: 300,
    ...over,
  };
}

function found(over: Partial<Findings> = {}): Findings {
  return { interfaceExists: true, tsInfo: null, ptpUtcOffset: null, ...over };
}

const allVariants = { precise: true, extended: true, basic: true };

function phcIo(supports: { precise: boolean; extended: boolean; basic: boolean }) {
  return fakePhc({ offsetNs: 1_500n, startNs: 1_700_000_000_000_000_000n, windowsNs: [400n, 100n, 900n], supports });
}

test('a NIC that stamps every frame in hardware: hw-timestamping ok, with its PHC index', async () => {
  const f = found();
  const r = await CHECKS['hw-timestamping'](context({ io: fakeNic({ ifname: IF, phcIndex: 3 }) }), f);
  assert.equal(r.status, 'ok', r.detail);
  assert.equal(r.fix, null);
  assert.match(r.detail, /all frames in hardware/);
  assert.match(r.detail, /RX filters ALL/);
  assert.match(r.detail, /\/dev\/ptp3/);
  assert.equal(f.tsInfo?.phcIndex, 3);
  const sw = await CHECKS['sw-timestamping'](context(), f);
  assert.equal(sw.status, 'ok');
});

test('a NIC that stamps only PTP frames on receive: warn, and the fix names --omit-hwts', async () => {
  const r = await CHECKS['hw-timestamping'](context({ io: fakeNic({ ifname: IF, phcIndex: 0, rxFilters: 1 << PTP_V2_L2_EVENT }) }), found());
  assert.equal(r.status, 'warn');
  assert.match(r.detail, /only PTP frames/);
  assert.match(r.detail, /PTP_V2_L2_EVENT/);
  assert.match(r.fix ?? '', /--omit-hwts/);
});

test('phc: the PHC behind the interface is opened through the seam and the best PTP_SYS_OFFSET variant named', async () => {
  const nic = fakeNic({ ifname: IF, phcIndex: 2 });
  for (const [supports, best, refused] of [
    [allVariants, 'PTP_SYS_OFFSET_PRECISE', null],
    [{ precise: false, extended: true, basic: true }, 'PTP_SYS_OFFSET_EXTENDED', 'PTP_SYS_OFFSET_PRECISE'],
    [{ precise: false, extended: false, basic: true }, 'PTP_SYS_OFFSET works', 'PTP_SYS_OFFSET_PRECISE, PTP_SYS_OFFSET_EXTENDED'],
  ] as const) {
    const opener = fakePhcOpener();
    const ctx = context({ io: fakeNicWithPhc(nic, phcIo(supports)), openPhc: opener });
    const f = found();
    await CHECKS['hw-timestamping'](ctx, f);
    const r = await CHECKS.phc(ctx, f);
    assert.equal(r.status, 'ok', r.detail);
    assert.ok(r.detail.includes(`/dev/ptp2 is readable: ${best}`), r.detail);
    if (refused) assert.ok(r.detail.includes(`refused: ${refused}`), r.detail);
    // The fake's PHC runs 1500 ns behind the system clock.
    assert.match(r.detail, /CLOCK_REALTIME - PHC = 1500 ns/);
    assert.deepEqual(opener.opened, [2]);
    assert.equal(opener.closed, 1, 'the PHC is closed again');
  }
});

test('phc: a driver answering no PTP_SYS_OFFSET variant fails, and so does a PHC that cannot be opened', async () => {
  const nic = fakeNic({ ifname: IF, phcIndex: 1 });
  const opener = fakePhcOpener();
  const ctx = context({ io: fakeNicWithPhc(nic, phcIo({ precise: false, extended: false, basic: false })), openPhc: opener });
  const f = found();
  await CHECKS['hw-timestamping'](ctx, f);
  const none = await CHECKS.phc(ctx, f);
  assert.equal(none.status, 'fail');
  assert.match(none.detail, /answers none of PTP_SYS_OFFSET_PRECISE, PTP_SYS_OFFSET_EXTENDED, PTP_SYS_OFFSET/);
  assert.equal(opener.closed, 1);
  // The real opener on a machine without /dev/ptp1: the open itself fails, with the errno's text.
  const real = await CHECKS.phc(context({ io: ctx.io }), f);
  assert.equal(real.status, 'fail');
  assert.match(real.detail, /open\(\/dev\/ptp1\) failed/);
  assert.match(real.fix ?? '', /--omit-hwts/);
});

test('qdisc: taprio on the interface is ok; a kernel that cannot load the schedulers is a warning naming what is missing', async () => {
  const withTaprio: QdiscProbe = { kinds: () => ['taprio', 'pfifo'], support: () => ({ support: 'module', source: 'fake' }) };
  const r = await CHECKS.qdisc(context({ qdiscs: withTaprio }), found());
  assert.equal(r.status, 'ok', r.detail);
  assert.match(r.detail, /taprio enforces launch times/);
  const noKernel: QdiscProbe = { kinds: () => ['noqueue'], support: (kind) => ({ support: kind === 'etf' ? 'builtin' : 'absent', source: `fake ${kind}` }) };
  const w = await CHECKS.qdisc(context({ qdiscs: noKernel }), found());
  assert.equal(w.status, 'warn');
  assert.match(w.detail, /cannot load taprio \(fake taprio\), mqprio \(fake mqprio\)/);
  const loadable: QdiscProbe = { kinds: () => ['mq'], support: () => ({ support: 'module', source: 'fake' }) };
  const l = await CHECKS.qdisc(context({ qdiscs: loadable }), found());
  assert.equal(l.status, 'warn');
  assert.match(l.fix ?? '', /tc qdisc replace dev fakeeth0 root etf clockid CLOCK_TAI/);
  const broken: QdiscProbe = { kinds: () => { throw new Error('tc: spawnSync tc ENOENT'); }, support: () => ({ support: 'unknown', source: 'fake' }) };
  const b = await CHECKS.qdisc(context({ qdiscs: broken }), found());
  assert.equal(b.status, 'warn');
  assert.match(b.fix ?? '', /iproute2/);
});

test('a whole run on a hardware-capable node (loopback standing for the NIC, fake NIC, PHC and taprio): the JSON validates', async () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'doctor.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const opener = fakePhcOpener();
  const report = await runDoctor(
    context({
      ifname: 'lo',
      io: fakeNicWithPhc(fakeNic({ ifname: 'lo', phcIndex: 0 }), phcIo(allVariants)),
      openPhc: opener,
      qdiscs: { kinds: () => ['taprio'], support: () => ({ support: 'builtin', source: 'fake' }) },
    }),
  );
  assert.ok(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors));
  const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  for (const id of ['interface', 'hw-timestamping', 'sw-timestamping', 'phc', 'qdisc'] as const) assert.equal(status[id], 'ok', id);
  assert.equal(status.ptp4l, 'fail', 'no ptp4l at the made-up socket');
  // With a NIC that timestamps in hardware, the ptp4l command line has no -S.
  const fix = report.checks.find((c) => c.id === 'ptp4l')?.fix ?? '';
  assert.ok(fix.includes('ptp4l -i lo -2 -m --uds_address'), fix);
  assert.deepEqual(opener.opened, [0]);
});

test('a whole run on an interface that does not exist: interface fails, the interface checks skip, exit 1', async () => {
  const report = await runDoctor(context({ ifname: 'nosuchif0', io: fakeNic({ ifname: IF, phcIndex: 0 }) }));
  assert.deepEqual(report.checks.map((c) => c.id), [...CHECK_IDS]);
  const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  assert.equal(status.interface, 'fail');
  for (const id of ['hw-timestamping', 'sw-timestamping', 'phc', 'qdisc'] as const) assert.equal(status[id], 'skip', id);
  assert.equal(status.ptp4l, 'fail');
  assert.equal(doctorExitStatus(report), 1);
});

test('ptp4l\'s suggested command line follows the node: -S without hardware timestamps, the domain when not 0', () => {
  const sw = ptp4lCommand(context({ domainNumber: 24, udsPath: '/run/p' }), found());
  assert.equal(sw, 'ptp4l -i fakeeth0 -S -2 -m --uds_address /run/p --domainNumber 24');
  const hw = ptp4lCommand(context({ transportSpecific: 1 }), found({ tsInfo: { soTimestamping: 0x7f, phcIndex: 0, txTypes: 3, rxFilters: 2 } }));
  assert.ok(!hw.includes(' -S') && hw.endsWith('--transportSpecific 1'), hw);
});

test('CapEff parsing: the capability bit, and null when the line is missing', () => {
  assert.equal(hasCapability('Name:\tx\nCapEff:\t0000000000800000\n', 23), true);
  assert.equal(hasCapability('CapEff:\t00000000007fffff\n', 23), false);
  assert.equal(hasCapability('Name:\tx\n', 23), null);
  assert.equal(hasCapability(null, 23), null);
});

test('the JSON schema lists exactly the check ids and statuses of the code, in order, and its schema name', () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'doctor.schema.json'), 'utf8'));
  const items = schema.properties.checks.items;
  assert.deepEqual(items.properties.id.enum, [...CHECK_IDS]);
  assert.deepEqual(items.properties.status.enum, [...CHECK_STATUSES]);
  assert.equal(schema.properties.schema.const, DOCTOR_SCHEMA);
  assert.equal(schema.properties.checks.minItems, CHECK_IDS.length);
});
