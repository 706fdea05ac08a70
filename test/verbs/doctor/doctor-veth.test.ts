// `isochron doctor` as a user runs it, on a real veth pair in namespaces this
// test creates and deletes: software timestamping ok, hardware not (the fix
// names --omit-hwts); ptp4l fails while none runs and is ok once a real
// ptp4l (software timestamping, free-running, its own socket) serves it; a
// down interface and a missing one fail the interface check with exit 1.
// Every JSON output is validated against docs/doctor.schema.json.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { createVethPair, execIn, runNodeIn, spawnIn, type VethPair } from '../../helpers/netns.js';
import { cliEntry, repoRoot } from '../../helpers/paths.js';
import type { CheckId, DoctorReport } from '../../../src/engine/doctor/index.js';
import { kernelTaiOffset } from '../../../src/sys/time.js';

const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(repoRoot, 'docs', 'doctor.schema.json'), 'utf8')));
const tag = `${process.pid % 100000}`;
const IF_A = `dra${tag}`;
const IF_B = `drb${tag}`;
const UDS = `/run/isochron-doctor-${tag}`;
const CFG = join(tmpdir(), `isochron-doctor-${tag}.cfg`);
const UDS_B = `/run/isochron-doctor-${tag}-b`;
const CFG_B = join(tmpdir(), `isochron-doctor-${tag}-b.cfg`);

let veth: VethPair;
let ptp4l: ChildProcess | null = null;
let ptp4lB: ChildProcess | null = null;
let ptp4lLog = '';

before(async () => {
  veth = await createVethPair({ a: { ifname: IF_A, ipv4: '10.79.31.1/24' }, b: { ifname: IF_B, ipv4: '10.79.31.2/24' }, prefix: 'isodoc' });
});

async function kill(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

after(async () => {
  await kill(ptp4l);
  await kill(ptp4lB);
  veth?.destroy();
  for (const f of [CFG, UDS, CFG_B, UDS_B]) rmSync(f, { force: true });
});

async function doctor(ns: string, args: string[], uds = UDS): Promise<{ status: number | null; report: DoctorReport; byId: Record<CheckId, DoctorReport['checks'][number]> }> {
  const r = await runNodeIn(ns, cliEntry, ['doctor', ...args, '--unix-domain-socket', uds, '--format', 'json'], { timeoutMs: 30_000 });
  assert.equal(r.stderr, '', r.stderr);
  const report = JSON.parse(r.stdout) as DoctorReport;
  assert.ok(validate(report), JSON.stringify(validate.errors));
  const byId = Object.fromEntries(report.checks.map((c) => [c.id, c])) as Record<CheckId, DoctorReport['checks'][number]>;
  return { status: r.status, report, byId };
}

test('on a veth: software timestamping ok, hardware not (fix: --omit-hwts), no PHC, ptp4l fails while none runs', async () => {
  const { status, report, byId } = await doctor(veth.nsA, ['-i', IF_A]);
  assert.equal(report.interface, IF_A);
  assert.equal(byId.interface.status, 'ok', byId.interface.detail);
  assert.equal(byId['hw-timestamping'].status, 'warn');
  assert.match(byId['hw-timestamping'].fix ?? '', /--omit-hwts/);
  assert.equal(byId['sw-timestamping'].status, 'ok');
  assert.equal(byId.phc.status, 'skip');
  assert.equal(byId.ptp4l.status, 'fail');
  assert.match(byId.ptp4l.detail, new RegExp(`no ptp4l answers at ${UDS}`));
  assert.ok(byId.ptp4l.fix?.includes(`ptp4l -i ${IF_A} -S -2 -m --uds_address ${UDS}`), byId.ptp4l.fix ?? '');
  // A veth's default qdisc, read through tc: nothing enforces launch times.
  assert.equal(byId.qdisc.status, 'warn');
  assert.match(byId.qdisc.detail, new RegExp(`^${IF_A} has noqueue, no taprio or etf`));
  assert.equal(status, 1);
});

test('ptp4l is ok once a real ptp4l serves its socket on the interface', async () => {
  const taiBefore = kernelTaiOffset();
  // Free-running: namespaces share CLOCK_REALTIME, which other tests rely on.
  writeFileSync(CFG, ['[global]', `uds_address ${UDS}`, 'free_running 1', 'logAnnounceInterval -3', 'announceReceiptTimeout 2', 'utc_offset 37', ''].join('\n'));
  ptp4l = spawnIn(veth.nsA, 'ptp4l', ['-i', IF_A, '-S', '-2', '-m', '-f', CFG], { stdio: ['ignore', 'pipe', 'pipe'] });
  ptp4l.stdout?.on('data', (b: Buffer) => (ptp4lLog += b.toString()));
  ptp4l.stderr?.on('data', (b: Buffer) => (ptp4lLog += b.toString()));
  // A lone ptp4l goes LISTENING -> GRAND_MASTER after announceReceiptTimeout:
  // the doctor says warn (not synchronised yet) until then. Bounded wait.
  const deadline = Date.now() + 30_000;
  let last: Awaited<ReturnType<typeof doctor>> | null = null;
  while (Date.now() < deadline) {
    last = await doctor(veth.nsA, ['-i', IF_A]);
    if (last.byId.ptp4l.status === 'ok') break;
    assert.equal(ptp4l.exitCode, null, `ptp4l exited: ${ptp4lLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(last);
  const p = last.byId.ptp4l;
  assert.equal(p.status, 'ok', `${p.detail}\nptp4l log:\n${ptp4lLog}`);
  assert.equal(p.fix, null);
  assert.match(p.detail, new RegExp(`port ${IF_A} (GRAND_MASTER|MASTER) \\(IEEE 802\\.3 \\(layer 2\\), software timestamping\\)`));
  assert.match(p.detail, /master offset -?\d+ ns, grandmaster [0-9a-f]{6}\.[0-9a-f]{4}\.[0-9a-f]{6}/);
  assert.match(p.detail, /domain 0, transportSpecific 0, UTC offset 37 s/);
  // The kernel's TAI offset is 0 here (never changed by this test): the 0-versus-37 trap is named.
  assert.equal(last.byId['tai-offset'].status, 'warn');
  assert.match(last.byId['tai-offset'].detail, /kernel TAI offset 0 s but ptp4l's currentUtcOffset is 37 s/);
  assert.match(last.byId['tai-offset'].fix ?? '', /--utc-tai-offset 37/);
  // The doctor only reads the kernel's offset, whatever ptp4l announces.
  assert.equal(kernelTaiOffset(), taiBefore);
  // Another domain: ptp4l drops the requests, the doctor says which options to match.
  const other = await doctor(veth.nsA, ['-i', IF_A, '--domain-number', '7']);
  assert.equal(other.byId.ptp4l.status, 'fail');
  assert.match(other.byId.ptp4l.fix ?? '', /--domain-number and --transport-specific/);
  // The other end of the veth has no ptp4l port: the fix says to run one there.
  const b = await doctor(veth.nsB, ['-i', IF_B]);
  assert.equal(b.byId.ptp4l.status, 'fail');
  assert.match(b.byId.ptp4l.detail, new RegExp(`Interface ${IF_B} not found among the 1 port\\(s\\) reported by ptp4l: ${IF_A}`));
  assert.match(b.byId.ptp4l.fix ?? '', new RegExp(`ptp4l -i ${IF_B}`));
  // ptp4l's clock-wide UTC offset still reaches the tai-offset check.
  assert.match(b.byId['tai-offset'].detail, /ptp4l's currentUtcOffset is 37 s/);
});

test('a ptp4l whose port has not synchronised yet is a warning', async () => {
  // slaveOnly on B, facing A's master: it listens, then stays UNCALIBRATED
  // (free-running, its servo never reports locked), never SLAVE.
  writeFileSync(CFG_B, ['[global]', `uds_address ${UDS_B}`, 'free_running 1', 'slaveOnly 1', 'logAnnounceInterval -3', 'announceReceiptTimeout 2', ''].join('\n'));
  ptp4lB = spawnIn(veth.nsB, 'ptp4l', ['-i', IF_B, '-S', '-2', '-f', CFG_B], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  let last: Awaited<ReturnType<typeof doctor>> | null = null;
  while (Date.now() < deadline) {
    last = await doctor(veth.nsB, ['-i', IF_B], UDS_B);
    if (last.byId.ptp4l.status !== 'fail') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(last);
  const p = last.byId.ptp4l;
  assert.equal(p.status, 'warn', p.detail);
  assert.match(p.detail, new RegExp(`port ${IF_B} (LISTENING|UNCALIBRATED) .*: not synchronised yet$`));
  assert.match(p.fix ?? '', /wait for SLAVE or MASTER/);
  await kill(ptp4lB);
});

test('a down interface and a missing one fail the interface check, exit 1', async () => {
  const down = await execIn(veth.nsB, 'ip', ['link', 'set', IF_B, 'down']);
  assert.equal(down.status, 0, down.stderr);
  const d = await doctor(veth.nsB, ['-i', IF_B]);
  assert.equal(d.byId.interface.status, 'fail');
  assert.match(d.byId.interface.detail, /administratively down/);
  assert.equal(d.byId.interface.fix, `ip link set dev ${IF_B} up`);
  assert.equal(d.status, 1);
  // Its peer is up but has lost its carrier.
  const c = await doctor(veth.nsA, ['-i', IF_A]);
  assert.equal(c.byId.interface.status, 'fail');
  assert.match(c.byId.interface.detail, /no carrier/);
  assert.equal(c.status, 1);
  const m = await doctor(veth.nsB, ['-i', 'nosuch0']);
  assert.equal(m.byId.interface.status, 'fail');
  assert.match(m.byId.interface.detail, /nosuch0: interface nosuch0 not found/);
  for (const id of ['hw-timestamping', 'sw-timestamping', 'phc', 'qdisc'] as const) assert.equal(m.byId[id].status, 'skip', id);
  assert.equal(m.status, 1);
});

test('text output: one line per check in order, the fix indented under it; isochron-doctor as program name', async () => {
  const r = await runNodeIn(veth.nsB, cliEntry, ['doctor', '-i', 'nosuch0', '-U', UDS], { timeoutMs: 30_000 });
  assert.equal(r.status, 1);
  const lines = r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith(' '));
  assert.deepEqual(lines.map((l) => l.split(/\s+/)[1]), ['interface', 'hw-timestamping', 'sw-timestamping', 'phc', 'ptp4l', 'tai-offset', 'qdisc', 'realtime']);
  assert.match(r.stdout, /^fail {2}interface {8}nosuch0: /);
  assert.match(r.stdout, /\n {23}fix: pass the interface isochron will use with -i/);
  // isochron-doctor dispatches like isochron-send (exact argv[0]).
  const named = await execIn(veth.nsB, 'bash', ['-c', `exec -a isochron-doctor ${process.execPath} ${cliEntry} --format json -i nosuch0 -U ${UDS}`]);
  assert.equal(named.status, 1, named.stderr);
  assert.ok(validate(JSON.parse(named.stdout)));
});

test('bad options: an unknown --format and an out-of-range domain are errors with their codes', async () => {
  const f = await runNodeIn(veth.nsB, cliEntry, ['doctor', '--format', 'yaml']);
  assert.equal(f.status, 234);
  assert.match(f.stderr, /unknown --format "yaml": expected one of text, json/);
  const d = await runNodeIn(veth.nsB, cliEntry, ['doctor', '--domain-number', '256']);
  assert.equal(d.status, 222);
  assert.match(d.stderr, /--domain-number 256 is out of range 0..255/);
});
