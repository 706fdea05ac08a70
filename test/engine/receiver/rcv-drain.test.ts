// The receive loop publishes records without waking anyone (ring.publish());
// the DataPlane's pump must still hand them to the sink on its own, with no
// drain() from a management request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordRing } from '../../../workers/ring.js';
import { DataPlane } from '../../../src/engine/receiver/worker-pool.js';
import { RX_RECORD_WORDS, RxRecord, RxRecordStatus } from '../../../workers/contract.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('records published without a notify reach the sink through the pump alone', async () => {
  const seen: number[] = [];
  const sink = (ring: RecordRing): void => {
    const n = ring.readable();
    for (let i = 0; i < n; i++) seen.push(Number(ring.data[ring.peek(i) + RxRecord.Seqid]));
    ring.release(n);
  };
  const plane = new DataPlane(
    { ifname: 'lo', l2: false, l4: false, dmac: '00:00:00:00:00:00', etype: 0xdead, dataPort: 6000, omitHwts: true, thread: { policy: null, priority: 0, cpus: null }, pollMs: 20 },
    sink,
  );
  try {
    assert.equal(plane.ring.slots, RX_RECORD_WORDS);
    for (let round = 0; round < 3; round++) {
      for (let i = 1; i <= 4; i++) {
        const at = plane.ring.reserve();
        plane.ring.data[at + RxRecord.Status] = RxRecordStatus.Packet;
        plane.ring.data[at + RxRecord.Seqid] = BigInt(round * 10 + i);
        plane.ring.publish();
      }
      // Bounded wait for the pump (no drain() here): it polls the ring on a short timer.
      for (let waited = 0; plane.pending > 0 && waited < 2000; waited += 5) await sleep(5);
      assert.equal(plane.pending, 0, `round ${round}: the pump drained the ring`);
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24]);
  } finally {
    await plane.close();
  }
});
