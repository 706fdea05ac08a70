// Drives the WASM report engine over a .dat file in bounded chunks:
//
//   file --readSync--> SEND/RCV chunk (WASM memory) --forward()--> OUT --> stdout
//                                                   --reverse() x2--> metric accumulators
//
// forward() walks seqids upwards like the C loop (printf, counters, walk end);
// the two reverse() passes re-read the walked range from the highest seqid
// down, because that is the order the C statistics use. Memory use does not
// depend on the packet count.
import type { DatSource } from '../../engine/dat/reader.js';
import { DatFlags, SEND_RECORD_SIZE, RCV_RECORD_SIZE } from '../../engine/dat/layout.js';
import { reportEngine, readMetricStats, MetricValues, type PacketValues } from '../../engine/report/engine.js';
import type { WalkCounts } from '../../engine/report/summary.js';
import { ReportOutOfBounds } from './errors.js';
import { PrintfProgram, programError } from './printf.js';
import type { FdWriter } from './output.js';

export interface WalkOptions {
  start: number;
  stop: number;
  summary: boolean;
  program: PrintfProgram;
  /** Statistics from software timestamps (OMIT_HWTS files). */
  softwareTimestamps: boolean;
  /** With summary: also the reported metrics' percentiles (holds every used packet's values). */
  percentiles?: boolean;
  /** Written once the range is checked, before the first packet (--packets' CSV header). */
  preamble?: string;
  /** With percentiles: hand the values over (WalkCounts.values) instead of their percentiles. */
  keepValues?: boolean;
  /**
   * With percentiles: called with every used packet's values before the
   * percentiles reorder them, and the walked seqid range (the histogram
   * and plots, src/verbs/report/plot/).
   */
  onValues?: (packets: PacketValues, first: number, last: number) => void;
}

export function walkReport(src: DatSource, opts: WalkOptions, out: FdWriter): WalkCounts {
  const w = reportEngine();
  const mem = () => new Uint8Array(w.memory.buffer);
  const h = src.header;
  const { start, stop, program } = opts;
  if (start === 0 || start > src.sendCount || stop === 0 || stop > src.sendCount) throw ReportOutOfBounds();
  if (opts.preamble) out.write(opts.preamble);

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
      // Nobody reads the lines any more and no summary needs the rest (C walks on, printing into the void).
      if (out.readerGone && !opts.summary) break outer;
      from = r;
    }
    seq += n;
  }

  const result: WalkCounts = {
    notTxTimestamped: Number(w.getNotTxTimestamped()),
    notReceived: Number(w.getNotReceived()),
    sendRecords: src.sendCount,
    frameCount: w.getFrameCount(),
    deadlineMisses: w.getDeadlineMisses(),
    txSyncSum: w.getTxSyncSum(),
    rxSyncSum: w.getRxSyncSum(),
    pathDelaySum: w.getPathDelaySum(),
  };
  if (!opts.summary || result.frameCount === 0) return result;

  const values = opts.percentiles ? new MetricValues(w, result.frameCount) : undefined;
  values?.start();
  for (const pass of [1, 2]) {
    for (let hi = lastWalked; hi >= start; ) {
      const lo = Math.max(start, hi - chunk + 1);
      const n = hi - lo + 1;
      src.readSend(lo - 1, n, sendView);
      const rcvN = src.readRcv(lo - 1, n, rcvView);
      w.reverse(lo, n, rcvN, pass);
      if (pass === 1) values?.take();
      hi = lo - 1;
    }
    if (pass === 1) w.finishMeans();
    else w.finishStddevs();
  }
  const metrics = readMetricStats(w);
  if (values && opts.keepValues) result.values = values.raw();
  else if (values) {
    opts.onValues?.(values.packets(), start, lastWalked);
    for (const [key, p] of Object.entries(values.percentiles())) metrics[key as keyof typeof metrics].percentiles = p;
  }
  result.metrics = metrics;
  return result;
}
