// The send thread's scheduling: a pool thread is reused, so whatever a task
// sets (policy, priority, affinity) must be undone exactly, failure included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno, isIsochronError } from '../../src/core/errors.js';
import { applyThreadPlan, readThread, sendThreadSetupFailure } from '../../workers/thread-setup.js';

test('a thread plan is applied to the calling thread and undone exactly (policy, priority, affinity)', () => {
  const before = readThread();
  const undo = applyThreadPlan({ policy: 'fifo', priority: 12, cpus: [0] });
  const during = readThread();
  assert.deepEqual([during.policy, during.priority, during.cpus], ['fifo', 12, [0]]);
  undo();
  assert.deepEqual(readThread(), before);
  assert.throws(() => applyThreadPlan({ policy: 'rr', priority: 5, cpus: [] }, sendThreadSetupFailure), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_SEND_THREAD_SETUP');
    assert.match(e.message, /^failed to set sender thread cpu affinity: /);
    return true;
  });
  assert.deepEqual(readThread(), before, 'a failed plan leaves nothing behind');
  assert.throws(() => applyThreadPlan({ policy: 'fifo', priority: 500, cpus: null }, sendThreadSetupFailure), /sched policy/);
  assert.deepEqual(readThread(), before);
});

test('without a failure mapper (the receive thread) the sys error comes through as it is, and nothing is left behind', () => {
  const before = readThread();
  assert.throws(() => applyThreadPlan({ policy: 'fifo', priority: 5, cpus: [] }), (e: Error & { code?: string; errno?: number }) => {
    assert.ok(isIsochronError(e));
    assert.notEqual(e.code, 'ISOCHRON_ERR_SEND_THREAD_SETUP');
    assert.equal(e.errno, Errno.EINVAL);
    return true;
  });
  assert.deepEqual(readThread(), before);
});
