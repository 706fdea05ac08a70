// interfaceFlags against the real kernel: a veth pair in fresh namespaces,
// taken through down / up without carrier / up and running; and the
// callers' own errors for an interface that cannot be asked about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { interfaceFlags, type InterfaceFlags } from '../../src/sys/iface.js';
import { linkFlags } from '../../src/engine/sender/link-state.js';
import { createVethPair, withNetns } from '../helpers/netns.js';

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
}

/** IFF_RUNNING follows the kernel's link watch, which may lag the command by up to a second. */
async function flagsBecome(ns: string, ifname: string, want: InterfaceFlags): Promise<InterfaceFlags> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const got = withNetns(ns, () => interfaceFlags(ifname));
    if ((got.up === want.up && got.running === want.running) || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('interfaceFlags: a veth end down, up without carrier, up and running', async () => {
  const veth = await createVethPair({ a: { ifname: 'ifa0' }, b: { ifname: 'ifb0' }, prefix: 'isoif' });
  try {
    assert.deepEqual(await flagsBecome(veth.nsA, 'ifa0', { up: true, running: true }), { up: true, running: true });
    // The peer goes down: ours stays admin up but loses its carrier.
    ip('-n', veth.nsB, 'link', 'set', 'ifb0', 'down');
    assert.deepEqual(await flagsBecome(veth.nsA, 'ifa0', { up: true, running: false }), { up: true, running: false });
    ip('-n', veth.nsA, 'link', 'set', 'ifa0', 'down');
    assert.deepEqual(await flagsBecome(veth.nsA, 'ifa0', { up: false, running: false }), { up: false, running: false });
    // Admin up again while the peer is still down: up, not running.
    ip('-n', veth.nsA, 'link', 'set', 'ifa0', 'up');
    assert.deepEqual(await flagsBecome(veth.nsA, 'ifa0', { up: true, running: false }), { up: true, running: false });
    ip('-n', veth.nsB, 'link', 'set', 'ifb0', 'up');
    assert.deepEqual(await flagsBecome(veth.nsA, 'ifa0', { up: true, running: true }), { up: true, running: true });
    // The ioctl answers from the caller's namespace: the name is unknown outside it.
    assert.throws(() => interfaceFlags('ifa0'), { code: 'ISOCHRON_ERR_NO_SUCH_INTERFACE' });
    // The sender's wrapper reads the same flags.
    assert.deepEqual(
      withNetns(veth.nsA, () => linkFlags('ifa0')),
      { up: true, running: true },
    );
  } finally {
    veth.destroy();
  }
});

test('interfaceFlags: loopback, a missing interface, a name too long', () => {
  assert.deepEqual(interfaceFlags('lo'), { up: true, running: true });
  assert.throws(() => interfaceFlags('nosuchif0'), (e: Error & { code?: string; errno?: number; exitStatus?: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_NO_SUCH_INTERFACE');
    assert.equal(e.exitStatus, 237);
    assert.match(e.message, /interface nosuchif0 not found/);
    return true;
  });
  assert.throws(() => interfaceFlags('a-name-longer-than-15'), { code: 'ISOCHRON_ERR_IFNAME_TOO_LONG' });
  // A failing ioctl other than ENODEV is reported as the system error it is.
  assert.throws(() => interfaceFlags('lo', () => 1), /SIOCGIFFLAGS, lo/);
});
