// The WASM report engine (assembly/report.ts -> dist/wasm/report.wasm): its
// exports, typed, and where its accumulators and metric slots are, read
// from the module itself so that no layout is written twice.
import { loadWasm } from '../../core/wasm.js';
import { METRICS, REPORTED_METRICS, type MetricKey, type MetricStats, type ReportedMetricKey } from './metrics.js';
import { percentilesOf, type Percentiles } from './percentiles.js';
import { ReportPercentileMemory } from './errors.js';

export interface ReportWasm extends WebAssembly.Exports {
  memory: WebAssembly.Memory;
  init(): void;
  chunkCapacity(): number;
  sendBuf(): number;
  rcvBuf(): number;
  progBuf(): number;
  progCapacity(): number;
  litBuf(): number;
  litCapacity(): number;
  outBuf(): number;
  accBuf(): number;
  collectBuf(): number;
  collectSeqBuf(): number;
  setCollect(on: number): void;
  getCollected(): number;
  setParams(advance: bigint, base: bigint, cycle: bigint, shift: bigint, window: bigint,
    mac: number, sw: number, printf: number, summary: number): void;
  forward(seqStart: number, from: number, n: number, rcvN: number): number;
  reverse(seqStart: number, n: number, rcvN: number, pass: number): void;
  finishMeans(): void;
  finishStddevs(): void;
  getNotTxTimestamped(): bigint;
  getNotReceived(): bigint;
  getFrameCount(): number;
  getDeadlineMisses(): number;
  getTxSyncSum(): number;
  getRxSyncSum(): number;
  getPathDelaySum(): number;
  getWalkEnded(): number;
  getOutLen(): number;
  resetOut(): void;
  getErrorCode(): number;
  /** The C tool's single-precision `100.0f * a / b` for integers. */
  pctOfCount(a: bigint, b: bigint): number;
  pctOfInt(a: bigint, b: bigint): number;
}

let wasm: ReportWasm | undefined;

/** The engine instance of this thread, initialised once. */
export function reportEngine(): ReportWasm {
  if (!wasm) {
    wasm = loadWasm<ReportWasm>('report');
    wasm.init();
  }
  return wasm;
}

function constant(w: ReportWasm, name: string): number {
  const g = w[name];
  if (!(g instanceof WebAssembly.Global)) throw new Error(`report.wasm exports no ${name}`);
  return Number(g.value);
}

/** Reads every metric's accumulator after finishStddevs(), keyed by metric name. */
export function readMetricStats(w: ReportWasm): Record<MetricKey, MetricStats> {
  const count = constant(w, 'METRIC_COUNT');
  if (count !== METRICS.length) {
    throw new Error(`report.wasm computes ${count} metrics, src/engine/report/metrics.ts names ${METRICS.length}`);
  }
  const size = constant(w, 'ACC_SIZE');
  const at = {
    min: constant(w, 'ACC_MIN'), max: constant(w, 'ACC_MAX'), minSeq: constant(w, 'ACC_MIN_SEQ'),
    maxSeq: constant(w, 'ACC_MAX_SEQ'), mean: constant(w, 'ACC_MEAN'), stddev: constant(w, 'ACC_STDDEV'),
  };
  if (new Set(METRICS.map((m) => constant(w, m.slot))).size !== count) throw new Error('two metrics share a report.wasm slot');
  const dv = new DataView(w.memory.buffer, w.accBuf(), count * size);
  const out = {} as Record<MetricKey, MetricStats>;
  for (const { key, slot } of METRICS) {
    const o = constant(w, slot) * size;
    out[key] = {
      min: dv.getBigInt64(o + at.min, true),
      max: dv.getBigInt64(o + at.max, true),
      mean: dv.getFloat64(o + at.mean, true),
      stddev: dv.getFloat64(o + at.stddev, true),
      seqidOfMin: dv.getInt32(o + at.minSeq, true),
      seqidOfMax: dv.getInt32(o + at.maxSeq, true),
    };
  }
  return out;
}

/**
 * Every used packet's seqid and reported metric values, highest seqid
 * first (the order of the engine's statistics pass). The arrays are the
 * gatherer's own: valid until MetricValues.percentiles() reorders them.
 */
export interface PacketValues {
  seqids: Uint32Array;
  values: Record<ReportedMetricKey, Float64Array>;
}

/**
 * Every reported metric's value of every used packet, gathered chunk by
 * chunk from the engine's pass 1 (turn it on with start() after setParams).
 * Memory: 8 bytes per packet per reported metric, allocated once for the
 * used-packet count (64 MB for a million packets); ReportPercentileMemory
 * when that cannot be had.
 */
export class MetricValues {
  private readonly values: Record<ReportedMetricKey, Float64Array>;
  private readonly offsets: Record<ReportedMetricKey, number>;
  /** 4 bytes per packet more: the plots' time series need each value's seqid. */
  private readonly seqids: Uint32Array;
  private filled = 0;

  constructor(private readonly w: ReportWasm, private readonly used: number) {
    this.values = {} as Record<ReportedMetricKey, Float64Array>;
    this.offsets = {} as Record<ReportedMetricKey, number>;
    const chunkBytes = w.chunkCapacity() * 8;
    this.seqids = new Uint32Array(used);
    for (const { key, slot } of REPORTED_METRICS) {
      try {
        this.values[key] = new Float64Array(used);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        throw ReportPercentileMemory(used, Math.ceil((used * 8 * REPORTED_METRICS.length) / 2 ** 20));
      }
      this.offsets[key] = w.collectBuf() + constant(w, slot) * chunkBytes;
    }
  }

  start(): void {
    this.w.setCollect(1);
  }

  /** Takes what the last reverse() pass 1 collected. */
  take(): void {
    const n = this.w.getCollected();
    if (this.filled + n > this.used) throw new Error(`report.wasm collected more than ${this.used} packets`);
    for (const { key } of REPORTED_METRICS) {
      this.values[key].set(new Float64Array(this.w.memory.buffer, this.offsets[key], n), this.filled);
    }
    this.seqids.set(new Uint32Array(this.w.memory.buffer, this.w.collectSeqBuf(), n), this.filled);
    this.filled += n;
  }

  /** The gathered values themselves, in the engine's pass-1 order (merged runs select over their union). */
  raw(): Record<ReportedMetricKey, Float64Array> {
    if (this.filled !== this.used) throw new Error(`report.wasm collected ${this.filled} of ${this.used} packets`);
    this.w.setCollect(0);
    return this.values;
  }

  /** The gathered seqids and values, before percentiles() reorders the values. */
  packets(): PacketValues {
    if (this.filled !== this.used) throw new Error(`report.wasm collected ${this.filled} of ${this.used} packets`);
    return { seqids: this.seqids, values: this.values };
  }

  /** The percentiles of each reported metric (reorders the gathered values). */
  percentiles(): Record<ReportedMetricKey, Percentiles> {
    if (this.filled !== this.used) throw new Error(`report.wasm collected ${this.filled} of ${this.used} packets`);
    this.w.setCollect(0);
    const out = {} as Record<ReportedMetricKey, Percentiles>;
    for (const { key } of REPORTED_METRICS) out[key] = percentilesOf(this.values[key]);
    return out;
  }
}

/** A metric row's slot number in the engine (its `slot` export, e.g. M_PATH_DELAY). */
export function metricSlot(w: ReportWasm, slot: (typeof METRICS)[number]['slot']): number {
  return constant(w, slot);
}
