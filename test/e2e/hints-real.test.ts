// The hints of test/core/hints.test.ts, reproduced by real calls where this
// machine allows: a veth pair in two namespaces this file creates, with a
// blackhole and an unreachable route added to the first, all deleted at the
// end (also when a test fails: the pair's destroy() in after(), and the
// namespace helper's exit hook). Each case checks the C tool's line(s), the
// exit status, the hint line (which names the real cause, not a wrong one)
// and that nothing else follows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair, execIn, type ExecResult, type VethPair } from '../helpers/netns.js';
import { cliEntry } from '../helpers/paths.js';

let pair: VethPair;
const dir = mkdtempSync(join(tmpdir(), 'isochron-hints-'));
const BLACKHOLE = '10.231.0.1';
const UNREACHABLE = '10.232.0.1';
const DMAC = '02:00:00:00:0b:02';
const startedPids: number[] = [];

before(async () => {
  pair = await createVethPair({
    prefix: 'isohint',
    a: { ifname: 'vha', mac: '02:00:00:00:0a:01', ipv4: '10.230.0.1/24' },
    b: { ifname: 'vhb', mac: DMAC, ipv4: '10.230.0.2/24' },
    timeoutMs: 10_000,
  });
  for (const [kind, net] of [['blackhole', '10.231.0.0/16'], ['unreachable', '10.232.0.0/16']]) {
    const r = spawnSync('ip', ['-n', pair.nsA, 'route', 'add', kind, net], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
});

after(() => {
  for (const pid of startedPids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  pair?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function isochron(args: string[], timeoutMs = 30_000): Promise<ExecResult> {
  return execIn(pair.nsA, process.execPath, [cliEntry, ...args], { timeoutMs });
}

/** The hint lines of a stderr (ours: `hint: ... (ISOCHRON_ERR_...)`). */
function hints(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('hint: '));
}

function oneHint(stderr: string, code: string): string {
  const h = hints(stderr);
  assert.equal(h.length, 1, `one hint line in:\n${stderr}`);
  assert.ok(h[0].endsWith(` (${code})`), h[0]);
  return h[0];
}

function orchestrationFile(name: string, host: string, port?: number): string {
  const file = join(dir, `${name}.ini`);
  const portLine = port === undefined ? '' : `port = ${port}\n`;
  writeFileSync(file, `[n1]\nhost = ${host}\n${portLine}exec = isochron send -i vha -s 64 -c 0.001 -n 10 --omit-sync --omit-hwts --dmac ${DMAC}\n`);
  return file;
}

const SEND = ['send', '-i', 'vha', '--omit-sync', '-n', '1', '-c', '0.001', '-s', '64', '--dmac', DMAC];

test('daemon -S with an address not on this host: EADDRNOTAVAIL, named as such (no "another daemon"); its new pid file is removed', async () => {
  const pidFile = join(dir, 'notavail.pid');
  const res = await isochron(['daemon', '-S', '10.9.9.9', '-P', '5301', '-p', pidFile]);
  assert.equal(res.status, 256 - 99);
  assert.match(res.stderr, /^Failed to listen for management connections on 10\.9\.9\.9 port 5301: Cannot assign requested address/);
  const h = oneHint(res.stderr, 'ISOCHRON_ERR_DAEMON_LISTEN');
  assert.match(h, /10\.9\.9\.9 is not an address of this host/);
  assert.doesNotMatch(res.stderr, /another/);
  assert.equal(existsSync(pidFile), false, 'the pid file it created is gone');
});

test('a failed daemon start leaves a pid file it did not create in place', async () => {
  const pidFile = join(dir, 'existing.pid');
  writeFileSync(pidFile, 'old');
  const res = await isochron(['daemon', '-S', '10.9.9.9', '-P', '5302', '-p', pidFile]);
  assert.equal(res.status, 256 - 99);
  assert.equal(existsSync(pidFile), true);
});

test('daemon -S addr%device with a missing device: ENODEV names the device (no "another daemon")', async () => {
  const res = await isochron(['daemon', '-S', '10.230.0.1%nodev0', '-P', '5303']);
  assert.equal(res.status, 256 - 19);
  assert.match(res.stderr, /SO_BINDTODEVICE, nodev0\) failed: No such device\n/);
  assert.match(oneHint(res.stderr, 'ISOCHRON_ERR_DAEMON_LISTEN'), /interface nodev0 does not exist here: check the name with "ip link"/);
  assert.doesNotMatch(res.stderr, /another/);
});

test('daemon on a port another daemon listens on: EADDRINUSE gets the "another program" hint', async () => {
  const pidFile = join(dir, 'first.pid');
  const first = await isochron(['daemon', '-S', '10.230.0.1', '-P', '5304', '-p', pidFile]);
  assert.equal(first.status, 0, first.stderr);
  startedPids.push(Number(readFileSync(pidFile, 'utf8')));
  const second = await isochron(['daemon', '-S', '10.230.0.1', '-P', '5304']);
  assert.equal(second.status, 256 - 98);
  assert.match(oneHint(second.stderr, 'ISOCHRON_ERR_DAEMON_LISTEN'), /another program .* listens on this port: choose another with --stats-port/);
});

test('rcv on a port in use: EADDRINUSE hint', async () => {
  const res = await isochron(['rcv', '-i', 'vha', '--omit-hwts', '-S', '10.230.0.1', '-P', '5304'], 15_000);
  assert.equal(res.status, 256 - 98);
  assert.match(oneHint(res.stderr, 'ISOCHRON_ERR_RCV_STATS_LISTEN'), /another program/);
});

test('send without --omit-hwts on veth: the C lines, then a hint naming --omit-hwts', async () => {
  const res = await isochron(SEND);
  assert.equal(res.status, 161);
  assert.equal(
    res.stderr,
    'Using the kernel UTC-TAI offset which is 0\n' +
      'Driver not capable of SOF_TIMESTAMPING_TX_HARDWARE, continuing anyway\n' +
      'Driver not capable of SOF_TIMESTAMPING_RX_HARDWARE, continuing anyway\n' +
      'ioctl SIOCSHWTSTAMP failed: Operation not supported\n' +
      'hint: interface vha has no hardware timestamping: add --omit-hwts to use software timestamps (ISOCHRON_ERR_SEND_NO_HWTS)\n',
  );
});

test('send --client over a blackhole route: EINVAL names the route, not a missing receiver', async () => {
  const res = await isochron([...SEND, '--omit-hwts', '--client', BLACKHOLE, '-F', join(dir, 'bh.dat')]);
  assert.equal(res.status, 256 - 22);
  assert.match(res.stderr, /Failed to connect to TCP port 5000: Invalid argument\n/);
  const h = oneHint(res.stderr, 'ISOCHRON_ERR_SEND_CONNECT');
  assert.match(h, /refuses traffic .*"ip route get 10\.231\.0\.1"/);
  assert.doesNotMatch(h, /running/);
});

test('send --client to a port nobody listens on: ECONNREFUSED asks whether isochron rcv runs there', async () => {
  const res = await isochron([...SEND, '--omit-hwts', '--client', '10.230.0.2', '--stats-port', '5399', '-F', join(dir, 'ref.dat')]);
  assert.equal(res.status, 256 - 111);
  assert.match(res.stderr, /Failed to connect to TCP port 5399: Connection refused\n/);
  assert.match(oneHint(res.stderr, 'ISOCHRON_ERR_SEND_CONNECT'), /is "isochron rcv" running on that host with --stats-port 5399\?/);
});

for (const [what, host, port, status, text, hint] of [
  ['refused', '10.230.0.2', 5398, 145, 'Connection refused', /nothing listens there: is "isochron daemon"/],
  ['unreachable', UNREACHABLE, undefined, 143, 'No route to host', /no route to the host/],
  ['blackhole', BLACKHOLE, undefined, 234, 'Invalid argument', /refuses traffic/],
] as const) {
  test(`orchestrate to a node whose connect is ${what}: the C tool's lines and status ${status}, then the hint`, async () => {
    const res = await isochron(['orchestrate', '-F', orchestrationFile(what, host, port)]);
    assert.equal(res.status, status);
    const p = port ?? 5000;
    assert.ok(res.stderr.includes(`Failed to connect to TCP port ${p}: ${text}\nFailed to connect to node n1: ${text}\n`), res.stderr);
    assert.doesNotMatch(res.stderr, /ECONN|EHOST|connect E/);
    assert.match(oneHint(res.stderr, 'ISOCHRON_ERR_ORCH_CONNECT'), hint);
  });
}

test('orchestrate with a missing file: C line, then the hint', async () => {
  const res = await isochron(['orchestrate', '-F', join(dir, 'none.ini')]);
  assert.equal(res.status, 234);
  assert.match(res.stderr, /^open: No such file or directory\nhint: .*none\.ini does not exist/);
});

test('--cpu-mask naming a CPU this host lacks is refused before the run, without a real-time hint', async () => {
  const res = await isochron([...SEND, '--omit-hwts', '--cpu-mask', '0x8000000000000000']);
  assert.equal(res.status, 234);
  assert.match(res.stderr, /^Invalid value for --cpu-mask: "0x8000000000000000"\nhint: this host has \d+ CPU\(s\).* names CPU 63/);
  assert.doesNotMatch(res.stderr, /real-time|CAP_SYS_NICE/);
});

test('--sched-fifo without --sched-priority: the hint says to add --sched-priority, once, and no capability hint', async () => {
  const res = await isochron([...SEND, '--omit-hwts', '--sched-fifo']);
  assert.equal(res.status, 234);
  assert.match(oneHint(res.stderr, 'ISOCHRON_ERR_SEND_THREAD_SETUP'), /add --sched-priority 1\.\.99/);
  assert.doesNotMatch(res.stderr, /CAP_SYS_NICE/);
});

test('send with an unknown interface: ENODEV names the interface', async () => {
  const res = await isochron([...SEND.map((a) => (a === 'vha' ? 'nosuch0' : a)), '--omit-hwts']);
  assert.equal(res.status, 256 - 19);
  assert.match(res.stderr, /Failed to query port nosuch0 admin state: No such device\n/);
  assert.match(oneHint(res.stderr, 'ISOCHRON_ERR_SEND_INTERFACE_QUERY'), /interface nosuch0 does not exist here: check the name with "ip link"/);
});

test('--txtime, then --taprio, on a veth (noqueue, no etf or taprio): said once, and the run goes on', async () => {
  for (const opt of ['--txtime', '--taprio']) {
    const res = await isochron([...SEND, '--omit-hwts', opt]);
    assert.equal(res.status, 0, res.stderr);
    const note = opt === '--txtime' ? 'it has no etf or taprio qdisc (qdiscs: noqueue)' : 'it has no taprio qdisc (qdiscs: noqueue)';
    assert.equal(res.stderr.split(`Note: ${opt} has no effect on vha: ${note}`).length - 1, 1, res.stderr);
  }
});
