// How runs end (issue 9, "runs that end badly but look fine"), with real
// processes in namespaces this test creates and deletes: every send ends
// with the summary line; TX timestamps that never come, 100 % loss and
// SIGINT/SIGTERM exit with their documented statuses; --output-file in a
// missing directory fails before anything is sent; an interface without
// carrier says so every few seconds and can still be stopped.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatFile } from '../../src/engine/dat/reader.js';
import { formatRunSummary } from '../../src/engine/traffic/run-summary.js';
import { spawnIn } from '../helpers/netns.js';
import { cliEntry } from '../helpers/paths.js';
import { cliIn, IP_B, startReceiver, vethPair } from '../helpers/send-support.js';

const EINTR_STATUS = 252;
const FAULT_STATUS = 3;
const ENODATA_STATUS = 195;
const ENOENT_STATUS = 254;

const SEND = ['send', '--omit-hwts', '--omit-sync', '--omit-remote-sync', '--frame-size', '64', '--quiet'];
const SUMMARY = /^isochron send: (\d+) sent, (\d+) TX-timestamped, (\d+|received unknown)(?: received)?(?:, (\d+) lost)?, (no file written|file .+); exit (\d+)(?: \((.+)\))?$/m;

function tmpDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-endings-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function ipIn(ns: string, args: string[]): void {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}

/** The last line of stderr, which must be the summary. */
function lastLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  return lines[lines.length - 1];
}

interface Running {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<{ status: number | null; at: number }>;
  /** Resolves once stderr matches (rejects after ms). */
  waitFor(re: RegExp, ms: number): Promise<number>;
}

function runIn(t: TestContext, ns: string, args: string[]): Running {
  const child = spawnIn(ns, process.execPath, [cliEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  child.stdout?.resume();
  const exited = new Promise<{ status: number | null; at: number }>((resolve) =>
    child.on('close', (status) => resolve({ status, at: Date.now() })),
  );
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return {
    child,
    stderr: () => err,
    exited,
    waitFor: async (re, ms) => {
      const deadline = Date.now() + ms;
      while (!re.test(err)) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${re}: ${err}`);
        if (Date.now() > deadline) throw new Error(`no ${re} within ${ms} ms: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return Date.now();
    },
  };
}

function reportReads(file: string): void {
  const r = spawnSync(process.execPath, [cliEntry, 'report', '--summary', '--input-file', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `report reads ${file}: ${r.stderr}`);
}

test('the summary line format (what docs/cli.md shows)', () => {
  assert.equal(
    formatRunSummary({ who: 'send', sent: 200, txTimestamped: 200, received: 0, file: '/tmp/x.dat', status: 195, reason: 'no frame reached the receiver' }),
    'isochron send: 200 sent, 200 TX-timestamped, 0 received, 200 lost, file /tmp/x.dat; exit 195 (no frame reached the receiver)\n',
  );
  assert.equal(
    formatRunSummary({ who: 'send', sent: 10, txTimestamped: null, received: null, extra: [{ count: 3, label: 'duplicate TX timestamps' }], file: null, status: 0, reason: null }),
    'isochron send: 10 sent, TX timestamps not taken, received unknown, 3 duplicate TX timestamps, no file written; exit 0\n',
  );
  assert.equal(
    formatRunSummary({ who: 'rcv', sent: null, txTimestamped: null, received: 7, file: null, status: 252, reason: 'interrupted by SIGINT' }),
    'isochron rcv: 7 received, no file written; exit 252 (interrupted by SIGINT)\n',
  );
});

test('send: every TX timestamp missing (frames forwarded to a disabled bridge port) exits 3 (measurement faults) with the counts in the summary', async (t) => {
  const pair = await vethPair(t);
  // A bridge stamps SCHED when it queues a frame; the port that would stamp
  // SND is disabled, so no frame is ever fully timestamped: a real way to
  // get C's "Timed out waiting for TX timestamps" with every frame.
  ipIn(pair.nsA, ['sh', '-c', [
    'ip link add br0 type bridge',
    'ip link add vpa type veth peer name vpb', 'ip link set vpa master br0',
    'ip link add vqa type veth peer name vqb', 'ip link set vqa master br0',
    'for l in vpa vpb vqa vqb br0; do ip link set $l up; done',
  ].join(' && ')]);
  // The port state can only be set once the bridge runs it.
  for (let i = 0; ; i++) {
    const r = spawnSync('ip', ['netns', 'exec', pair.nsA, 'bridge', 'link', 'set', 'dev', 'vpa', 'state', '0'], { timeout: 5000 });
    if (r.status === 0) break;
    if (i > 50) throw new Error('cannot disable bridge port vpa');
    await new Promise((r2) => setTimeout(r2, 100));
  }
  ipIn(pair.nsA, ['bridge', 'fdb', 'add', '02:00:00:00:0c:03', 'dev', 'vpa', 'master', 'static']);
  const res = await cliIn(pair.nsA, [...SEND, '-i', 'br0', '--dmac', '02:00:00:00:0c:03', '--cycle-time', '0.001', '--num-frames', '20']);
  assert.equal(res.status, FAULT_STATUS, res.stderr);
  assert.match(res.stderr, /^Timed out waiting for TX timestamps, 20 timestamps unacknowledged$/m, 'C line kept');
  assert.match(res.stderr, /^Measurement faults: 20 packets with missing TX timestamps$/m);
  assert.equal(
    lastLine(res.stderr),
    'isochron send: 20 sent, 0 TX-timestamped, received unknown, 20 packets with missing TX timestamps, no file written; exit 3 (measurement faults)',
  );
});

test('send: 100 % loss (receiver listening on another interface) exits 195; the file is written and reads back', async (t) => {
  const pair = await vethPair(t);
  // The receiver answers on the stats address but captures on vyb, which
  // the sender's frames never reach.
  ipIn(pair.nsB, ['sh', '-c', 'ip link add vyb type veth peer name vyc && ip link set vyb up && ip link set vyc up']);
  await startReceiver(t, pair.nsB, ['-i', 'vyb', '--omit-hwts', '--quiet', '--stats-port', '5000']);
  const out = join(tmpDir(t), 'lost.dat');
  const res = await cliIn(pair.nsA, [...SEND, '-i', 'vxa', '--client', IP_B, '--cycle-time', '0.001', '--num-frames', '50', '--output-file', out]);
  assert.equal(res.status, ENODATA_STATUS, res.stderr);
  assert.match(res.stderr, /^None of the 50 frames sent reached the receiver/m);
  assert.equal(lastLine(res.stderr), `isochron send: 50 sent, 50 TX-timestamped, 0 received, 50 lost, file ${out}; exit 195 (no frame reached the receiver)`);
  assert.equal(readDatFile(out).send.length, 50);
  reportReads(out);
});

test('send: the receiver dies while it holds its log (GET LOG): the sender log is still saved, the status says why', async (t) => {
  const pair = await vethPair(t);
  // Another EtherType: the receiver logs nothing, so it holds GET LOG for its
  // 5 s data timeout, and is killed in that window.
  const rcv = await startReceiver(t, pair.nsB, ['-i', 'vxb', '--omit-hwts', '--quiet', '--stats-port', '5000', '--etype', '0x1234']);
  const out = join(tmpDir(t), 'collect.dat');
  const send = runIn(t, pair.nsA, [...SEND, '-i', 'vxa', '--client', IP_B, '--cycle-time', '0.001', '--num-frames', '50', '--output-file', out]);
  await send.waitFor(/Cycle time/, 20_000);
  // The run lasts 50 ms after its first wakeup (at most 0.5 s away); then GET LOG waits up to 5 s.
  await new Promise((r) => setTimeout(r, 2000));
  rcv.child.kill('SIGKILL');
  const { status } = await send.exited;
  const err = send.stderr();
  assert.notEqual(status, 0, err);
  assert.match(err, /^Failed to collect receiver stats: /m, "C's line first");
  assert.match(err, new RegExp(`^Sender log saved to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(receiver log left empty\\)$`, 'm'));
  assert.match(lastLine(err), new RegExp(`^isochron send: 50 sent, 50 TX-timestamped, received unknown, file .*collect\\.dat; exit ${status} \\(ISOCHRON_ERR_SEND_COLLECT\\)$`));
  assert.equal(readDatFile(out).send.length, 50);
  reportReads(out);
});

test('send: --output-file in a missing directory fails before the receiver is even contacted', async (t) => {
  const pair = await vethPair(t);
  const rcv = await startReceiver(t, pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-port', '5000']);
  const out = join(tmpDir(t), 'no-such-dir', 'x.dat');
  const res = await cliIn(pair.nsA, [...SEND, '-i', 'vxa', '--client', IP_B, '--cycle-time', '0.001', '--num-frames', '50', '--output-file', out]);
  assert.equal(res.status, ENOENT_STATUS, res.stderr);
  assert.match(res.stderr, /^Cannot write the output file .*no-such-dir\/x\.dat: directory .*no-such-dir: No such file or directory/m);
  assert.doesNotMatch(res.stderr, /Now:|First wakeup|isochron send:/, 'no schedule, no summary: nothing started');
  // Give a late connection time to show up, then check none came.
  await new Promise((r) => setTimeout(r, 300));
  assert.doesNotMatch(rcv.stdout(), /Accepted connection/, 'the receiver was never contacted, so no frame was sent');
  assert.equal(existsSync(out), false);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`send and rcv: ${signal} mid-send exits ${EINTR_STATUS}, the partial .dat reads back, a second signal skips the receiver's 5 s`, async (t) => {
    const pair = await vethPair(t);
    const rcv = await startReceiver(t, pair.nsB, ['-i', 'vxb', '--omit-hwts', '--quiet', '--stats-port', '5000']);
    const dir = tmpDir(t);

    // Once: the receiver's log is collected (it answers 5 s after the last frame); we say so.
    const out1 = join(dir, 'once.dat');
    const s1 = runIn(t, pair.nsA, [...SEND, '-i', 'vxa', '--client', IP_B, '--cycle-time', '0.01', '--num-frames', '3000', '--output-file', out1]);
    await s1.waitFor(/Cycle time:/, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    s1.child.kill(signal);
    await s1.waitFor(/^Interrupted: waiting for the receiver's log .* answers up to 5 s after the last frame it got/m, 5000);
    const e1 = await s1.exited;
    assert.equal(e1.status, EINTR_STATUS, s1.stderr());
    const m1 = SUMMARY.exec(lastLine(s1.stderr()));
    assert.ok(m1, `summary last: ${s1.stderr()}`);
    const sent1 = Number(m1[1]);
    assert.ok(sent1 > 0 && sent1 < 3000, `stopped mid-test after ${sent1}`);
    assert.equal(m1[3], String(sent1), 'every frame sent was received and collected');
    assert.equal(m1[7], `interrupted by ${signal}`);
    const dat1 = readDatFile(out1);
    assert.equal(dat1.send.filter((r) => r.seqid !== 0).length, sent1);
    assert.equal(dat1.rcv.filter((r) => r.seqid !== 0).length, sent1);
    reportReads(out1);

    // Twice: the second signal gives up on the receiver's log, at once.
    const out2 = join(dir, 'twice.dat');
    const s2 = runIn(t, pair.nsA, [...SEND, '-i', 'vxa', '--client', IP_B, '--cycle-time', '0.01', '--num-frames', '3000', '--output-file', out2]);
    await s2.waitFor(/Cycle time:/, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    s2.child.kill(signal);
    await s2.waitFor(/^Interrupted: waiting for the receiver's log/m, 5000);
    const second = Date.now();
    s2.child.kill(signal);
    const e2 = await s2.exited;
    assert.equal(e2.status, EINTR_STATUS, s2.stderr());
    assert.match(s2.stderr(), /^Receiver log not collected: the file keeps the sender log only$/m);
    // The receiver would have answered 5 s after the first signal; a generous bound below that.
    assert.ok(e2.at - second < 4500, `exited ${e2.at - second} ms after the second signal`);
    const m2 = SUMMARY.exec(lastLine(s2.stderr()));
    assert.ok(m2, s2.stderr());
    assert.equal(m2[3], 'received unknown');
    const dat2 = readDatFile(out2);
    assert.ok(dat2.send.filter((r) => r.seqid !== 0).length > 0);
    assert.equal(dat2.rcv.filter((r) => r.seqid !== 0).length, 0, 'receiver half left empty');
    reportReads(out2);

    // The receiver: the same status, and its own summary.
    rcv.child.kill(signal);
    const rcvStatus = await rcv.exited;
    assert.equal(rcvStatus, EINTR_STATUS, rcv.stderr());
    assert.match(lastLine(rcv.stderr()), new RegExp(`^isochron rcv: \\d+ received, no file written; exit 252 \\(interrupted by ${signal}\\)$`));
  });
}

test('send on an interface without carrier says what it waits for every few seconds, and SIGINT stops it', async (t) => {
  const pair = await vethPair(t);
  ipIn(pair.nsB, ['ip', 'link', 'set', 'vxb', 'down']); // vxa stays up, without carrier
  // The carrier change reaches vxa asynchronously (linkwatch).
  for (const deadline = Date.now() + 10_000; ; ) {
    const r = spawnSync('ip', ['-n', pair.nsA, 'link', 'show', 'vxa'], { encoding: 'utf8', timeout: 5000 });
    if (r.stdout.includes('NO-CARRIER')) break;
    assert.ok(Date.now() < deadline, `vxa still has carrier: ${r.stdout}`);
    await new Promise((r2) => setTimeout(r2, 50));
  }
  const s = runIn(t, pair.nsA, [...SEND, '-i', 'vxa', '--dmac', '02:00:00:00:0b:02', '--cycle-time', '0.001', '--num-frames', '10']);
  const notice = /^Still waiting before the test \(\d+ s so far\): no carrier on vxa \(link is up, no carrier: is the cable or the peer .* connected and up\?\)$/m;
  // Due after 5 s; a generous bound for a loaded machine.
  await s.waitFor(notice, 20_000);
  s.child.kill('SIGINT');
  const e = await s.exited;
  assert.equal(e.status, EINTR_STATUS, s.stderr());
  assert.match(s.stderr(), /^Failed to check sync status: Interrupted system call$/m, "C's line for a stopped sync wait");
  assert.equal(lastLine(s.stderr()), 'isochron send: 0 sent, 0 TX-timestamped, received unknown, no file written; exit 252 (interrupted by SIGINT)');
});

test('rcv on an interface without carrier says so every few seconds, and SIGINT stops it', async (t) => {
  const pair = await vethPair(t);
  ipIn(pair.nsA, ['ip', 'link', 'set', 'vxa', 'down']); // vxb stays up, without carrier
  for (const deadline = Date.now() + 10_000; ; ) {
    const r = spawnSync('ip', ['-n', pair.nsB, 'link', 'show', 'vxb'], { encoding: 'utf8', timeout: 5000 });
    if (r.stdout.includes('NO-CARRIER')) break;
    assert.ok(Date.now() < deadline, `vxb still has carrier: ${r.stdout}`);
    await new Promise((r2) => setTimeout(r2, 50));
  }
  const rcv = await startReceiver(t, pair.nsB, ['-i', 'vxb', '--omit-hwts', '--quiet', '--stats-port', '5000']);
  const notice = /^Still waiting for frames \(\d+ s so far\): no carrier on vxb \(link is up, no carrier: is the cable or the peer .* connected and up\?\)$/m;
  for (const deadline = Date.now() + 20_000; !notice.test(rcv.stderr()); ) {
    assert.ok(Date.now() < deadline && rcv.child.exitCode === null, `no notice: ${rcv.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  rcv.child.kill('SIGINT');
  assert.equal(await rcv.exited, EINTR_STATUS, rcv.stderr());
  assert.equal(lastLine(rcv.stderr()), 'isochron rcv: 0 received, no file written; exit 252 (interrupted by SIGINT)');
});

test('send without --client whose link goes down mid-test never exits 0: it repeats (as C) and waits saying why, or fails on the send', async (t) => {
  const pair = await vethPair(t);
  const s = runIn(t, pair.nsA, [...SEND, '-i', 'vxa', '--dmac', '02:00:00:00:0b:02', '--cycle-time', '0.01', '--num-frames', '3000']);
  await s.waitFor(/Cycle time:/, 20_000);
  await new Promise((r) => setTimeout(r, 1000));
  ipIn(pair.nsB, ['ip', 'link', 'set', 'vxb', 'down']);
  // Two honest endings race: the monitor sees the link down (sync lost,
  // repeat, wait) or the next sendmsg meets the deactivated queue first
  // (ENOBUFS: a send error). Before, the first one printed "repeating" and
  // exited 0 with nothing measured.
  const repeated = await Promise.race([
    s.waitFor(/^Sync lost during the test, repeating$/m, 15_000).then(() => true),
    s.exited.then(() => false),
  ]);
  if (repeated) {
    await s.waitFor(/^Still waiting before the test \(\d+ s so far\): no carrier on vxa/m, 20_000);
    s.child.kill('SIGINT');
    const e = await s.exited;
    assert.equal(e.status, EINTR_STATUS, s.stderr());
    assert.match(lastLine(s.stderr()), /^isochron send: 0 sent, 0 TX-timestamped, received unknown, no file written; exit 252 \(interrupted by SIGINT\)$/);
  } else {
    const e = await s.exited;
    assert.notEqual(e.status, 0, s.stderr());
    assert.match(s.stderr(), /^Failed to send data packet: No buffer space available/m);
    assert.match(lastLine(s.stderr()), new RegExp(`^isochron send: \\d+ sent, .*; exit ${e.status} \\(ISOCHRON_ERR_SEND_PACKET\\)$`));
  }
});
