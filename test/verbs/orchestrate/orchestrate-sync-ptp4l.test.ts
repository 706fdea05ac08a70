// `isochron orchestrate` without --omit-sync, against real ptp4l
// (test/helpers/sync-ptp4l-helper.ts: two namespaces, free_running, the host clock
// never touched, ptp4l advertising the kernel's own UTC-TAI offset):
//
//   [A] master ptp4l + our `isochron rcv`    ===veth===    [B] slave ptp4l + our daemon + the orchestrator
//
// The C orchestrator's logic needs a ptp4l on every node whose sync it
// watches: the receiver's ptp4l is the grandmaster (MASTER, offset 0), the
// sender's follows it (SLAVE). veth has no PHC: both nodes answer
// SYSMON_OFFSET "Sync monitoring absent" and only ptp4l's offsets count.
// The slave is kept UNCALIBRATED until the orchestrator has seen it, so the
// wait is visible; then the test runs and every frame must be in the .dat.
// Then nodes whose ptp4l is not running: named, with the reason, bounded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { kernelTaiOffset } from '../../../src/sys/time.js';
import { liveNamespaces, spawnIn } from '../../helpers/netns.js';
import { cliEntry } from '../../helpers/paths.js';
import { sleep, startDaemonIn, stopPid } from '../../helpers/daemon-support.js';
import { startRcv, type RunningRcv } from '../../helpers/rcv-support.js';
import { startPtp4lPair, unlockSlave, type Ptp4lPair } from '../../helpers/sync-ptp4l-helper.js';

const DAEMON_PORT = 5481;
const RCV_PORT = 5482;
const FRAMES = 50;
let pair: Ptp4lPair;
let dir: string;
let daemonPid = 0;
let rcv: RunningRcv | null = null;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isochron-osync-'));
  // No unlockSlave yet: the sender's ptp4l stays UNCALIBRATED until the test says so.
  pair = await startPtp4lPair({ tag: 'os', utcOffset: kernelTaiOffset(), subnet: 64 });
  rcv = startRcv(pair.master.ns, ['-i', pair.master.ifname, '--omit-hwts', '--quiet', '--stats-port', String(RCV_PORT), '--unix-domain-socket', pair.master.uds]);
  daemonPid = await startDaemonIn(pair.slave.ns, ['-l', join(dir, 'd.log'), '--stats-port', String(DAEMON_PORT)], join(dir, 'd.pid'));
});
after(async () => {
  if (daemonPid) await stopPid(daemonPid);
  if (rcv && rcv.child.exitCode === null) {
    rcv.child.kill('SIGTERM');
    await rcv.exited;
  }
  await pair?.stop();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(liveNamespaces().filter((n) => n.startsWith('isoptp')).length, 0);
});

interface Orchestration {
  stdout(): string;
  stderr(): string;
  done: Promise<{ status: number | null; ms: number }>;
}

/** Runs `isochron orchestrate -F file` in the sender's namespace, output readable while it runs; killed after 45 s. */
function orchestrate(ini: string): Orchestration {
  const file = join(dir, `${Date.now()}.ini`);
  writeFileSync(file, ini);
  const t0 = Date.now();
  const child = spawnIn(pair.slave.ns, process.execPath, [cliEntry, 'orchestrate', '-F', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const kill = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const done = new Promise<{ status: number | null; ms: number }>((resolve) =>
    child.on('close', (status) => {
      clearTimeout(kill);
      resolve({ status, ms: Date.now() - t0 });
    }),
  );
  return { stdout: () => out, stderr: () => err, done };
}

function ini(o: { out: string; senderUds: string; threshold?: string }): string {
  return [
    '[sender]',
    `host = ${pair.slave.ip}`,
    `port = ${DAEMON_PORT}`,
    'exec = isochron send \\',
    `\t--client ${pair.master.ip} --stats-port ${RCV_PORT} \\`,
    `\t--interface ${pair.slave.ifname} --num-frames ${FRAMES} --cycle-time 0.01 --frame-size 128 \\`,
    `\t--sync-threshold ${o.threshold ?? '100000'} --omit-hwts --unix-domain-socket ${o.senderUds} \\`,
    `\t--output-file ${o.out}`,
    '',
  ].join('\n');
}

test('orchestrate without --omit-sync: waits until both nodes are in sync, then every frame is in the .dat', async () => {
  const out = join(dir, 'synced.dat');
  const run = orchestrate(ini({ out, senderUds: pair.slave.uds }));
  // The sender's port is reported in a state other than SLAVE first: the orchestrator must keep waiting.
  const deadline = Date.now() + 20_000;
  while (!/Node sender port changed state to /.test(run.stdout()) && Date.now() < deadline) await sleep(50);
  assert.match(run.stdout(), /Node sender port changed state to (?!SLAVE)\S+\n/, `${run.stdout()}\n${run.stderr()}`);
  assert.doesNotMatch(run.stdout(), /Node sender: base time/, 'no test before the sender is in sync');
  assert.ok(await unlockSlave(pair), pair.slave.log());
  const res = await run.done;
  const stdout = run.stdout();
  assert.equal(res.status, 0, `stdout:\n${stdout}\nstderr:\n${run.stderr()}\nrcv: ${rcv?.stderr()}`);

  const beforeStart = stdout.slice(0, stdout.indexOf('Node sender: base time'));
  assert.match(beforeStart, /Link state of node sender's receiver is running\n/);
  assert.match(beforeStart, /Node sender's receiver port changed state to MASTER\n/);
  const gmRcv = /Node sender's receiver changed GM to (\S+)\n/.exec(beforeStart)?.[1];
  const gmSnd = [...beforeStart.matchAll(/Node sender changed GM to (\S+)\n/g)].at(-1)?.[1];
  assert.ok(gmRcv && gmSnd, beforeStart);
  assert.equal(gmSnd, gmRcv, 'both follow the receiver side\'s grandmaster');
  const states = [...beforeStart.matchAll(/Node sender port changed state to (\S+)\n/g)].map((m) => m[1]);
  assert.equal(states.at(-1), 'SLAVE', beforeStart);
  // C needs 3 good checks in a row after the last change.
  const afterSlave = beforeStart.slice(beforeStart.lastIndexOf('Node sender port changed state to SLAVE'));
  const lines = afterSlave.split('\n').filter((l) => l.startsWith('isochron['));
  assert.ok(lines.length >= 3, afterSlave);
  for (const l of lines) {
    const m = /^isochron\[\d+\.\d{9}\]: sender ptpmon +(-?\d+) sysmon +n\/a receiver ptpmon +(-?\d+) sysmon +n\/a$/.exec(l);
    assert.ok(m, l);
    assert.ok(Math.abs(Number(m[1])) <= 100_000, `sender offset within the threshold: ${l}`);
    assert.equal(m[2], '0', 'the grandmaster has no offset');
  }

  const { header, send, rcv: received } = readDatFile(out);
  assert.equal(header.packetCount, FRAMES);
  assert.equal(header.flags & 0x01, 0, 'sync not omitted: OMIT_SYNC clear');
  assert.equal(send.length, FRAMES);
  assert.equal(received.length, FRAMES);
  for (let i = 0; i < FRAMES; i++) assert.equal(received[i].seqid, i + 1, `seqid ${i + 1} received`);
});

test('the sender\'s ptp4l is not running: the node is named with the reason, non-zero exit within seconds', async () => {
  const out = join(dir, 'noptp4l-sender.dat');
  const missing = `/run/isochron-test-none-${process.pid}`;
  const run = orchestrate(ini({ out, senderUds: missing }));
  const res = await run.done;
  assert.notEqual(res.status, 0);
  assert.ok(res.ms < 20_000, `${res.ms} ms`);
  assert.match(run.stderr(), new RegExp(`failed to enable ptpmon for node sender: `), run.stderr());
  assert.match(run.stderr(), new RegExp(`Timed out waiting for ptp4l at ${missing}: ptp4l is not running at ${missing}`), run.stderr());
  assert.equal(existsSync(out), false);
});

test('the receiver\'s ptp4l is not running: "Lost node sender\'s receiver" with the reason, non-zero exit', async () => {
  // A second receiver pointed at a ptp4l socket nobody serves.
  const missing = `/run/isochron-test-none-${process.pid}-r`;
  const other = startRcv(pair.master.ns, ['-i', pair.master.ifname, '--omit-hwts', '--quiet', '--stats-port', String(RCV_PORT + 1), '--unix-domain-socket', missing]);
  try {
    const out = join(dir, 'noptp4l-rcv.dat');
    const text = ini({ out, senderUds: pair.slave.uds }).replace(`--stats-port ${RCV_PORT}`, `--stats-port ${RCV_PORT + 1}`);
    let res: { status: number | null; ms: number } | null = null;
    let run: Orchestration | null = null;
    // The receiver may take a moment to listen: retry only a refused connection.
    for (let i = 0; i < 20; i++) {
      run = orchestrate(text);
      res = await run.done;
      if (!/Connection refused|ECONNREFUSED/.test(run.stderr())) break;
      await sleep(100);
    }
    assert.ok(run && res);
    assert.notEqual(res.status, 0);
    assert.ok(res.ms < 20_000, `${res.ms} ms`);
    assert.match(run.stderr(), /ptpmon offset missing from mgmt reply: .*Failed to read ptpmon offset/, run.stderr());
    assert.match(run.stderr(), new RegExp(`Lost node sender's receiver while checking its sync: .*ptp4l is not running at ${missing}`), run.stderr());
    assert.equal(existsSync(out), false);
  } finally {
    other.child.kill('SIGTERM');
    await other.exited;
  }
});
