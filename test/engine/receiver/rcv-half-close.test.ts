// A client that sends its requests and then half-closes (shutdown(SHUT_WR),
// as a script does before reading the answers) gets every reply before the
// receiver closes: SET L2/L4_ENABLED restarts the receive loop, which takes
// longer than the peer's FIN, and the receiver used to close on that FIN and
// drop the replies still being made (about one connection in four). A real
// `isochron rcv` in a namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Action, encodeGet, encodeSet, Mid } from '../../../src/engine/mgmt/index.js';
import { uniqueNsName } from '../../helpers/netns.js';
import { RawPeer, sleep } from '../../helpers/daemon-support.js';
import { startReceiver } from '../../helpers/send-support.js';

test('a half-closed client gets the replies to everything it sent (SET L2/L4_ENABLED restart the loop)', async (t) => {
  const ns = uniqueNsName('rhc');
  const del = (): void => void spawnSync('ip', ['netns', 'del', ns], { timeout: 5000 });
  spawnSync('ip', ['netns', 'add', ns], { timeout: 5000 });
  t.after(del);
  process.once('exit', del);
  spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'], { timeout: 5000 });
  const rcv = await startReceiver(t, ns, ['-i', 'lo', '--omit-hwts', '--stats-port', '5611', '--quiet']);
  const lost: string[] = [];
  for (let i = 0; i < 24; i++) {
    const mid = i % 2 === 0 ? Mid.L2_ENABLED : Mid.L4_ENABLED;
    const peer = await RawPeer.connectIn(ns, '127.0.0.1', 5611);
    try {
      peer.send(encodeSet(mid, i % 3 !== 0));
      await sleep(20);
      peer.send(encodeGet(mid, Action.GET_ERROR));
      await sleep(20);
      peer.socket.end();
      if (!(await peer.waitMessages(2, 5000))) lost.push(`connection ${i}: ${peer.messages.length} of 2 replies`);
    } finally {
      peer.close();
    }
  }
  assert.deepEqual(lost, [], rcv.stderr());
});
