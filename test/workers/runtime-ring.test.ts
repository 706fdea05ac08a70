import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { RecordRing } from '../../workers/ring.js';
import { LoopControl, LoopState } from '../../workers/control.js';

test('records cross from a worker in order, none lost, through a ring smaller than the stream', async (t) => {
  const ring = RecordRing.create(2, 64);
  const control = new LoopControl();
  const count = 20_000;
  const worker = new Worker(new URL('./fixtures/ring-producer.js', import.meta.url), {
    workerData: { ring: ring.buffer, control: control.buffer, count },
  });
  const exited = new Promise((r) => worker.once('exit', r));
  // A failed assertion must not leave the producer spinning and the run hanging.
  t.after(() => {
    control.requestStop();
    void worker.terminate();
  });
  let expected = 1;
  while (expected <= count) {
    const n = await ring.waitReadable(1000);
    assert.ok(n > 0, `no records for 1 s after record ${expected - 1}`);
    for (let i = 0; i < n; i++) {
      const base = ring.peek(i);
      assert.equal(ring.data[base], BigInt(expected));
      assert.equal(ring.data[base + 1], 1_800_000_000_000_000_000n + BigInt(expected));
      expected++;
    }
    ring.release(n);
  }
  await exited;
  assert.equal(control.progress, count);
  assert.ok(ring.dropped() > 0, 'a 64-record ring under a 20k stream should have been full at times');
});

test('a full ring refuses and counts instead of overwriting', () => {
  const ring = RecordRing.create(1, 3);
  assert.equal(ring.capacity, 4);
  for (let i = 0; i < 4; i++) {
    const base = ring.reserve();
    assert.notEqual(base, -1);
    ring.data[base] = BigInt(i);
    ring.commit();
  }
  assert.equal(ring.reserve(), -1);
  assert.equal(ring.dropped(), 1);
  assert.equal(ring.readable(), 4);
  assert.equal(ring.data[ring.peek(3)], 3n);
  ring.release(1);
  assert.equal(ring.data[ring.peek(0)], 1n);
  assert.notEqual(ring.reserve(), -1);
});

test('publish() makes a record visible without a wake-up; a bounded wait still sees it', async () => {
  const ring = RecordRing.create(1, 4);
  // The consumer is already waiting when the record is published without a
  // notify: it must still report the record when its wait times out.
  const waiting = ring.waitReadable(150);
  setTimeout(() => {
    const base = ring.reserve();
    ring.data[base] = 42n;
    ring.publish();
  }, 20);
  assert.equal(await waiting, 1);
  assert.equal(ring.data[ring.peek(0)], 42n);
});

test('attach checks the buffer and bad sizes are refused', async () => {
  assert.throws(() => RecordRing.attach(new SharedArrayBuffer(64)), /not a RecordRing/);
  assert.throws(() => RecordRing.create(0, 4), /slots/);
  assert.throws(() => RecordRing.create(1, 0), /capacity/);
  const ring = RecordRing.create(3, 8);
  const again = RecordRing.attach(ring.buffer);
  assert.equal(again.slots, 3);
  assert.equal(again.capacity, 8);
  const t0 = performance.now();
  assert.equal(await ring.waitReadable(50), 0);
  assert.ok(performance.now() - t0 >= 49, 'an empty ring must wait out the whole timeout');
});

test('loop control carries stop, state and progress between threads', () => {
  const control = new LoopControl();
  const view = new LoopControl(control.buffer);
  assert.equal(view.stopRequested, false);
  control.requestStop();
  assert.equal(view.stopRequested, true);
  view.state = LoopState.Failed;
  assert.equal(control.state, LoopState.Failed);
  view.addProgress(5);
  assert.equal(control.progress, 5);
  assert.throws(() => new LoopControl(new SharedArrayBuffer(4)), /too small/);
});
