// `isochron rcv` as a process in a namespace: start-up errors with C's
// wording and exit statuses, the stats server bound to a device with
// `--stats-address ADDR%dev`, SIGINT/SIGTERM clean stops printing what is
// left in the log (or not, with --quiet).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVethPair, execIn, liveNamespaces, withNetns, type VethPair } from '../../helpers/netns.js';
import { cliEntry } from '../../helpers/paths.js';
import { connectTcp } from '../../../src/sys/tcp.js';
import { encodeGet, encodeSet, Mid } from '../../../src/engine/mgmt/index.js';
import { connectFrom, mac, openFrameSender, sleep, startRcv, type RunningRcv } from '../../helpers/rcv-support.js';

const MAC_A = '02:00:00:00:0a:01';
const MAC_B = '02:00:00:00:0b:02';
let pair: VethPair;
before(async () => {
  pair = await createVethPair({
    a: { ifname: 'vxa', mac: MAC_A, ipv4: '10.199.0.1/24' },
    b: { ifname: 'vxb', mac: MAC_B, ipv4: '10.199.0.2/24' },
  });
});
after(() => {
  pair?.destroy();
  assert.deepEqual(liveNamespaces(), []);
});

function rcvOnce(args: string[]) {
  return execIn(pair.nsB, process.execPath, [cliEntry, 'rcv', ...args], { timeoutMs: 20_000 });
}

async function stop(rcv: RunningRcv, sig: NodeJS.Signals = 'SIGTERM') {
  rcv.child.kill(sig);
  return rcv.exited;
}

test('start-up errors: C wording and exit status', async () => {
  const noHwts = await rcvOnce(['-i', 'vxb', '--stats-port', '5200']);
  assert.equal(noHwts.status, 244, noHwts.stderr);
  assert.match(noHwts.stderr, /Driver not capable of SOF_TIMESTAMPING_TX_HARDWARE, continuing anyway\n/);
  assert.match(noHwts.stderr, /interface vxb does not have a PHC\nUnable to measure PHC offset of vxb to CLOCK_REALTIME, use --omit-hwts to override\n$/);

  const missing = await rcvOnce(['-i', 'nosuch0', '--omit-hwts']);
  assert.equal(missing.status, 237, missing.stderr);
  assert.match(missing.stderr, /interface nosuch0 not found/);

  // A new veth pair starts administratively down.
  assert.equal((await execIn(pair.nsB, 'ip', ['link', 'add', 'dn0', 'type', 'veth', 'peer', 'name', 'dn1'])).status, 0);
  const down = await rcvOnce(['-i', 'dn0', '--omit-hwts']);
  assert.equal(down.status, 156);
  assert.match(down.stderr, /Interface dn0 is administratively down\n$/);

  const port = await rcvOnce(['-i', 'vxb', '--omit-hwts', '--stats-port', '70000']);
  assert.equal(port.status, 234);
  // Refused while reading the options (our stricter value check), before any start-up step.
  assert.match(port.stderr, /^Invalid value for --stats-port: "70000"\nhint: expected a TCP port, 1\.\.65535/);
});

test('a busy stats port is reported with what to do', async () => {
  const first = startRcv(pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-port', '5201', '--quiet']);
  try {
    await connectFrom(pair.nsA, '10.199.0.2', 5201).then((c) => c.close());
    const second = await rcvOnce(['-i', 'vxb', '--omit-hwts', '--stats-port', '5201']);
    assert.equal(second.status, 158, second.stderr);
    assert.match(second.stderr, /Failed to listen for the stats connection on TCP port 5201: .*Address already in use/);
  } finally {
    await stop(first);
  }
});

test('--stats-address ADDR%dev: reachable through the device only', async () => {
  const rcv = startRcv(pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-address', '0.0.0.0%vxb', '--stats-port', '5202']);
  try {
    const c = await connectFrom(pair.nsA, '10.199.0.2', 5202);
    c.close();
    // From inside the receiver's namespace, over loopback: not through vxb, refused.
    await assert.rejects(
      withNetns(pair.nsB, () => connectTcp({ family: 4, address: '127.0.0.1', port: 5202, timeoutMs: 2000 })),
      (e: { errno?: number }) => e.errno === -111,
    );
  } finally {
    assert.deepEqual(await stop(rcv), { status: 252, signal: null });
  }
});

test('SIGINT stops cleanly and prints what was never collected; --quiet prints nothing', async () => {
  for (const quiet of [false, true]) {
    const port = quiet ? 5204 : 5203;
    const rcv = startRcv(pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-port', String(port), ...(quiet ? ['--quiet'] : [])]);
    const tx = openFrameSender({ ns: pair.nsA, ifname: 'vxa', frameSize: 64, transport: { kind: 'l2', dmac: mac(MAC_B), smac: mac(MAC_A), etype: 0xdead, vlan: null } });
    try {
      const c = await connectFrom(pair.nsA, '10.199.0.2', port);
      await c.request(encodeGet(Mid.PORT_LINK_STATE));
      await c.request(encodeSet(Mid.PACKET_COUNT, 5n));
      await tx.send(1, 3);
      await tx.send(9, 9);
      await sleep(200);
      // C exits 0; every verb of ours gives an interrupted run 252 (docs/cli.md), with the summary last.
      assert.deepEqual(await stop(rcv, 'SIGINT'), { status: 252, signal: null });
      assert.match(rcv.stderr(), /\nisochron rcv: 3 received, no file written; exit 252 \(interrupted by SIGINT\)\n$/);
      const expected = quiet ? '' : 'seqid 1\nseqid 2\nseqid 3\n';
      assert.equal(rcv.stdout(), `Accepted connection from ::ffff:10.199.0.1\n${quiet ? '' : 'Discarding seqid 9\n'}${expected}`);
    } finally {
      tx.close();
      if (rcv.child.exitCode === null) await stop(rcv);
    }
  }
});
