// Clocks, absolute sleeps, scheduling policy, CPU affinity, memory locking:
// against the real kernel, each change restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_TAI } from '../../src/sys/constants.js';
import {
  clockGettime,
  clockGettimeInto,
  kernelTaiOffset,
  measureTaiOffset,
  setKernelTaiOffset,
  sleepFor,
  sleepUntil,
  sleepUntilTimespec,
} from '../../src/sys/time.js';
import { readTimespec, writeTimespec } from '../../src/sys/structs.js';
import { taiNowNs } from '../../src/sys/tai-now.js';
import { applyScheduling, getAffinity, getScheduler, setAffinity, setScheduler } from '../../src/sys/sched.js';
import { libc } from '../../src/sys/libc.js';
import { isIsochronError } from '../../src/core/errors.js';

test('clock_nanosleep TIMER_ABSTIME wakes at or after the target', () => {
  for (const clock of [CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_TAI]) {
    for (let i = 0; i < 5; i++) {
      const target = clockGettime(clock) + 2_000_000n;
      sleepUntil(clock, target);
      const now = clockGettime(clock);
      assert.ok(now >= target, `clock ${clock}: woke ${target - now} ns early`);
      assert.ok(now - target < 500_000_000n, 'and not absurdly late');
    }
  }
  const t0 = clockGettime(CLOCK_MONOTONIC);
  sleepUntil(CLOCK_MONOTONIC, t0 - 1_000_000_000n); // past deadline: returns at once
  sleepFor(CLOCK_MONOTONIC, 1_000_000n);
  assert.ok(clockGettime(CLOCK_MONOTONIC) - t0 >= 1_000_000n);
});

test('bad clocks are errors with errno, not crashes', () => {
  assert.throws(() => clockGettime(12345), (e: unknown) => isIsochronError(e) && e.errno === -22 && /clock_gettime\(12345\) failed: Invalid argument/.test(e.message));
  assert.throws(() => sleepUntil(12345, 0n), (e: unknown) => isIsochronError(e) && e.errno === -22);
});

test('CLOCK_TAI vs CLOCK_REALTIME: measured offset equals the kernel-reported TAI offset', () => {
  const kernelSec = kernelTaiOffset();
  const expected = BigInt(kernelSec) * 1_000_000_000n;
  const { offsetNs, uncertaintyNs } = measureTaiOffset();
  // TAI was read between two REALTIME reads: |error| <= half their gap (+ a little slack for rounding).
  const err = offsetNs - expected;
  assert.ok((err < 0n ? -err : err) <= uncertaintyNs + 1000n, `TAI-UTC measured ${offsetNs} ns +/- ${uncertaintyNs}, kernel says ${kernelSec} s`);
  assert.ok(uncertaintyNs < 1_000_000n);
});

test('clockGettimeInto and sleepUntilTimespec work on caller-owned timespecs', () => {
  const ts = Buffer.alloc(16);
  const req = Buffer.alloc(16);
  const before = clockGettime(CLOCK_TAI);
  clockGettimeInto(CLOCK_TAI, ts);
  const now = readTimespec(ts, 0);
  assert.ok(now >= before && now - before < 1_000_000_000n);
  writeTimespec(req, 0, now + 2_000_000n);
  sleepUntilTimespec(CLOCK_TAI, req);
  assert.ok(clockGettime(CLOCK_TAI) >= now + 2_000_000n, 'woke at or after the target');
  assert.throws(() => clockGettimeInto(12345, ts, 'clock_gettime(TEST)'), (e: unknown) => isIsochronError(e) && e.errno === -22 && /^clock_gettime\(TEST\) failed: Invalid argument/.test(e.message));
  assert.throws(() => sleepUntilTimespec(12345, req, 'clock_nanosleep(TEST)'), (e: unknown) => isIsochronError(e) && e.errno === -22 && /^clock_nanosleep\(TEST\) failed/.test(e.message));
});

test('taiNowNs (the argument parser\'s clock) reads CLOCK_TAI', () => {
  const a = clockGettime(CLOCK_TAI);
  const t = taiNowNs();
  const b = clockGettime(CLOCK_TAI);
  assert.ok(t >= a && t <= b, `${a} <= ${t} <= ${b}`);
});

test('setKernelTaiOffset writes what kernelTaiOffset reads (the current value: the machine is unchanged)', () => {
  const k = kernelTaiOffset();
  assert.equal(setKernelTaiOffset(k), 0);
  assert.equal(kernelTaiOffset(), k);
});

test('sched_setscheduler SCHED_FIFO and back to SCHED_OTHER', () => {
  const before = getScheduler();
  assert.equal(before.policy, 'other');
  try {
    setScheduler('fifo', 10);
    assert.deepEqual(getScheduler(), { policy: 'fifo', priority: 10 });
    setScheduler('rr', 5);
    assert.deepEqual(getScheduler(), { policy: 'rr', priority: 5 });
  } finally {
    setScheduler('other', 0);
  }
  assert.deepEqual(getScheduler(), { policy: 'other', priority: 0 });
  assert.throws(() => setScheduler('fifo', 100), (e: unknown) => isIsochronError(e) && e.errno === -22 && /sched_setscheduler\(FIFO priority 100\) failed: Invalid argument/.test(e.message));
  assert.throws(() => setScheduler('idle' as 'fifo'), /unknown scheduling policy/);
  assert.throws(() => getScheduler(0x3fffffff), (e: unknown) => isIsochronError(e) && e.errno === -3);
});

test('sched_setaffinity to one CPU and restore', () => {
  const original = getAffinity();
  assert.ok(original.length >= 1);
  try {
    setAffinity([original[0]]);
    assert.deepEqual(getAffinity(), [original[0]]);
    const procStatus = readFileSync('/proc/thread-self/status', 'utf8');
    assert.match(procStatus, new RegExp(`Cpus_allowed_list:\\s+${original[0]}\\n`));
  } finally {
    setAffinity(original);
  }
  assert.deepEqual(getAffinity(), original);
  assert.throws(() => setAffinity([]), /mask is empty/);
  assert.throws(() => setAffinity([4096]), /out of 0\.\.1023/);
  assert.throws(() => setAffinity([1023]), (e: unknown) => isIsochronError(e) && e.errno === -22);
  assert.throws(() => getAffinity(0x3fffffff), (e: unknown) => isIsochronError(e) && e.errno === -3);
});

/** SCHED_BATCH (3): a policy with no name in the Policy type, set directly. */
const SCHED_BATCH = 3;

function setBatch(): void {
  assert.equal(libc().sched_setscheduler(0, SCHED_BATCH, Buffer.alloc(4)), 0);
}

test('applyScheduling restores exactly what was there, a numeric policy included', () => {
  const cpus = getAffinity();
  setBatch();
  try {
    const undo = applyScheduling({ sched: { policy: 'fifo', priority: 7 }, cpus: [cpus[0]] });
    assert.deepEqual(getScheduler(), { policy: 'fifo', priority: 7 });
    assert.deepEqual(getAffinity(), [cpus[0]]);
    undo();
    assert.deepEqual(getScheduler(), { policy: SCHED_BATCH, priority: 0 }, 'SCHED_BATCH again, not SCHED_OTHER');
    assert.deepEqual(getAffinity(), cpus);

    // A failed step is undone, and mapError names it.
    const steps: string[] = [];
    assert.throws(
      () => applyScheduling({ sched: { policy: 'rr', priority: 3 }, cpus: [] }, (step, err) => (steps.push(step), err)),
      /CPU affinity mask is empty/,
    );
    assert.deepEqual(steps, ['cpu affinity']);
    assert.deepEqual(getScheduler(), { policy: SCHED_BATCH, priority: 0 });
    assert.throws(() => applyScheduling({ sched: { policy: 'fifo', priority: 500 }, cpus: null }, (step) => new Error(step)), /^Error: sched policy$/);
    assert.deepEqual(getScheduler(), { policy: SCHED_BATCH, priority: 0 });

    // Nothing asked, nothing changed, nothing restored.
    applyScheduling({ sched: null, cpus: null })();
    assert.deepEqual(getScheduler(), { policy: SCHED_BATCH, priority: 0 });
  } finally {
    setScheduler('other', 0);
    setAffinity(cpus);
  }
  assert.deepEqual(getScheduler(), { policy: 'other', priority: 0 });
});

