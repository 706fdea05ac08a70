// `isochron orchestrate` end to end with real processes: our daemon (sender)
// in namespace A, our `isochron rcv` in namespace B, the orchestrator in a
// third namespace reaching both over separate links. Checks the .dat files
// (every frame received, header from the exec line) and reads them back with
// our report; then two pairs in one file, and a pair whose daemon is killed
// mid-test while the other pair's file is still written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { cliIn, MAC_B, MGMT, spawnOrchestrate, splitSummary, startDaemon, startRcv, tmpDir, topology } from '../../helpers/orchestrate-support.js';

const FLAGS_OMIT_SYNC_DO_TS_OMIT_HWTS = 0x23;

function iniFile(dir: string, body: string): string {
  const file = join(dir, 'orchestration.ini');
  writeFileSync(file, body);
  return file;
}

function sendExec(o: { client: string; statsPort: number; iface: string; frames: number; out: string; extra?: string }): string {
  return [
    'isochron send \\',
    `\t--client ${o.client} \\`,
    `\t--stats-port ${o.statsPort} \\`,
    `\t--interface ${o.iface} \\`,
    `\t--num-frames ${o.frames} \\`,
    '\t--cycle-time 0.001 \\',
    '\t--frame-size 128 \\',
    '\t--omit-sync --omit-hwts \\',
    `\t--output-file ${o.out}${o.extra ? ` ${o.extra}` : ''}`,
  ].join('\n');
}

function checkDat(file: string, frames: number): void {
  const { header, send, rcv } = readDatFile(file);
  assert.equal(header.packetCount, frames);
  assert.equal(header.frameSize, 128);
  assert.equal(header.flags, FLAGS_OMIT_SYNC_DO_TS_OMIT_HWTS);
  assert.equal(header.cycleTime, 1_000_000n);
  assert.equal(header.baseTime, 0n, 'base time as given on the exec line');
  assert.equal(send.length, frames);
  assert.equal(rcv.length, frames);
  for (let i = 0; i < frames; i++) {
    assert.equal(send[i].seqid, i + 1, `sender seqid ${i + 1}`);
    assert.ok(send[i].swts > 0n, `seqid ${i + 1} TX software timestamp`);
    assert.equal(rcv[i].seqid, i + 1, `seqid ${i + 1} received`);
    assert.ok(rcv[i].swts > 0n && rcv[i].arrival >= rcv[i].swts, `seqid ${i + 1} RX timestamps`);
  }
}

async function reportReadsBack(ns: string, file: string, frames: number): Promise<void> {
  const res = await cliIn(ns, ['report', '--input-file', file, '--printf-format', '%u\\n', '--printf-args', 'q']);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout.trimEnd().split('\n').length, frames);
}

const STDOUT = (node: string): RegExp =>
  new RegExp(
    `^Connected to node ${node}'s receiver\\n` +
      `Connected to node ${node}\\n` +
      `Destination MAC address of ${node}'s receiver is ${MAC_B}\\n` +
      `Max TCP round trip time to node ${node} over 31 measurements is \\d+ ns\\n` +
      `Link state of node ${node}'s receiver is running\\n` +
      `Link state of node ${node} is running\\n` +
      `Node ${node}: base time 0\\.000000000 \\(operational 0\\.000000000\\), cycle time 0\\.001000000\\n` +
      `Collecting stats from ${node}\\n` +
      `Collecting stats from ${node}'s receiver\\n$`,
  );

for (const variant of [
  { name: 'IPv6', host: MGMT.daemon6, client: MGMT.rcv6 },
  { name: 'addr%dev', host: `${MGMT.daemon4}%mo1`, client: `${MGMT.rcv4}%mo2` },
]) {
  test(`orchestrate over ${variant.name}: daemon + rcv on other hosts, every frame in the .dat`, async (t) => {
    const topo = await topology(t);
    const dir = tmpDir(t);
    await startDaemon(t, topo.nsA, dir, 5040);
    await startRcv(t, topo.nsB, 'vxb', 5029);
    const out = join(dir, 'node.dat');
    const file = iniFile(dir, `# ${variant.name}\n[sender_a]\nhost = ${variant.host}\nport = 5040\nexec = ${sendExec({ client: variant.client, statsPort: 5029, iface: 'vxa', frames: 500, out })}\n`);
    const res = await cliIn(topo.nsO, ['orchestrate', '-F', file]);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, STDOUT('sender_a'));
    assert.match(res.stderr, new RegExp(`^Using the kernel UTC-TAI offset which is -?\\d+\\nisochron orchestrate: node sender_a: \\d+ sent, \\d+ TX-timestamped, \\d+ received, \\d+ lost, file ${out}; exit 0\\n$`));
    checkDat(out, 500);
    await reportReadsBack(topo.nsO, out, 500);
  });
}

test('orchestrate two senders to two receivers in one file: two .dat files', async (t) => {
  const topo = await topology(t);
  const dir = tmpDir(t);
  await startDaemon(t, topo.nsA, dir, 5040, 'd1');
  await startDaemon(t, topo.nsA, dir, 5041, 'd2');
  await startRcv(t, topo.nsB, 'vxb', 5029);
  await startRcv(t, topo.nsB, 'vxb', 5030, ['--etype', '0xbeef']);
  const out1 = join(dir, 'one.dat');
  const out2 = join(dir, 'two.dat');
  const file = iniFile(
    dir,
    `[one]\nhost = ${MGMT.daemon4}\nport = 5040\nexec = ${sendExec({ client: MGMT.rcv4, statsPort: 5029, iface: 'vxa', frames: 300, out: out1 })}\n\n` +
      `[two]\nhost = ${MGMT.daemon4}\nport = 5041\nexec = ${sendExec({ client: MGMT.rcv4, statsPort: 5030, iface: 'vxa', frames: 200, out: out2, extra: '--etype 0xbeef' })}\n`,
  );
  const res = await cliIn(topo.nsO, ['orchestrate', '-F', file]);
  assert.equal(res.status, 0, res.stderr);
  // C's order: receivers in file order, then senders in reverse file order.
  const connected = res.stdout.split('\n').filter((l) => l.startsWith('Connected'));
  assert.deepEqual(connected, ["Connected to node one's receiver", "Connected to node two's receiver", 'Connected to node two', 'Connected to node one']);
  checkDat(out1, 300);
  checkDat(out2, 200);
});

test('a daemon killed mid-test is reported by name; the other pair still gets its .dat', async (t) => {
  const topo = await topology(t);
  const dir = tmpDir(t);
  const doomedPid = await startDaemon(t, topo.nsA, dir, 5040, 'doomed');
  await startDaemon(t, topo.nsA, dir, 5041, 'survivor');
  await startRcv(t, topo.nsB, 'vxb', 5029);
  await startRcv(t, topo.nsB, 'vxb', 5030, ['--etype', '0xbeef']);
  const outDoomed = join(dir, 'doomed.dat');
  const outSurvivor = join(dir, 'survivor.dat');
  const file = iniFile(
    dir,
    `[doomed]\nhost = ${MGMT.daemon4}\nport = 5040\nexec = ${sendExec({ client: MGMT.rcv4, statsPort: 5029, iface: 'vxa', frames: 20000, out: outDoomed })}\n` +
      `[survivor]\nhost = ${MGMT.daemon4}\nport = 5041\nexec = ${sendExec({ client: MGMT.rcv4, statsPort: 5030, iface: 'vxa', frames: 300, out: outSurvivor, extra: '--etype 0xbeef' })}\n`,
  );
  const orch = spawnOrchestrate(t, topo.nsO, file);
  // Kill it once its test runs (a fixed delay found it still starting on a loaded machine).
  await orch.waitForStdout(/^Node doomed: base time/m);
  await new Promise((r) => setTimeout(r, 500));
  process.kill(doomedPid, 'SIGKILL');
  const res = { status: await orch.exited, stdout: orch.stdout(), stderr: orch.stderr() };
  assert.notEqual(res.status, 0, 'a failed node makes the run fail');
  assert.match(res.stderr, /node doomed\b.*management connection lost/, res.stderr);
  const { c, summary } = splitSummary(res.stderr);
  assert.doesNotMatch(c, /survivor/);
  assert.match(summary[0], /^isochron orchestrate: node doomed: .*; exit [1-9]\d* \(ISOCHRON_ERR_ORCH_NODE_LOST\)$/);
  assert.equal(summary[1], `isochron orchestrate: node survivor: 300 sent, 300 TX-timestamped, 300 received, 0 lost, file ${outSurvivor}; exit 0`);
  assert.equal(existsSync(outDoomed), false);
  checkDat(outSurvivor, 300);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`orchestrate: ${signal} mid-test stops the sender, saves the partial .dat and exits 252`, async (t) => {
    const topo = await topology(t);
    const dir = tmpDir(t);
    await startDaemon(t, topo.nsA, dir, 5040);
    await startRcv(t, topo.nsB, 'vxb', 5029);
    const out = join(dir, 'cut.dat');
    const file = iniFile(dir, `[sender_a]\nhost = ${MGMT.daemon4}\nport = 5040\nexec = ${sendExec({ client: MGMT.rcv4, statsPort: 5029, iface: 'vxa', frames: 20000, out })}\n`);
    const orch = spawnOrchestrate(t, topo.nsO, file);
    await orch.waitForStdout(/^Node sender_a: base time/m, 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    orch.child.kill(signal);
    const status = await orch.exited;
    const stderr = orch.stderr();
    assert.equal(status, 252, stderr);
    assert.match(stderr, /^Interrupted: collecting the receivers' logs/m);
    const { summary } = splitSummary(stderr);
    const m = new RegExp(`^isochron orchestrate: node sender_a: (\\d+) sent, (\\d+) TX-timestamped, (\\d+) received, \\d+ lost, file ${out}; exit 252 \\(interrupted by ${signal}\\)$`).exec(summary[0] ?? '');
    assert.ok(m, stderr);
    const sent = Number(m[1]);
    assert.ok(sent > 0 && sent < 20000, `cut mid-test after ${sent} frames`);
    const { send, rcv } = readDatFile(out);
    assert.equal(send.filter((r) => r.seqid !== 0).length, sent);
    assert.ok(rcv.filter((r) => r.seqid !== 0).length >= sent - 5, 'the receiver half is there');
    const rep = await cliIn(topo.nsO, ['report', '--summary', '--input-file', out]);
    assert.equal(rep.status, 0, rep.stderr);
  });
}
