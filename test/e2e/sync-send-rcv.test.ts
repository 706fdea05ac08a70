// Sync gating end to end: a real ptp4l on each side of a veth pair (master
// on the sender's side, slave on the receiver's), our `rcv` answering the
// sender's SYSMON_OFFSET/PTPMON_OFFSET/UTC_OFFSET/PORT_STATE/GM_CLOCK_IDENTITY
// from its ptp4l, and `send --sync-threshold` waiting for both nodes before
// it runs a bounded test. No PHC on veth: both sides skip sysmon
// (--omit-hwts). ptp4l advertises the kernel's own UTC-TAI offset, so the
// C-style kernel fix-up changes nothing on this machine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatFile } from '../../src/engine/dat/reader.js';
import { kernelTaiOffset } from '../../src/sys/time.js';
import { cliEntry } from '../helpers/paths.js';
import { execIn, liveNamespaces } from '../helpers/netns.js';
import { startRcv, sleep } from '../helpers/rcv-support.js';
import { startPtp4lPair, unlockSlave, type Ptp4lPair } from '../helpers/sync-ptp4l-helper.js';

let pair: Ptp4lPair;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isochron-sync-'));
  pair = await startPtp4lPair({ tag: 'sr', utcOffset: kernelTaiOffset(), subnet: 62 });
  assert.ok(await unlockSlave(pair), pair.slave.log());
});
after(async () => {
  await pair?.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(liveNamespaces().filter((n) => n.startsWith('isoptp')).length, 0);
});

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await execIn(pair.slave.ns, 'ss', ['-Hltn', `sport = :${port}`]);
    if (r.stdout.trim()) return;
    await sleep(20);
  }
  throw new Error(`nothing listens on ${port}`);
}

async function syncedRun(port: number, frames: number, extra: string[]): Promise<{ status: number | null; stdout: string; stderr: string; ms: number; file: string; rcvOut: string }> {
  const rcv = startRcv(pair.slave.ns, ['-i', pair.slave.ifname, '--omit-hwts', '--stats-port', String(port), '--unix-domain-socket', pair.slave.uds]);
  const file = join(dir, `run-${port}.dat`);
  try {
    await listening(port);
    const t0 = Date.now();
    const r = await execIn(
      pair.master.ns,
      process.execPath,
      [
        cliEntry, 'send', '-i', pair.master.ifname, '--omit-hwts', '--client', pair.slave.ip, '--stats-port', String(port),
        '--unix-domain-socket', pair.master.uds, '--sync-threshold', '1000000',
        '--cycle-time', '0.01', '--num-frames', String(frames), '--frame-size', '64', '--output-file', file, ...extra,
      ],
      { timeoutMs: 40_000 },
    );
    return { ...r, ms: Date.now() - t0, file, rcvOut: rcv.stdout() + rcv.stderr() };
  } finally {
    if (rcv.child.exitCode === null) rcv.child.kill('SIGTERM');
    await rcv.exited;
  }
}

test('send --sync-threshold waits for both nodes, then runs to completion against our rcv', async () => {
  const r = await syncedRun(5461, 50, []);
  assert.equal(r.status, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}\nrcv: ${r.rcvOut}`);
  assert.match(r.stderr, new RegExp(`interface ${pair.master.ifname} does not have a PHC: sysmon skipped`));
  assert.match(r.stdout, /Link state of node remote is running\nNode remote port changed state to [A-Z_]+\nNode remote changed GM to [0-9a-f]{6}\.[0-9a-f]{4}\.[0-9a-f]{6}\n/);
  // The receiver's ptp4l may still be LISTENING/UNCALIBRATED when we start:
  // the test must not begin before it is SLAVE, then 3 good checks follow.
  const states = [...r.stdout.matchAll(/Node remote port changed state to (\S+)/g)].map((m) => m[1]);
  assert.equal(states.at(-1), 'SLAVE', r.stdout);
  const afterSlave = r.stdout.slice(r.stdout.lastIndexOf('Node remote port changed state to SLAVE'), r.stdout.indexOf('Collecting receiver stats'));
  assert.ok(afterSlave.split('\n').filter((l) => l.startsWith('isochron[')).length >= 3, r.stdout);
  // The receiver's ptp4l may first name itself GM and only then the master:
  // what counts is the GM each node follows when the test starts.
  const lastGm = (node: string): string | undefined =>
    [...r.stdout.matchAll(new RegExp(`Node ${node} changed GM to (\\S+)`, 'g'))].at(-1)?.[1];
  const gmRemote = lastGm('remote');
  const gmLocal = lastGm('local');
  assert.ok(gmLocal, r.stdout);
  assert.equal(gmLocal, gmRemote, 'both nodes follow the master on the sender side');
  assert.match(r.stdout, /Node local port changed state to MASTER\n/);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('isochron['));
  assert.ok(lines.length >= 3, `at least 3 sync checks: ${r.stdout}`);
  for (const l of lines) assert.match(l, /^isochron\[\d+\.\d{9}\]: local ptpmon +0 sysmon +n\/a receiver ptpmon +-?\d+ sysmon +n\/a$/);
  const remoteOffsets = lines.map((l) => BigInt(/receiver ptpmon +(-?\d+)/.exec(l)?.[1] ?? 'x'));
  for (const o of remoteOffsets) assert.ok(o > -1_000_000n && o < 1_000_000n);
  assert.doesNotMatch(r.stderr, /Sync lost/);
  const dat = readDatFile(r.file);
  assert.equal(dat.header.packetCount, 50);
  assert.equal(dat.send.length, 50);
  console.log(`# synced send: ${r.ms} ms for 50 frames of 10 ms incl. sync wait (receiver states ${states.join(' -> ')}); receiver offsets ${remoteOffsets.join(' ')} ns`);
});

test('--omit-remote-sync: only the local node is checked (one-node offsets line)', async () => {
  const r = await syncedRun(5462, 10, ['--omit-remote-sync']);
  assert.equal(r.status, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.doesNotMatch(r.stdout, /Node remote/);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('isochron['));
  assert.ok(lines.length >= 3);
  for (const l of lines) assert.match(l, /^isochron\[\d+\.\d{9}\]: local ptpmon +0 sysmon +n\/a$/);
});

test('no ptp4l at the path: "waiting for ptp4l" three times, then a clear error (ETIMEDOUT)', async () => {
  const r = await execIn(
    pair.master.ns,
    process.execPath,
    [cliEntry, 'send', '-i', pair.master.ifname, '--omit-hwts', '--dmac', '02:00:00:00:00:01', '--unix-domain-socket', '/run/isochron-test-no-ptp4l', '--sync-threshold', '100', '--cycle-time', '0.01', '--num-frames', '1', '--frame-size', '64'],
    { timeoutMs: 20_000 },
  );
  assert.equal(r.status, 146, r.stderr);
  assert.equal(r.stdout, 'waiting for ptp4l\nwaiting for ptp4l\nwaiting for ptp4l\n');
  assert.match(r.stderr, /Timed out waiting for ptp4l\nTimed out waiting for ptp4l at \/run\/isochron-test-no-ptp4l: ptp4l is not running at .* start ptp4l/);
});
