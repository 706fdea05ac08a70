// Percentiles of the report metrics (src/engine/report/percentiles.ts and the
// engine's value collection) against an independent exact nearest rank
// (test/helpers/report-metrics.ts: bigints sorted, rank in bigint
// arithmetic): the selection on its own, and whole generated .dat files
// walked by the real WASM engine, with negative, tied and extreme values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { openDat } from '../../../src/engine/dat/reader.js';
import { DatFlags } from '../../../src/engine/dat/layout.js';
import { REPORTED_METRICS, metricName } from '../../../src/engine/report/metrics.js';
import { nearestRank, percentilesOf, PERCENTILE_RANKS, type Percentiles } from '../../../src/engine/report/percentiles.js';
import { walkReport } from '../../../src/verbs/report/walk.js';
import { compilePrintf } from '../../../src/verbs/report/printf.js';
import { FdWriter } from '../../../src/verbs/report/output.js';
import { parseRaw } from '../../helpers/report-support.js';
import { exactPercentiles, usedPacketValues, PERCENTILE_POINTS } from '../../helpers/report-metrics.js';

test('nearest rank is ceil(p * n) in integers, at least 1', () => {
  assert.equal(nearestRank(1, 1, 2), 1);
  assert.equal(nearestRank(2, 1, 2), 1);
  assert.equal(nearestRank(3, 1, 2), 2);
  assert.equal(nearestRank(10, 9, 10), 9);
  assert.equal(nearestRank(11, 9, 10), 10);
  // 0.99999 * 100000 is 99999.00000000001 in doubles: a float ceil would say 100000.
  assert.equal(nearestRank(100_000, 99999, 100000), 99_999);
  assert.equal(nearestRank(100_001, 99999, 100000), 100_000);
  assert.equal(nearestRank(2 ** 32 - 1, 99999, 100000), 4_294_924_346);
  assert.deepEqual(PERCENTILE_RANKS.map((p) => p.key), PERCENTILE_POINTS.map(([k]) => k));
});

const valueArb = fc.oneof(
  fc.bigInt({ min: -(1n << 62n), max: 1n << 62n }),
  fc.bigInt({ min: -50n, max: 50n }),
  fc.constantFrom(0n, -1n, 1n, (1n << 53n) + 1n, -(1n << 53n) - 1n, (1n << 63n) - 1n, -(1n << 63n)),
);

test('selection gives the exact nearest-rank values (negative, tied, extreme)', () => {
  fc.assert(fc.property(fc.array(valueArb, { minLength: 1, maxLength: 3000 }), (vals) => {
    const got = percentilesOf(Float64Array.from(vals, (v) => Number(v)));
    const exact = exactPercentiles(vals);
    for (const [key] of PERCENTILE_POINTS) assert.equal(got[key as keyof typeof got], Number(exact[key]), key);
  }), { seed: 12, numRuns: 200 });
  // Sorted, reversed and all-equal inputs (the selection's worst shapes).
  for (const vals of [Array.from({ length: 5001 }, (_, i) => BigInt(i)), Array.from({ length: 5001 }, (_, i) => BigInt(-i)), Array(4000).fill(-7n)]) {
    const got = percentilesOf(Float64Array.from(vals, (v) => Number(v)));
    const exact = exactPercentiles(vals);
    for (const [key] of PERCENTILE_POINTS) assert.equal(got[key as keyof typeof got], Number(exact[key]), key);
  }
});

const BASE = 1_700_000_000_000_000_000n;
const CYCLE = 1_000_000n;
const ADVANCE = 20_000n;
const deltaArb = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: -20_000n, max: 20_000n }) },
  { weight: 2, arbitrary: fc.constantFrom(-3n, 0n, 3n, 1000n) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 58n), max: 1n << 58n }) },
);
const packetArb = fc.record({
  delay: deltaArb, wake: deltaArb, drv: deltaArb, hw: deltaArb, arr: deltaArb,
  lost: fc.nat(30), unstamped: fc.nat(40),
});

test('percentiles through the engine equal the exact ones on generated files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-pct-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const devNull = openSync('/dev/null', 'w');
  t.after(() => closeSync(devNull));
  let run = 0;
  // Up to 20 000 packets: several engine chunks (8192), so values cross chunk boundaries.
  const sizes = fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 8000, max: 20_000 }));
  fc.assert(fc.property(sizes, fc.array(packetArb, { minLength: 1, maxLength: 64 }), fc.constantFrom(0, DatFlags.TAPRIO, DatFlags.OMIT_HWTS),
    (n, pattern, flag) => {
      const send = [];
      const rcv = [];
      for (let i = 0; i < n; i++) {
        const r = pattern[i % pattern.length];
        const scheduled = BASE + BigInt(i) * CYCLE;
        const wakeup = scheduled - ADVANCE + r.wake;
        const schedTs = wakeup + 2_000n;
        const swts = schedTs + r.drv;
        const hwts = r.unstamped === 0 ? 0n : swts + r.hw;
        const rx = (flag === DatFlags.OMIT_HWTS ? swts : hwts) + r.delay;
        send.push({ seqid: i + 1, scheduled, wakeup, hwts, swts, schedTs });
        rcv.push({ seqid: r.lost === 0 ? 0 : i + 1, arrival: rx + r.arr, hwts: rx, swts: rx + r.hw });
      }
      const path = join(dir, `f${run++}.dat`);
      writeDatFile(path, {
        packetCount: n, frameSize: 64, flags: DatFlags.OMIT_SYNC | DatFlags.DO_TS | flag,
        baseTime: BASE, advanceTime: ADVANCE, shiftTime: 0n, cycleTime: CYCLE, windowSize: 0n,
      }, send, rcv);
      const src = openDat(path);
      try {
        const walk = walkReport(src, {
          start: 1, stop: n, summary: true, softwareTimestamps: flag === DatFlags.OMIT_HWTS, percentiles: true,
          program: compilePrintf(new Uint8Array(0), new Uint8Array(0)),
        }, new FdWriter(devNull));
        const expected = usedPacketValues(parseRaw(path));
        if (walk.frameCount === 0) {
          assert.equal(expected.size, 0);
          return;
        }
        assert.ok(walk.metrics);
        for (const { key } of REPORTED_METRICS) {
          const values = expected.get(metricName(key, flag === DatFlags.TAPRIO));
          assert.ok(values, key);
          assert.equal(values.length, walk.frameCount);
          const exact = exactPercentiles(values);
          const got: Percentiles | undefined = walk.metrics[key].percentiles;
          assert.ok(got, key);
          for (const [p] of PERCENTILE_POINTS) assert.equal(got[p as keyof typeof got], Number(exact[p]), `${key} ${p}`);
        }
        assert.equal(walk.metrics['rx-deadline-lead'].percentiles, undefined);
      } finally {
        src.close();
      }
    }), { seed: 7, numRuns: 25 });
});
