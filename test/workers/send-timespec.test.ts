// The packet loops' (sec, nsec) arithmetic against BigInt nanoseconds, over
// random inputs: the carries are arithmetic (no branch), so every boundary
// case must come out exact without a special path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NSEC, TaiClock, tsAdd, tsDiffNs, tsFromNs, tsToNs, writeNsLE, type Ts } from '../../workers/timespec.js';

const N = 1_000_000_000n;
/** Normalised times: seconds since 1970 below 2^32, nsec in range, with the edges drawn often. */
const nsec = fc.oneof(fc.integer({ min: 0, max: NSEC - 1 }), fc.constantFrom(0, 1, NSEC - 2, NSEC - 1));
const sec32 = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1));
const time = fc.record({ sec: sec32, nsec });
/** Durations the loops add: cycles and advances up to a few seconds, also negative (tsFromNs of a negative). */
const duration = fc.bigInt({ min: -5n * N, max: 5n * N }).map(tsFromNs);

const normalised = (t: Ts): boolean => Number.isInteger(t.sec) && Number.isInteger(t.nsec) && t.nsec >= 0 && t.nsec < NSEC;

test('property: tsFromNs/tsToNs round-trip any int64-range nanoseconds, nsec always normalised', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), (ns) => {
      const t = tsFromNs(ns);
      assert.ok(normalised(t), JSON.stringify(t));
      assert.equal(tsToNs(t), ns);
    }),
    { numRuns: 2000 },
  );
});

test('property: tsAdd equals BigInt addition, carries included, also in place (out === a)', () => {
  fc.assert(
    fc.property(time, duration, (a, b) => {
      const want = tsToNs(a) + tsToNs(b);
      const out: Ts = { sec: -7, nsec: -7 };
      tsAdd(out, a, b);
      assert.ok(normalised(out), JSON.stringify(out));
      assert.equal(tsToNs(out), want);
      const same = { ...a };
      tsAdd(same, same, b);
      assert.deepEqual(same, out);
    }),
    { numRuns: 5000 },
  );
});

test('property: tsDiffNs equals the BigInt difference while it stays below 2^53 ns', () => {
  fc.assert(
    fc.property(time, fc.bigInt({ min: -(2n ** 52n), max: 2n ** 52n }), (a, delta) => {
      const b = tsFromNs(tsToNs(a) + delta);
      assert.equal(tsDiffNs(b, a), Number(delta));
      assert.equal(tsDiffNs(a, b), Number(-delta));
    }),
    { numRuns: 5000 },
  );
});

test('property: writeNsLE writes the exact little-endian int64 of sec * 1e9 + nsec, touching only its 8 bytes', () => {
  const view = new DataView(new ArrayBuffer(24));
  fc.assert(
    fc.property(time, fc.integer({ min: 0, max: 16 }), (t, off) => {
      new Uint8Array(view.buffer).fill(0xee);
      writeNsLE(view, off, t);
      assert.equal(view.getBigUint64(off, true), tsToNs(t));
      const bytes = new Uint8Array(view.buffer);
      for (let i = 0; i < bytes.length; i++) if (i < off || i >= off + 8) assert.equal(bytes[i], 0xee, `byte ${i}`);
    }),
    { numRuns: 5000 },
  );
  // The carry out of the low word, at its edge: (2^32 - 1) + 1 and below.
  for (const ns of [0xffff_ffffn, 0x1_0000_0000n, 0x1_ffff_ffffn, 4n * N + 294_967_295n, 4n * N + 294_967_296n]) {
    writeNsLE(view, 0, tsFromNs(ns));
    assert.equal(view.getBigUint64(0, true), ns);
  }
});

test('timespec pairs: carry, difference, conversion and little-endian int64 writes without BigInt', () => {
  const a = tsFromNs(1_795_674_900_999_999_999n);
  const out = { sec: 0, nsec: 0 };
  tsAdd(out, a, { sec: 0, nsec: 2 });
  assert.deepEqual(out, { sec: 1_795_674_901, nsec: 1 });
  assert.equal(tsDiffNs(out, a), 2);
  assert.deepEqual(tsFromNs(-1n), { sec: -1, nsec: 999_999_999 });
  assert.equal(tsToNs(out), 1_795_674_901_000_000_001n);
  const view = new DataView(new ArrayBuffer(8));
  for (const ns of [0n, 1n, 999_999_999n, 1_795_674_900_927_000_000n, 4_294_967_295_999_999_999n]) {
    writeNsLE(view, 0, tsFromNs(ns));
    assert.equal(view.getBigInt64(0, true), ns);
  }
  const clock = new TaiClock();
  const now = clock.now({ sec: 0, nsec: 0 });
  const target = { sec: 0, nsec: 0 };
  tsAdd(target, now, { sec: 0, nsec: 2_000_000 });
  clock.sleepUntil(target);
  assert.ok(tsDiffNs(clock.now({ sec: 0, nsec: 0 }), target) >= 0);
});
