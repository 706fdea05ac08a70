// Error-queue reads into one reused result object (recvErrQueueStamps, the
// TX timestamp loop's read), against the real kernel: frames sent on a veth
// in a namespace this test creates, their software TX timestamps read back
// into the same object each time.
import { rawFrame } from '../helpers/frames.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCM_TSTAMP_SCHED, SCM_TSTAMP_SND } from '../../src/sys/constants.js';
import { emptyControlStamps } from '../../src/sys/cmsg.js';
import { PacketSocket } from '../../src/sys/packet.js';
import { clockGettime } from '../../src/sys/time.js';
import { timestampingFlags } from '../../src/sys/tstamp.js';
import { withNetns } from '../helpers/netns.js';
import { MAC_A, MAC_B, vethPair } from '../helpers/send-support.js';

const ETYPE = 0xdead;
const CLOCK_REALTIME = 0;

const frame = (seq: number): Buffer => rawFrame(MAC_B, MAC_A, ETYPE, seq);

test('TX timestamps read into one ControlStamps: keys, types and times each time', async (t) => {
  const pair = await vethPair(t, { a: 'eqa', b: 'eqb' });
  const tx = withNetns(pair.nsA, () => PacketSocket.open({ ifname: 'eqa', ethertype: ETYPE, mac: MAC_B, receive: false }));
  t.after(() => tx.close());
  tx.setTimestamping(timestampingFlags({ hardware: false }));

  let key = -1;
  let lastSw = 0n;
  const stamps = emptyControlStamps();
  const sw = stamps.sw;
  for (let seq = 0; seq < 6; seq++) {
    const before = clockGettime(CLOCK_REALTIME);
    tx.send(frame(seq));
    const types = new Set<number>();
    for (let i = 0; i < 2; i++) {
      assert.ok(tx.recvErrQueueStamps(1000, stamps) >= 0, `entry ${i} of frame ${seq}`);
      assert.equal(stamps.sw, sw, 'the same pair object');
      if (key < 0) key = stamps.tsKey; // OPT_ID counts from the first stamped packet
      assert.equal(stamps.tsKey, key + seq, 'OPT_ID key of this frame');
      types.add(stamps.tsType);
      const swNs = BigInt(stamps.sw.sec) * 1_000_000_000n + BigInt(stamps.sw.nsec);
      assert.ok(swNs >= before && swNs >= lastSw, `software stamp ${swNs}`);
      lastSw = swNs;
      assert.deepEqual(stamps.hw, { sec: 0, nsec: 0 });
      assert.deepEqual([stamps.txtimeDroppedHi, stamps.txtimeDroppedLo, stamps.txtimeCode, stamps.otherError, stamps.unknown], [0, 0, 0, false, 0]);
    }
    assert.deepEqual([...types].sort(), [SCM_TSTAMP_SND, SCM_TSTAMP_SCHED]);
  }
  assert.equal(tx.recvErrQueueStamps(0, stamps), -1);
});
