// `isochron daemon` as users run it: it returns once listening, writes its
// pid, logs to --log-file, refuses a taken port with the reason, stops
// cleanly on SIGTERM; and where it listens: `addr%dev` bound to one veth
// end only, the default `::` reachable over IPv4 and IPv6. Everything runs
// in namespaces created and deleted here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGet, Mid } from '../../../src/engine/mgmt/index.js';
import { createVethPair, execIn, type VethPair } from '../../helpers/netns.js';
import { cliEntry } from '../../helpers/paths.js';
import { alive, RawPeer, startDaemonIn, stopPid } from '../../helpers/daemon-support.js';

async function pair(): Promise<VethPair> {
  return createVethPair({
    a: { ifname: 'dva', ipv4: '10.231.0.1/24', ipv6: 'fd00:231::1/64' },
    b: { ifname: 'dvb', ipv4: '10.231.0.2/24', ipv6: 'fd00:231::2/64' },
  });
}

async function answers(p: RawPeer): Promise<boolean> {
  try {
    const r = await p.ask(encodeGet(Mid.CURRENT_CLOCK_TAI), 2000);
    return r.tlvs[0].mid === Mid.CURRENT_CLOCK_TAI;
  } finally {
    p.close();
  }
}

async function refused(ns: string, address: string, port: number, family: 4 | 6 = 4): Promise<boolean> {
  try {
    (await RawPeer.connectIn(ns, address, port, family)).close();
    return false;
  } catch {
    return true;
  }
}

test('daemonize: returns once listening, pid file, log file, taken port, SIGTERM', async () => {
  const veth = await pair();
  const dir = mkdtempSync(join(tmpdir(), 'isodaemon-'));
  let pid = -1;
  try {
    const pidFile = join(dir, 'd.pid');
    const logFile = join(dir, 'd.log');
    pid = await startDaemonIn(veth.nsA, ['-P', '5301', '-l', logFile], pidFile);
    assert.ok(alive(pid), 'the pid in the pid file is a live process');
    assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /daemon[/]child\.js/);
    // Listening already when the command returned: no retry needed.
    assert.ok(await answers(await RawPeer.connectIn(veth.nsA, '127.0.0.1', 5301)));
    // Its own session (setsid): not in the test runner's process group.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    assert.equal(Number(stat[3]), pid, 'session leader');
    // Same port again: fails at once with the reason and errno 98's status.
    const res = await execIn(veth.nsA, process.execPath, [cliEntry, 'daemon', '-P', '5301', '-l', join(dir, 'd2.log')]);
    assert.equal(res.status, 256 - 98);
    assert.match(res.stderr, /Failed to listen for management connections on \[::\] port 5301: Address already in use/);
    // Unwritable pid file: fails before starting anything.
    const bad = await execIn(veth.nsA, process.execPath, [cliEntry, 'daemon', '-P', '5302', '-p', join(dir, 'no', 'such', 'x.pid')]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /Cannot open pid file .*no\/such\/x\.pid/);
    assert.ok(await stopPid(pid), 'SIGTERM ends the daemon');
    const log = readFileSync(logFile, 'utf8');
    assert.match(log, /^Accepted connection from ::ffff:127\.0\.0\.1$/m);
    assert.match(log, /Received SIGTERM, shutting down/);
    assert.ok(!existsSync(pidFile), 'its own pid file is removed');
    assert.ok(await refused(veth.nsA, '127.0.0.1', 5301), 'the port is closed');
  } finally {
    if (pid > 0) await stopPid(pid);
    veth.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('addr%dev: reachable through that device only; default :: reachable over IPv4 and IPv6', async () => {
  const veth = await pair();
  const dir = mkdtempSync(join(tmpdir(), 'isodaemon-'));
  const pids: number[] = [];
  try {
    pids.push(await startDaemonIn(veth.nsB, ['-P', '5311', '-S', '10.231.0.2%dvb'], join(dir, 'a.pid')));
    assert.ok(await answers(await RawPeer.connectIn(veth.nsA, '10.231.0.2', 5311)), 'through dvb from the peer');
    // Any address, but only through dvb: loopback in the same namespace is refused.
    pids.push(await startDaemonIn(veth.nsB, ['-P', '5313', '-S', '0.0.0.0%dvb'], join(dir, 'c.pid')));
    assert.ok(await answers(await RawPeer.connectIn(veth.nsA, '10.231.0.2', 5313)), 'through dvb');
    assert.ok(await refused(veth.nsB, '127.0.0.1', 5313), 'not through lo');
    pids.push(await startDaemonIn(veth.nsB, ['-P', '5312'], join(dir, 'b.pid')));
    assert.ok(await answers(await RawPeer.connectIn(veth.nsA, '10.231.0.2', 5312)), 'IPv4');
    assert.ok(await answers(await RawPeer.connectIn(veth.nsA, 'fd00:231::2', 5312, 6)), 'IPv6');
    assert.ok(await answers(await RawPeer.connectIn(veth.nsB, '127.0.0.1', 5312)), 'loopback');
  } finally {
    for (const pid of pids) await stopPid(pid);
    veth.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
