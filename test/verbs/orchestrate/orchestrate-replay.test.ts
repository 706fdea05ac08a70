// Replay of every recorded C orchestration (vectors/mgmt/*/orchestration.ini
// with daemon.conn1.* and rcv.conn1.*): our orchestrator (the real CLI) runs
// the recorded file against two fake peers on loopback that answer each
// request with the recorded C daemon's / C receiver's reply (s2c) while our
// requests follow the recording, and like a healthy peer afterwards (the
// recorded runs never ended by themselves, or failed).
//
// Checked: our request sequence to the daemon and to the receiver equals the
// C orchestrator's (action, MID, payload) up to where the recording stops
// (a run killed by `timeout` ends with C's signal-time SET TEST_STATE=0,
// which ours also sends at its end); stdout matches C line for line (round
// trip times aside); for a run that ended by itself, stderr and the exit
// status too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Action, actionName, decodeMessage, encodeResponse, Mid, midName, type ManagementMessage } from '../../../src/engine/mgmt/index.js';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { planFromText } from '../../../src/verbs/orchestrate/run.js';
import { vectorsDir } from '../../helpers/paths.js';
import { runCli } from '../../helpers/cli.js';
import { FakePeer, genericAnswer, splitSummary, tmpDir, type Answer } from '../../helpers/orchestrate-support.js';

const mgmtDir = join(vectorsDir, 'mgmt');
const cases = readdirSync(mgmtDir)
  .map((d) => join(mgmtDir, d))
  .filter((d) => ['orchestration.ini', 'daemon.conn1.c2s.hex', 'daemon.conn1.s2c.hex', 'rcv.conn1.c2s.hex', 'rcv.conn1.s2c.hex', 'rc.txt'].every((f) => existsSync(join(d, f))));

const hexLines = (file: string): Buffer[] =>
  readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).map((l) => Buffer.from(l, 'hex'));

function tryDecode(b: Buffer): ManagementMessage | null {
  try {
    return decodeMessage(b);
  } catch {
    return null; // the recording was cut in the middle of this reply
  }
}

/** What a request is, values aside where the machine decides them. */
function shape(m: ManagementMessage): string {
  const tlv = m.tlvs[0];
  // The kernel's UTC offset is the machine's; STATS_PORT is the port the test moved the receiver to.
  const value = tlv.mid === Mid.UTC_OFFSET || tlv.mid === Mid.STATS_PORT ? `${tlv.payload.length} bytes` : tlv.payload.toString('hex');
  return `${actionName(m.action)} ${midName(tlv.mid)} ${value}`;
}

function replaying(dir: string, who: 'daemon' | 'rcv', fallback: Answer): { answer: Answer; recorded: ManagementMessage[] } {
  const recorded = hexLines(join(dir, `${who}.conn1.c2s.hex`)).map((b) => decodeMessage(b));
  const replies = hexLines(join(dir, `${who}.conn1.s2c.hex`));
  let following = true;
  const answer: Answer = (msg, i, peer) => {
    following &&= i < recorded.length && shape(recorded[i]) === shape(msg);
    const reply = following ? replies[i] : undefined;
    const decoded = reply ? tryDecode(reply) : null;
    // A C peer echoes a SET: echo what we got (the test moved the stats port).
    if (decoded && msg.action === Action.SET && decoded.tlvs[0].payload.length > 0) return encodeResponse(msg.tlvs[0].mid, msg.tlvs[0].payload);
    if (decoded) return reply!;
    following = false;
    return fallback(msg, i, peer);
  };
  return { answer, recorded };
}

const normalise = (s: string): string =>
  s.replace(/(over \d+ measurements is )\d+( ns)/g, '$1N$2').replace(/(UTC-TAI offset which is )-?\d+/g, '$1N');

for (const dir of cases) {
  const name = dir.split('/').pop()!;
  test(`replay ${name}: same requests, output and status as the C orchestrator`, async (t) => {
    const rc = Number(/orchestrate_rc:\s*(\d+)/.exec(readFileSync(join(dir, 'rc.txt'), 'utf8'))![1]);
    const killed = rc === 124;
    const daemon = replaying(dir, 'daemon', genericAnswer({ role: 'sender' }));
    const rcv = replaying(dir, 'rcv', genericAnswer({ role: 'receiver' }));
    const fakeDaemon = await FakePeer.start(t, daemon.answer);
    const fakeRcv = await FakePeer.start(t, rcv.answer);
    const text = readFileSync(join(dir, 'orchestration.ini'), 'utf8')
      .replace(/^(\s*host\s*=\s*).*$/gm, '$1127.0.0.1')
      .replace(/^(\s*port\s*=\s*).*$/gm, `$1${fakeDaemon.port}`)
      .replace(/(--client\s+)\S+/, '$1127.0.0.1')
      .replace(/(--stats-port\s+)\d+/, `$1${fakeRcv.port}`);
    const cwd = tmpDir(t);
    const ini = join(cwd, 'orchestration.ini');
    writeFileSync(ini, text);
    const cli = await runCli(['orchestrate', '-F', ini], { cwd, timeoutMs: 60_000 });
    const res = { status: cli.status, stdout: cli.stdout.toString(), stderr: cli.stderr.toString() };

    // Requests: the recording, except C's signal-time stop at the end of a killed run.
    const recordedDaemon = killed ? daemon.recorded.slice(0, -1) : daemon.recorded;
    assert.deepEqual(fakeDaemon.requests.slice(0, recordedDaemon.length).map(shape), recordedDaemon.map(shape));
    assert.deepEqual(fakeRcv.requests.slice(0, rcv.recorded.length).map(shape), rcv.recorded.map(shape));
    const cStdout = normalise(readFileSync(join(dir, 'orch.stdout.txt'), 'utf8'));
    if (killed) {
      // Ours goes on: the test ends (TEST_STATE idle), both logs are collected, the sender stopped.
      const tail = fakeDaemon.requests.slice(recordedDaemon.length).map(shape);
      assert.deepEqual(tail, ['GET TEST_STATE ', 'GET LOG ', 'SET TEST_STATE 00000000']);
      assert.deepEqual(fakeRcv.requests.slice(rcv.recorded.length).map(shape), ['GET LOG ']);
      assert.equal(res.status, 0, res.stderr);
      assert.ok(normalise(res.stdout).startsWith(cStdout), `${res.stdout}\n--- C:\n${cStdout}`);
      const [plan] = planFromText(text, ini, { io: { out: () => undefined, err: () => undefined }, kernelUtcTaiOffset: () => 0 });
      const { header, send, rcv: rlog } = readDatFile(join(cwd, plan.send.outputFile));
      assert.equal(header.packetCount, Number(plan.send.numFrames));
      assert.equal(header.frameSize, Number(plan.send.frameSize));
      assert.equal(header.cycleTime, plan.send.cycleTime);
      assert.equal(send.length, Number(plan.send.numFrames));
      assert.equal(rlog.length, Number(plan.send.numFrames));
    } else {
      assert.equal(fakeDaemon.requests.length, daemon.recorded.length, 'nothing after the C sequence');
      assert.equal(fakeRcv.requests.length, rcv.recorded.length);
      assert.equal(normalise(res.stdout), cStdout);
      // C's lines unchanged and first; then our end-of-run line per pair.
      const { c, summary } = splitSummary(res.stderr);
      assert.equal(normalise(c), normalise(readFileSync(join(dir, 'orch.stderr.txt'), 'utf8')));
      assert.equal(summary.length, 1, res.stderr);
      assert.match(summary[0], new RegExp(`; exit ${res.status}( \\(.*\\))?$`));
      assert.equal(res.status, rc);
    }
    assert.ok(fakeDaemon.requests.every((m) => m.action !== Action.RESPONSE));
  });
}
