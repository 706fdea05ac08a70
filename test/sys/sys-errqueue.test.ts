// Error-queue reads into one reused result object (recvErrQueueInto with
// resetControlInfo, and the numeric recvErrQueueStamps), against the real
// kernel: frames sent on a veth in a namespace this test creates, their
// software TX timestamps read back into the same object each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCM_TSTAMP_SCHED, SCM_TSTAMP_SND } from '../../src/sys/constants.js';
import { emptyControlInfo, emptyControlStamps, type ControlInfo } from '../../src/sys/cmsg.js';
import { PacketSocket } from '../../src/sys/packet.js';
import { resetControlInfo } from '../../src/sys/socket.js';
import { clockGettime } from '../../src/sys/time.js';
import { timestampingFlags } from '../../src/sys/tstamp.js';
import { withNetns } from '../helpers/netns.js';
import { MAC_A, MAC_B, vethPair } from '../helpers/send-support.js';

const ETYPE = 0xdead;
const CLOCK_REALTIME = 0;

function frame(seq: number): Buffer {
  const f = Buffer.alloc(60);
  Buffer.from(MAC_B.replaceAll(':', ''), 'hex').copy(f, 0);
  Buffer.from(MAC_A.replaceAll(':', ''), 'hex').copy(f, 6);
  f.writeUInt16BE(ETYPE, 12);
  f.writeUInt32BE(seq, 14);
  return f;
}

/** A ControlInfo with every field away from its empty value. */
function poisoned(): ControlInfo {
  const c = emptyControlInfo();
  c.swTs = 1n;
  c.hwTs = 2n;
  c.tsKey = 3;
  c.tsType = 4;
  c.txtimeDropped = 5n;
  c.txtimeCode = 6;
  c.txtime = 7n;
  c.otherError = { errno: 1, origin: 2, type: 3, code: 4, info: 5, data: 6 };
  c.unknown.push({ level: 1, type: 2 }, { level: 3, type: 4 });
  return c;
}

test('resetControlInfo restores the empty values and keeps the unknown array', () => {
  const c = poisoned();
  const unknown = c.unknown;
  resetControlInfo(c);
  assert.deepEqual(c, emptyControlInfo());
  assert.equal(c.unknown, unknown, 'the same array, emptied');
});

test('TX timestamps read into one ControlInfo, then into one ControlStamps: keys, types and times each time', async (t) => {
  const pair = await vethPair(t, { a: 'eqa', b: 'eqb' });
  const tx = withNetns(pair.nsA, () => PacketSocket.open({ ifname: 'eqa', ethertype: ETYPE, mac: MAC_B, receive: false }));
  t.after(() => tx.close());
  tx.setTimestamping(timestampingFlags({ hardware: false }));

  const info = poisoned();
  const unknown = info.unknown;
  let key = -1;
  let lastSw = 0n;
  for (let seq = 0; seq < 6; seq++) {
    const before = clockGettime(CLOCK_REALTIME);
    tx.send(frame(seq));
    const types = new Set<number>();
    for (let i = 0; i < 2; i++) {
      assert.ok(tx.recvErrQueueInto(1000, info) >= 0, `entry ${i} of frame ${seq}`);
      if (key < 0) key = info.tsKey; // OPT_ID counts from the first stamped packet
      assert.equal(info.tsKey, key + seq, 'OPT_ID key of this frame');
      types.add(info.tsType);
      assert.ok(info.swTs >= before && info.swTs >= lastSw, `software stamp ${info.swTs} after the send began and the previous stamp`);
      lastSw = info.swTs;
      // Everything the entry does not carry is back at its empty value.
      assert.equal(info.hwTs, 0n);
      assert.equal(info.txtimeDropped, 0n);
      assert.equal(info.txtimeCode, 0);
      assert.equal(info.txtime, 0n);
      assert.equal(info.otherError, null);
      assert.equal(info.unknown, unknown);
      assert.equal(info.unknown.length, 0);
    }
    assert.deepEqual([...types].sort(), [SCM_TSTAMP_SND, SCM_TSTAMP_SCHED]);
  }
  const last = { ...info };
  assert.equal(tx.recvErrQueueInto(0, info), -1, 'queue empty');
  assert.deepEqual({ ...info }, last, 'a timeout leaves the object as it was');

  const stamps = emptyControlStamps();
  const sw = stamps.sw;
  for (let seq = 6; seq < 12; seq++) {
    const before = clockGettime(CLOCK_REALTIME);
    tx.send(frame(seq));
    const types = new Set<number>();
    for (let i = 0; i < 2; i++) {
      assert.ok(tx.recvErrQueueStamps(1000, stamps) >= 0, `entry ${i} of frame ${seq}`);
      assert.equal(stamps.sw, sw, 'the same pair object');
      assert.equal(stamps.tsKey, key + seq);
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
