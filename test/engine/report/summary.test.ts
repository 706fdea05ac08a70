// The typed summary (src/engine/report/summary.ts) through the real engine:
// files generated here, walked by the WASM report engine, and every metric's
// count/min/max/mean/stddev and extreme seqids compared with an independent
// computation in the C tool's order (highest seqid first for the sums, ties
// to the highest seqid). Also: the result is plain data, and the C text is
// exactly what `report --summary` prints for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { openDat } from '../../../src/engine/dat/reader.js';
import { DatFlags, type SendRecord, type RcvRecord } from '../../../src/engine/dat/layout.js';
import { METRICS, type MetricKey } from '../../../src/engine/report/metrics.js';
import { summarize, type ReportSummary } from '../../../src/engine/report/summary.js';
import { walkReport } from '../../../src/verbs/report/walk.js';
import { compilePrintf } from '../../../src/verbs/report/printf.js';
import { FdWriter } from '../../../src/verbs/report/output.js';
import { formatSummaryText } from '../../../src/verbs/report/summary-text.js';
import { runReport } from '../../../src/verbs/report/run.js';
import { simpleStats } from '../../helpers/report-support.js';

const BASE = 1_700_000_000_000_000_000n;
const CYCLE = 1_000_000n;
const ADVANCE = 20_000n;

interface Packet { send: SendRecord; rcv: RcvRecord }

/** The metric formulas, written independently of assembly/lib/metrics.ts. */
function metricOf(key: MetricKey, p: Packet, mac: boolean): bigint {
  const { scheduled: S, wakeup: w, hwts: T, swts: t, schedTs: s } = p.send;
  const { hwts: R, arrival: a } = p.rcv;
  switch (key) {
    case 'path-delay': return R - T;
    case 'wakeup-to-tx-timestamp': return T - w;
    case 'rx-deadline-delta': return R - S;
    case 'rx-deadline-lead': return S - R;
    case 'latency-budget': return mac ? T - S : S - T;
    case 'sender-latency': return t - w;
    case 'wakeup-latency': return w - (S - ADVANCE);
    case 'driver-latency': return t - s;
    case 'arrival-latency': return a - R;
  }
}

function summaryOf(path: string): ReportSummary {
  const src = openDat(path);
  const devNull = openSync('/dev/null', 'w');
  try {
    const h = src.header;
    const walk = walkReport(src, {
      start: 1, stop: h.packetCount, summary: true, softwareTimestamps: false,
      program: compilePrintf(new Uint8Array(0), new Uint8Array(0)),
    }, new FdWriter(devNull));
    const macMode = (h.flags & (DatFlags.TAPRIO | DatFlags.TXTIME)) !== 0;
    return summarize(walk, { cycleTime: h.cycleTime, omitSync: true, macMode, softwareTimestamps: false });
  } finally {
    closeSync(devNull);
    src.close();
  }
}

const packetArb = fc.record({
  delay: fc.oneof(fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }), fc.constantFrom(0n, 5n, -5n)),
  wake: fc.bigInt({ min: -5_000n, max: 40_000n }),
  sched: fc.constantFrom(1n, 3_000n, 3_000n, 9_000n),
  drv: fc.bigInt({ min: 1n, max: 8_000n }),
  hw: fc.constantFrom(-700n, 500n, 2_000n),
  arr: fc.bigInt({ min: -10n, max: 50_000n }),
});

test('the typed summary equals an independent reverse-order computation for every metric', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-summary-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let run = 0;
  fc.assert(fc.property(fc.array(packetArb, { minLength: 1, maxLength: 200 }), fc.boolean(), (rows, mac) => {
    const packets: Packet[] = rows.map((r, i) => {
      const scheduled = BASE + BigInt(i) * CYCLE;
      const wakeup = scheduled - ADVANCE + r.wake;
      const schedTs = wakeup + r.sched;
      const swts = schedTs + r.drv;
      const hwts = swts + r.hw;
      const rx = hwts + r.delay;
      return {
        send: { seqid: i + 1, scheduled, wakeup, hwts, swts, schedTs },
        rcv: { seqid: i + 1, arrival: rx + r.arr, hwts: rx, swts: rx + 3_000n },
      };
    });
    const path = join(dir, `f${run++}.dat`);
    writeDatFile(path, {
      packetCount: packets.length, frameSize: 64, flags: DatFlags.OMIT_SYNC | DatFlags.DO_TS | (mac ? DatFlags.TAPRIO : 0),
      baseTime: BASE, advanceTime: ADVANCE, shiftTime: 0n, cycleTime: CYCLE, windowSize: 0n,
    }, packets.map((p) => p.send), packets.map((p) => p.rcv));
    const summary = summaryOf(path);
    const st = summary.statistics;
    assert.ok(st);
    assert.equal(st.used, packets.length);
    for (const { key } of METRICS) {
      const values = packets.map((p, i) => ({ seqid: i + 1, v: metricOf(key, p, mac) }));
      const ref = simpleStats(values);
      let sum = 0;
      for (let i = values.length - 1; i >= 0; i--) sum += Number(values[i].v);
      const mean = sum / values.length;
      let sq = 0;
      for (let i = values.length - 1; i >= 0; i--) sq += (Number(values[i].v) - mean) ** 2;
      assert.deepEqual(st.metrics[key], {
        min: ref.min, max: ref.max, mean, stddev: Math.sqrt(sq / values.length),
        seqidOfMin: ref.seqidOfMin, seqidOfMax: ref.seqidOfMax,
      }, key);
    }
    assert.equal(st.arrival, st.metrics['rx-deadline-delta'].mean > 0 ? 'later' : 'earlier');
    assert.equal(st.deadlineMisses === undefined, mac);
    if (st.deadlineMisses) {
      assert.equal(st.deadlineMisses.count, packets.filter((p) => p.send.hwts > p.send.scheduled).length);
    }
    // Plain data: survives structuredClone unchanged (no functions, no class instances).
    assert.deepEqual(structuredClone(summary), summary);
  }), { seed: 42, numRuns: 60 });
});

test('formatting the typed summary gives what report --summary prints', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-summary-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'one.dat');
  const send = [1, 2, 3, 4].map((seqid) => {
    const scheduled = BASE + BigInt(seqid) * CYCLE;
    return { seqid, scheduled, wakeup: scheduled - 15_000n, hwts: scheduled - 2_000n + BigInt(seqid) * 900n, swts: scheduled - 3_000n, schedTs: scheduled - 9_000n };
  });
  const rcv = send.filter((s) => s.seqid !== 3).map((s) => ({ seqid: s.seqid, arrival: s.hwts + 30_000n, hwts: s.hwts + 4_000n, swts: s.hwts + 9_000n }));
  writeDatFile(path, {
    packetCount: 4, frameSize: 64, flags: DatFlags.OMIT_SYNC | DatFlags.DO_TS, baseTime: BASE,
    advanceTime: ADVANCE, shiftTime: 0n, cycleTime: CYCLE, windowSize: 0n,
  }, send, rcv);
  const outPath = join(dir, 'out.txt');
  const fd = openSync(outPath, 'w');
  const errFd = openSync(join(dir, 'err.txt'), 'w');
  const status = await runReport({ inputFile: path, summary: true, start: 0, stop: 0 }, { stdoutFd: fd, stderrFd: errFd });
  closeSync(fd);
  closeSync(errFd);
  assert.equal(status, 0);
  const summary = summaryOf(path);
  assert.ok(summary.packets.notReceived >= 1);
  assert.equal(readFileSync(outPath, 'utf8'), formatSummaryText(summary));
});
