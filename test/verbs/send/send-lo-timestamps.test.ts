// TX timestamps on `lo`: every frame the sender puts on loopback comes back
// to it as received traffic. A sender socket that accepted those frames
// would fill its receive buffer (shared with the error queue) after a few
// hundred and lose every later TX timestamp. The sender's L2 socket is
// send-only; its UDP socket receives nothing either. Runs in a fresh
// namespace so the host's loopback traffic plays no part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVethPair, withNetns, type VethPair } from '../../helpers/netns.js';
import { PacketSocket } from '../../../src/sys/packet.js';
import { POLLIN } from '../../../src/sys/constants.js';
import { pollFd } from '../../../src/sys/poll.js';
import { cliIn } from '../../helpers/send-support.js';

const FRAMES = 2000;
const ETYPE = 0x88f7;

async function namespace(t: import('node:test').TestContext): Promise<VethPair> {
  // Only its first namespace's lo is used; the veth pair is incidental.
  const pair = await createVethPair({ a: { ifname: 'lta' }, b: { ifname: 'ltb' }, prefix: 'slo' });
  t.after(() => pair.destroy());
  return pair;
}

/** Every printed log line has a software TX timestamp; nothing reported missing. */
function everyTimestamp(res: { status: number | null; stdout: string; stderr: string }): void {
  assert.equal(res.status, 0, res.stderr);
  assert.doesNotMatch(res.stderr, /Timed out waiting for TX timestamps|missing timestamps/);
  const lines = res.stdout.split('\n').filter((l) => l.includes(' seqid '));
  assert.equal(lines.length, FRAMES);
  lines.forEach((l, i) => {
    const m = /^\[\d+\.\d{9}\] seqid (\d+) txtstamp \d+\.\d{9} swts (\d+)\.(\d{9})$/.exec(l);
    assert.ok(m, `unexpected log line ${JSON.stringify(l)}`);
    assert.equal(Number(m[1]), i + 1);
    assert.notEqual(`${m[2]}${m[3]}`.replace(/^0+/, ''), '', `seqid ${i + 1} has no software timestamp`);
  });
}

const COMMON = ['send', '-i', 'lo', '-c', '0.0005', '-n', String(FRAMES), '-s', '100', '--omit-sync', '--omit-hwts'];

test(`send on lo over L2: all ${FRAMES} TX timestamps`, async (t) => {
  const { nsA } = await namespace(t);
  everyTimestamp(await cliIn(nsA, [...COMMON, '-d', '02:00:00:00:00:01', '-e', String(ETYPE)]));
});

test(`send on lo over UDP (nobody listening): all ${FRAMES} TX timestamps`, async (t) => {
  const { nsA } = await namespace(t);
  everyTimestamp(await cliIn(nsA, [...COMMON, '-4', '-J', '127.0.0.1', '-W', '5011']));
});

test('a send-only packet socket queues nothing, not even its own looped-back frames', async (t) => {
  const { nsA } = await namespace(t);
  const [sendOnly, bound, watcher] = withNetns(nsA, () => [
    PacketSocket.open({ ifname: 'lo', ethertype: ETYPE, receive: false }),
    PacketSocket.open({ ifname: 'lo', ethertype: ETYPE }),
    PacketSocket.open({ ifname: 'lo', ethertype: ETYPE }),
  ]);
  t.after(() => [sendOnly, bound, watcher].forEach((s) => s.close()));
  const frame = Buffer.alloc(60);
  Buffer.from('02000000000102000000000288f7', 'hex').copy(frame);
  for (let i = 0; i < 3; i++) sendOnly.send(frame);
  // The frames did go out (a socket bound to the EtherType sees them) ...
  for (let i = 0; i < 3; i++) assert.ok(watcher.recv(1000), `frame ${i + 1} looped back`);
  // ... and a socket bound to the EtherType also gets its own frames back,
  bound.send(frame);
  assert.ok(pollFd(bound.fd, POLLIN, 1000) & POLLIN, 'a receiving socket sees its own frame on lo');
  // while the send-only socket has nothing queued.
  assert.equal(pollFd(sendOnly.fd, POLLIN, 200) & POLLIN, 0);
});
