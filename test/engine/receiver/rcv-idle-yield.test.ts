// The receiver serves one client at a time (as C), but an idle client no
// longer blocks its stats port: a real `isochron rcv` in a namespace, with
// the idle limit shortened through ISOCHRON_RCV_IDLE_YIELD_MS (docs/sender-receiver.md, the stats server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { encodeGet, encodeSet, Mid } from '../../../src/engine/mgmt/index.js';
import { uniqueNsName } from '../../helpers/netns.js';
import { RawPeer, sleep } from '../../helpers/daemon-support.js';
import { startReceiver } from '../../helpers/send-support.js';

test('an idle client gives its turn to a waiting one after the idle limit, unless it set up a test', async (t) => {
  const ns = uniqueNsName('ryld');
  const del = (): void => void spawnSync('ip', ['netns', 'del', ns], { timeout: 5000 });
  spawnSync('ip', ['netns', 'add', ns], { timeout: 5000 });
  t.after(del);
  process.once('exit', del);
  spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'], { timeout: 5000 });
  process.env.ISOCHRON_RCV_IDLE_YIELD_MS = '1000';
  let rcv;
  try {
    rcv = await startReceiver(t, ns, ['-i', 'lo', '--omit-hwts', '--stats-port', '5610', '--quiet']);
  } finally {
    delete process.env.ISOCHRON_RCV_IDLE_YIELD_MS;
  }
  const peers: RawPeer[] = [];
  t.after(() => peers.forEach((p) => p.close()));
  const open = async (): Promise<RawPeer> => {
    const p = await RawPeer.connectIn(ns, '127.0.0.1', 5610);
    peers.push(p);
    return p;
  };
  // An idle client that never sends anything.
  const idle = await open();
  await sleep(200);
  const waiting = await open();
  const t0 = Date.now();
  const r = await waiting.ask(encodeGet(Mid.PORT_LINK_STATE), 8000);
  assert.equal(r.tlvs[0].mid, Mid.PORT_LINK_STATE);
  process.stdout.write(`# waiting client served after ${Date.now() - t0} ms (idle limit 1000 ms)\n`);
  assert.ok(idle.closed, 'the idle client was closed');
  assert.match(rcv.stderr(), /Closing the idle client (::ffff:)?127\.0\.0\.1 port \d+ \(no traffic for \d+ ms, no test set up\): another client is waiting/);
  // A client with a test set up (PACKET_COUNT) keeps its turn however idle.
  await waiting.ask(encodeSet(Mid.PACKET_COUNT, 10n));
  const later = await open();
  later.send(encodeGet(Mid.PORT_LINK_STATE));
  await sleep(2500);
  assert.equal(later.messages.length, 0, 'not served while the test holder stays');
  assert.ok(!waiting.closed);
  waiting.close();
  assert.ok(await later.waitMessages(1, 5000), 'served once the holder left');
});
