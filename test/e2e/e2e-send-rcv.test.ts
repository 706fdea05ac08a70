// Our `isochron send` to our `isochron rcv` across a veth pair between two
// namespaces, as a user runs them: 1000 frames at 1 ms, L2 (with a VLAN tag
// and priority) and L4. Every frame must arrive, the timestamps must be in
// the order the stack takes them, and `report` must read the file back.
// Also: a receiver killed mid-run (the sender must say so and keep its own
// log), and the C sender against our receiver when ISOCHRON_C names one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair, execIn, liveNamespaces, type VethPair } from '../helpers/netns.js';
import { cliEntry } from '../helpers/paths.js';
import { readDatFile } from '../../src/engine/dat/reader.js';
import { runCli } from '../helpers/cli.js';
import { startRcv, sleep, type RunningRcv } from '../helpers/rcv-support.js';

let pair: VethPair;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isochron-e2e-'));
  pair = await createVethPair({
    a: { ifname: 'vxa', mac: '02:00:00:00:0a:01', ipv4: '10.199.0.1/24' },
    b: { ifname: 'vxb', mac: '02:00:00:00:0b:02', ipv4: '10.199.0.2/24' },
  });
});
after(() => {
  pair?.destroy();
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(liveNamespaces(), []);
});

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await execIn(pair.nsB, 'ss', ['-Hltn', `sport = :${port}`]);
    if (r.stdout.trim()) return;
    await sleep(20);
  }
  throw new Error(`nothing listens on ${port}`);
}

/** Resolves once `count` more frames than now have reached vxb (its kernel counter). */
async function framesArrived(count: number): Promise<void> {
  const rx = async (): Promise<number> => Number((await execIn(pair.nsB, 'cat', ['/sys/class/net/vxb/statistics/rx_packets'])).stdout.trim());
  const base = await rx();
  for (let i = 0; i < 3000; i++) {
    if ((await rx()) - base >= count) return;
    await sleep(20);
  }
  throw new Error(`fewer than ${count} frames reached vxb within a minute`);
}

function send(args: string[], timeoutMs = 60_000) {
  return execIn(pair.nsA, process.execPath, [cliEntry, 'send', '-i', 'vxa', '--omit-hwts', '--omit-sync', '--omit-remote-sync', '--client', '10.199.0.2', ...args], { timeoutMs });
}

async function withRcv<T>(args: string[], port: number, fn: (rcv: RunningRcv) => Promise<T>): Promise<T> {
  const rcv = startRcv(pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-port', String(port), ...args]);
  try {
    await listening(port);
    return await fn(rcv);
  } finally {
    if (rcv.child.exitCode === null) rcv.child.kill('SIGTERM');
    await rcv.exited;
  }
}

function checkRun(file: string, frames: number): void {
  const dat = readDatFile(file);
  assert.equal(dat.header.packetCount, frames);
  assert.equal(dat.send.length, frames);
  assert.equal(dat.rcv.length, frames);
  for (let i = 0; i < frames; i++) {
    const s = dat.send[i];
    const r = dat.rcv[i];
    const w = `seqid ${i + 1}`;
    assert.equal(s.seqid, i + 1, `${w} sent`);
    assert.equal(r.seqid, i + 1, `${w} received`);
    assert.ok(s.wakeup <= s.schedTs, `${w}: wakeup ${s.wakeup} <= sched ${s.schedTs}`);
    assert.ok(s.schedTs <= s.swts, `${w}: sched ${s.schedTs} <= TX swts ${s.swts}`);
    assert.ok(r.swts > s.schedTs, `${w}: RX swts ${r.swts} after sched ${s.schedTs}`);
    assert.ok(r.arrival >= r.swts, `${w}: arrival ${r.arrival} >= RX swts ${r.swts}`);
    assert.equal(r.hwts, 0n, `${w}: no hardware RX timestamp on veth`);
  }
}

for (const mode of ['l2-vlan', 'l4'] as const) {
  test(`send -> rcv over veth, ${mode}: 1000 frames at 1 ms all received, timestamps ordered, report reads the file`, { timeout: 120_000 }, async () => {
    const port = mode === 'l4' ? 5101 : 5100;
    const file = join(dir, `${mode}.dat`);
    const extra = mode === 'l4' ? ['--l4', '--ip-destination', '10.199.0.2'] : ['--vid', '100', '--priority', '3'];
    await withRcv(mode === 'l4' ? ['--l4'] : [], port, async (rcv) => {
      const r = await send(['--stats-port', String(port), '--cycle-time', '0.001', '--num-frames', '1000', '--frame-size', '128', '--output-file', file, ...extra]);
      assert.equal(r.status, 0, `send failed: ${r.stderr}`);
      assert.match(r.stdout, /Collecting receiver stats/);
      rcv.child.kill('SIGTERM');
      // SIGTERM ends an interrupted run: 252 in every verb (docs/cli.md).
      assert.deepEqual(await rcv.exited, { status: 252, signal: null });
      assert.match(rcv.stdout(), /^Accepted connection from ::ffff:10\.199\.0\.1$/m);
      assert.doesNotMatch(rcv.stdout(), /Discarding|too short/);
    });
    checkRun(file, 1000);
    const rep = await runCli(['report', '--summary', '--input-file', file]);
    assert.equal(rep.status, 0, rep.stderr.toString());
    assert.match(rep.stdout.toString(), /Summary:/);
    assert.doesNotMatch(rep.stdout.toString(), /no packets were received/);
  });
}

test('a receiver killed mid-run: the sender says so clearly and keeps its own log', { timeout: 120_000 }, async () => {
  const port = 5102;
  const file = join(dir, 'killed.dat');
  await withRcv([], port, async (rcv) => {
    const running = send(['--stats-port', String(port), '--cycle-time', '0.001', '--num-frames', '3000', '--frame-size', '64', '--output-file', file]);
    await rcv.waitStdout(/Accepted connection/);
    // Killed once frames flow (not after a fixed time: a loaded machine may
    // still be preparing the run), well before the 3000th.
    await framesArrived(300);
    rcv.child.kill('SIGKILL');
    const r = await running;
    assert.notEqual(r.status, 0, 'the sender fails when its receiver is gone');
    assert.match(r.stderr, /Lost the receiver/, `a clear message: ${r.stderr}`);
    assert.match(r.stderr, /Sender log saved to/, r.stderr);
  });
  // The sender's own records survive; the receiver's side is empty.
  const dat = readDatFile(file);
  assert.ok(dat.send.filter((s) => s.seqid !== 0).length > 0, 'sent packets are in the saved log');
});

test('interop: the C sender against our receiver', { timeout: 120_000 }, async (t) => {
  const c = process.env.ISOCHRON_C;
  if (!c) {
    t.skip('ISOCHRON_C not set');
    return;
  }
  const port = 5103;
  const file = join(dir, 'c-send.dat');
  await withRcv([], port, async () => {
    const r = await execIn(pair.nsA, c, ['send', '-i', 'vxa', '--omit-hwts', '--omit-sync', '--omit-remote-sync', '--client', '10.199.0.2', '--stats-port', String(port), '--cycle-time', '0.001', '--num-frames', '1000', '--frame-size', '64', '--output-file', file], { timeoutMs: 60_000 });
    assert.equal(r.status, 0, r.stderr);
  });
  const dat = readDatFile(file);
  for (let i = 0; i < 1000; i++) assert.equal(dat.rcv[i].seqid, i + 1, `seqid ${i + 1} received`);
});
