// Drives the WASM report engine over a .dat file in bounded chunks:
//
//   file --readSync--> SEND/RCV chunk (WASM memory) --forward()--> OUT --> stdout
//                                                   --reverse() x2--> metric accumulators
//
// forward() walks seqids upwards like the C loop (printf, counters, walk end);
// the two reverse() passes re-read the walked range from the highest seqid
// down, because that is the order the C statistics use. Memory use does not
// depend on the packet count.
import { loadWasm } from '../../core/wasm.js';
import type { DatSource } from '../../engine/dat/reader.js';
import { DatFlags, SEND_RECORD_SIZE, RCV_RECORD_SIZE } from '../../engine/dat/layout.js';
import { ReportOutOfBounds } from './errors.js';
import { PrintfProgram, programError } from './printf.js';
import type { FdWriter } from './output.js';

interface DatWasm extends WebAssembly.Exports {
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
  pctOfCount(a: bigint, b: bigint): number;
  pctOfInt(a: bigint, b: bigint): number;
}

export interface MetricStats {
  min: bigint;
  max: bigint;
  mean: number;
  stddev: number;
  seqidOfMin: number;
  seqidOfMax: number;
}

/** Metric order in the WASM accumulators. */
export const Metric = {
  PATH_DELAY: 0,
  WAKEUP_TO_HW_TS: 1,
  HW_RX_DEADLINE_DELTA: 2,
  HW_RX_DEADLINE_DELTA_REVERSED: 3,
  LATENCY_BUDGET: 4,
  SENDER_LATENCY: 5,
  WAKEUP_LATENCY: 6,
  DRIVER_LATENCY: 7,
  ARRIVAL_LATENCY: 8,
} as const;
const NUM_METRICS = 9;

export interface WalkResult {
  notTxTimestamped: bigint;
  notReceived: bigint;
  /** Records in the sender log: the divisor of the two "not ..." percentages. */
  sendRecords: number;
  frameCount: number;
  deadlineMisses: number;
  txSyncSum: number;
  rxSyncSum: number;
  pathDelaySum: number;
  /** Present when summary was asked and at least one packet counted. */
  metrics?: MetricStats[];
  /** The C tool's single-precision `100.0f * a / b` for integers. */
  pctOfInt(a: bigint, b: bigint): number;
  pctOfCount(a: bigint, b: bigint): number;
}

export interface WalkOptions {
  start: number;
  stop: number;
  summary: boolean;
  program: PrintfProgram;
  /** Statistics from software timestamps (OMIT_HWTS files). */
  softwareTimestamps: boolean;
}

let wasm: DatWasm | undefined;

function engine(): DatWasm {
  if (!wasm) {
    wasm = loadWasm<DatWasm>('dat');
    wasm.init();
  }
  return wasm;
}

export function walkReport(src: DatSource, opts: WalkOptions, out: FdWriter): WalkResult {
  const w = engine();
  const mem = () => new Uint8Array(w.memory.buffer);
  const h = src.header;
  const { start, stop, program } = opts;
  if (start === 0 || start > src.sendCount || stop === 0 || stop > src.sendCount) throw ReportOutOfBounds();

  const mac = (h.flags & (DatFlags.TAPRIO | DatFlags.TXTIME)) !== 0;
  w.setParams(h.advanceTime, h.baseTime, h.cycleTime, h.shiftTime, h.windowSize,
    mac ? 1 : 0, opts.softwareTimestamps ? 1 : 0, program.active ? 1 : 0, opts.summary ? 1 : 0);
  if (program.words.byteLength > w.progCapacity() || program.literals.length > w.litCapacity()) {
    throw new RangeError('printf program larger than the engine buffers'); // compilePrintf caps sizes
  }
  mem().set(new Uint8Array(program.words.buffer, program.words.byteOffset, program.words.byteLength), w.progBuf());
  mem().set(program.literals, w.litBuf());

  const chunk = w.chunkCapacity();
  const sendView = new Uint8Array(w.memory.buffer, w.sendBuf(), chunk * SEND_RECORD_SIZE);
  const rcvView = new Uint8Array(w.memory.buffer, w.rcvBuf(), chunk * RCV_RECORD_SIZE);
  const flushOut = (): void => {
    const len = w.getOutLen();
    if (len > 0) out.write(new Uint8Array(w.memory.buffer, w.outBuf(), len));
    w.resetOut();
  };

  // Forward walk. lastWalked ends as the highest seqid the C loop visited.
  let lastWalked = start - 1;
  outer: for (let seq = start; seq <= stop; ) {
    const n = Math.min(chunk, stop - seq + 1);
    src.readSend(seq - 1, n, sendView);
    const rcvN = src.readRcv(seq - 1, n, rcvView);
    let from = 0;
    while (from < n) {
      const r = w.forward(seq, from, n, rcvN);
      flushOut();
      if (r < 0) throw programError(program, w.getErrorCode());
      lastWalked = seq + r - 1;
      if (w.getWalkEnded()) break outer;
      from = r;
    }
    seq += n;
  }

  const result: WalkResult = {
    notTxTimestamped: w.getNotTxTimestamped(),
    notReceived: w.getNotReceived(),
    sendRecords: src.sendCount,
    frameCount: w.getFrameCount(),
    deadlineMisses: w.getDeadlineMisses(),
    txSyncSum: w.getTxSyncSum(),
    rxSyncSum: w.getRxSyncSum(),
    pathDelaySum: w.getPathDelaySum(),
    pctOfInt: (a, b) => w.pctOfInt(a, b),
    pctOfCount: (a, b) => w.pctOfCount(a, b),
  };
  if (!opts.summary || result.frameCount === 0) return result;

  for (const pass of [1, 2]) {
    for (let hi = lastWalked; hi >= start; ) {
      const lo = Math.max(start, hi - chunk + 1);
      const n = hi - lo + 1;
      src.readSend(lo - 1, n, sendView);
      const rcvN = src.readRcv(lo - 1, n, rcvView);
      w.reverse(lo, n, rcvN, pass);
      hi = lo - 1;
    }
    if (pass === 1) w.finishMeans();
    else w.finishStddevs();
  }
  const dv = new DataView(w.memory.buffer, w.accBuf(), NUM_METRICS * 64);
  result.metrics = [];
  for (let m = 0; m < NUM_METRICS; m++) {
    const o = m * 64;
    result.metrics.push({
      min: dv.getBigInt64(o + 8, true),
      max: dv.getBigInt64(o + 16, true),
      seqidOfMin: dv.getInt32(o + 24, true),
      seqidOfMax: dv.getInt32(o + 28, true),
      mean: dv.getFloat64(o + 32, true),
      stddev: dv.getFloat64(o + 48, true),
    });
  }
  return result;
}
