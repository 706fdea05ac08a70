// `isochron send` end to end on the real kernel: two namespaces joined by a
// veth pair, our receiver (`isochron rcv`) on the other end, 1000 frames at
// 1 ms over L2 (VLAN tag + priority), UDP/IPv4 and UDP/IPv6. Checks that
// every frame arrived, that the software timestamps are in the order the
// kernel takes them, and that our report reads the file back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { decodeHeader } from '../../../src/engine/dat/layout.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { withNetns } from '../../helpers/netns.js';
import { PacketSocket } from '../../../src/sys/packet.js';
import { cliIn, IP6_B, IP_B, MAC_A, MAC_B, startReceiver, vethPair } from '../../helpers/send-support.js';

const BANNER = /^Using the kernel UTC-TAI offset which is -?\d+\n {9}Now: +\d+\.\d{9}\nFirst wakeup: +\d+\.\d{9}\n {3}Base time: +\d+\.\d{9}\n {2}Cycle time: +0\.001000000\nisochron send: (\d+) sent, \1 TX-timestamped, \1 received, 0 lost, file .+; exit 0\n$/;
const COMMON = ['--omit-sync', '--omit-remote-sync', '--omit-hwts', '--cycle-time', '0.001', '--num-frames', '1000'];
const FLAGS_OMIT_SYNC_DO_TS_OMIT_HWTS = 0x23;

function tmp(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-send-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function checkDat(file: string, frameSizeInHeader: number): void {
  const { header, send, rcv } = readDatFile(file);
  assert.equal(header.packetCount, 1000);
  assert.equal(header.frameSize, frameSizeInHeader);
  assert.equal(header.flags, FLAGS_OMIT_SYNC_DO_TS_OMIT_HWTS);
  assert.equal(header.cycleTime, 1_000_000n);
  assert.equal(header.advanceTime, 1_000_000n, 'default advance time = cycle - window');
  assert.equal(send.length, 1000);
  assert.equal(rcv.length, 1000, 'receiver log of 1000 records');
  const base = send[0].scheduled;
  for (let i = 0; i < 1000; i++) {
    const s = send[i];
    const r = rcv[i];
    assert.equal(s.seqid, i + 1);
    assert.equal(s.scheduled, base + BigInt(i) * 1_000_000n, `seqid ${i + 1} scheduled on the grid`);
    assert.equal(s.hwts, 0n);
    assert.ok(s.wakeup >= s.scheduled - 1_000_000n, `seqid ${i + 1}: woke before its wakeup time`);
    assert.ok(s.schedTs >= s.wakeup, `seqid ${i + 1}: sched_ts ${s.schedTs} < wakeup ${s.wakeup}`);
    assert.ok(s.swts >= s.schedTs, `seqid ${i + 1}: swts ${s.swts} < sched_ts ${s.schedTs}`);
    assert.equal(r.seqid, i + 1, `seqid ${i + 1} received`);
    assert.ok(r.swts >= s.schedTs, `seqid ${i + 1}: RX software timestamp before TX sched`);
    assert.ok(r.arrival >= r.swts, `seqid ${i + 1}: arrival before RX timestamp`);
  }
}

async function reportReadsBack(ns: string, file: string): Promise<void> {
  const summary = await cliIn(ns, ['report', '--input-file', file, '--summary']);
  assert.equal(summary.status, 0, summary.stderr);
  assert.match(summary.stdout, /Summary:/);
  const printf = await cliIn(ns, ['report', '--input-file', file, '--printf-format', '%u %T %T\\n', '--printf-args', 'qSw']);
  assert.equal(printf.status, 0, printf.stderr);
  const lines = printf.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1000);
  assert.match(lines[999], /^1000 \d+\.\d{9} \d+\.\d{9}$/);
}

test('send over L2 with VLAN tag and priority: every frame received, .dat read back by report', async (t) => {
  const pair = await vethPair(t);
  await startReceiver(t, pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-port', '5029', '--quiet']);
  const dir = tmp(t);
  const file = join(dir, 'l2.dat');
  // The tag is in the frame we hand the socket; a capture on our own side sees it in-line.
  const capture = withNetns(pair.nsA, () => PacketSocket.open({ ifname: 'vxa', ethertype: 0x0003, bufferSize: 2048 }));
  t.after(() => capture.close());
  const run = cliIn(pair.nsA, ['send', '-i', 'vxa', ...COMMON, '--client', IP_B, '--stats-port', '5029', '--vid', '100', '--priority', '3', '--frame-size', '100', '--output-file', file]);
  const frames: Buffer[] = [];
  let done = false;
  void run.finally(() => (done = true));
  while (!done || frames.length === 0) {
    const r = capture.recv(0);
    if (r) {
      if (r.data.subarray(0, 6).equals(Buffer.from(MAC_B.replaceAll(':', ''), 'hex')) && r.data.readUInt16BE(12) === 0x8100) frames.push(Buffer.from(r.data));
    } else {
      await new Promise((res) => setTimeout(res, 2));
    }
    if (done && capture.recv(0) === null) break;
  }
  const res = await run;
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout, `Destination MAC address is ${MAC_B}\nLink state of node remote is running\nLink state of node local is running\nCollecting receiver stats\n`);
  assert.match(res.stderr, BANNER);
  checkDat(file, 100);
  // The outgoing frames: dmac, smac, 802.1Q with PCP 3 / VID 100, EtherType 0xdead, header, pattern.
  assert.ok(frames.length >= 900, `captured ${frames.length} tagged frames`);
  const f = frames[0];
  assert.equal(f.length, 100);
  assert.equal(f.subarray(6, 12).toString('hex'), MAC_A.replaceAll(':', ''));
  assert.equal(f.readUInt16BE(14), (3 << 13) | 100);
  assert.equal(f.readUInt16BE(16), 0xdead);
  assert.equal(f.subarray(38, 42).toString('hex'), 'deadbeef');
  await reportReadsBack(pair.nsA, file);
});

for (const family of [4, 6] as const) {
  test(`send over UDP/IPv${family}: every frame received, L4 frame-size rule in the header`, async (t) => {
    const pair = await vethPair(t);
    await startReceiver(t, pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-port', '5029', '--l4', '--quiet']);
    const file = join(tmp(t), `l4v${family}.dat`);
    const dest = family === 4 ? IP_B : IP6_B;
    const res = await cliIn(pair.nsA, ['send', '-i', 'vxa', ...COMMON, '--client', IP_B, '--stats-port', '5029', '--l4', '--ip-destination', dest, '--frame-size', '128', '--output-file', file]);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, 'Link state of node remote is running\nLink state of node local is running\nCollecting receiver stats\n');
    assert.match(res.stderr, BANNER);
    checkDat(file, family === 4 ? 128 - 42 : 128 - 62);
    await reportReadsBack(pair.nsA, file);
  });
}

test('send without --client prints every log slot and exits 0; --quiet prints nothing', async (t) => {
  const pair = await vethPair(t);
  const args = ['send', '-i', 'vxa', '--omit-sync', '--omit-hwts', '--cycle-time', '0.001', '--num-frames', '20', '--frame-size', '64', '--dmac', MAC_B];
  const res = await cliIn(pair.nsA, args);
  assert.equal(res.status, 0, res.stderr);
  const lines = res.stdout.split('\n').filter(Boolean);
  assert.equal(lines[0], 'Link state of node local is running');
  assert.equal(lines.length, 21);
  lines.slice(1).forEach((l, i) => assert.match(l, new RegExp(`^\\[\\d+\\.\\d{9}\\] seqid ${i + 1} txtstamp 0\\.000000000 swts \\d+\\.\\d{9}$`)));
  const quiet = await cliIn(pair.nsA, [...args, '--quiet']);
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stdout, 'Link state of node local is running\n');
});

test('send --no-ts --num-frames 0 runs until SIGTERM, then stops cleanly, saves the log and exits 252', async (t) => {
  const pair = await vethPair(t);
  const rcv = await startReceiver(t, pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-port', '5029', '--quiet']);
  const file = join(tmp(t), 'endless.dat');
  const { spawnIn } = await import('../../helpers/netns.js');
  const { cliEntry } = await import('../../helpers/paths.js');
  const child = spawnIn(pair.nsA, process.execPath, [cliEntry, 'send', '-i', 'vxa', '--omit-sync', '--omit-hwts', '--no-ts', '--num-frames', '0', '--cycle-time', '0.001', '--frame-size', '64', '--client', IP_B, '--stats-port', '5029', '--output-file', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  t.after(() => child.kill('SIGKILL'));
  // Signalled once it sends: a signal before node installed its handlers
  // (a slow start on a busy machine) would just kill it.
  for (const deadline = Date.now() + 20_000; !/Cycle time:/.test(err); ) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `never started: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  // `ip netns exec` passes the signal on to node.
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const status = await closed;
  clearTimeout(timer);
  // An interrupted run has one status in every verb (docs/cli.md), an endless one too.
  assert.equal(status, 252, err);
  assert.match(err, /\nisochron send: \d+ sent, TX timestamps not taken, 0 received, \d+ lost, file .*endless\.dat; exit 252 \(interrupted by SIGTERM\)\n$/);
  assert.match(out, /Collecting receiver stats\n$/);
  // Empty logs (C writes the same): the reader refuses size 0, so look at the header.
  const bytes = readFileSync(file);
  const header = decodeHeader(bytes);
  assert.equal(bytes.length, 96);
  assert.equal(header.packetCount, 0);
  assert.equal(header.flags & 0x2, 0, 'DO_TS clear with --no-ts');
  assert.equal(header.sendLogSize, 0);
  assert.equal(rcv.child.exitCode, null, 'the receiver is still running');
});

test('a receiver killed mid-test: the sender names it, stops, and still saves its own log', async (t) => {
  const pair = await vethPair(t);
  const rcv = await startReceiver(t, pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-port', '5029', '--quiet']);
  const file = join(tmp(t), 'lost.dat');
  // Frames of the test (EtherType 0xdead) as they reach the receiver's port.
  const capture = withNetns(pair.nsB, () => PacketSocket.open({ ifname: 'vxb', ethertype: 0xdead, bufferSize: 2048 }));
  t.after(() => capture.close());
  const run = cliIn(pair.nsA, ['send', '-i', 'vxa', '--omit-sync', '--omit-hwts', '--cycle-time', '0.001', '--num-frames', '5000', '--frame-size', '64', '--client', IP_B, '--stats-port', '5029', '--output-file', file]);
  // Killed once the test is under way (however long a loaded machine takes to get there).
  const until = Date.now() + 20_000;
  while (!capture.recv(0) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 300));
  rcv.child.kill('SIGKILL');
  const res = await run;
  assert.equal(res.status, 152, `-ECONNRESET exit status; stderr: ${res.stderr}`);
  assert.match(res.stderr, new RegExp(`Lost the receiver ${IP_B.replaceAll('.', '\\.')} port 5029 during the test: GET PORT_LINK_STATE failed: `));
  assert.match(res.stderr, /Sender log saved to .*lost\.dat \(receiver log left empty\)/);
  const { header, send, rcv: rcvLog } = readDatFile(file);
  assert.equal(header.packetCount, 5000);
  assert.ok(send[0].seqid === 1 && send[0].swts > 0n, 'the sender log holds what was sent');
  assert.ok(send.some((s) => s.seqid === 0), 'stopped before the end');
  assert.ok(rcvLog.every((r) => r.seqid === 0));
});
