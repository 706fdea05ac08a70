// The report engine (dist/wasm/report.wasm) over .dat records held in this
// module's linear memory.
//
// Data path: the TS reader copies a chunk of sender records and the matching
// receiver records into SEND/RCV, then calls forward() (printf + counters,
// ascending seqid, like the C walk) and later reverse() twice (per-metric
// statistics, descending seqid, like the C metric list). Printf output lands
// in OUT and is flushed by TS. No per-packet state outlives a chunk, so memory
// stays bounded whatever the file size. The metrics are the rows of
// lib/metrics.ts; their accumulators are lib/stats.ts's, whose field offsets
// are exported below so that TS reads them without a copy of the layout.
import {
  SEND_RECORD_SIZE, RCV_RECORD_SIZE, SEND_SCHEDULED, SEND_WAKEUP, SEND_HWTS,
  SEND_SWTS, SEND_SCHED_TS, SEND_SEQID, RCV_SEQID, RCV_ARRIVAL, RCV_HWTS, RCV_SWTS, loadBe32, loadBe64,
} from './lib/layout';
import {
  ACC_SIZE, accReset, accAdd, accAddDeviation, accFinishMean, accFinishStddev,
  percentF32I64, percentF32U64,
} from './lib/stats';
import { METRIC_COUNT, computeMetrics } from './lib/metrics';
import { fmtI64, fmtU64, fmtHex, fmtTimespec } from './lib/numfmt';

export {
  ACC_SIZE, ACC_MIN, ACC_MAX, ACC_MIN_SEQ, ACC_MAX_SEQ, ACC_MEAN, ACC_STDDEV,
} from './lib/stats';
export {
  METRIC_COUNT, M_PATH_DELAY, M_WAKEUP_TO_TX_TS, M_RX_DEADLINE_DELTA, M_RX_DEADLINE_DELTA_REVERSED,
  M_LATENCY_BUDGET, M_SENDER_LATENCY, M_WAKEUP_LATENCY, M_DRIVER_LATENCY, M_ARRIVAL_LATENCY,
} from './lib/metrics';

// ---- memory regions ----
const CHUNK: u32 = 8192; // packets per chunk
const PROG_BYTES: u32 = 128 * 1024;
const LIT_BYTES: u32 = 16 * 1024;
const OUT_BYTES: u32 = 1024 * 1024;
// One packet's printf output is capped at 4095 bytes by the C buffer, so a
// forward() call stops once less than this is left.
const OUT_SLACK: u32 = 4096;
const PRINTF_BUF: u32 = 4095;

const BASE: usize = (__heap_base + 65535) & ~(<usize>65535);
const SEND: usize = BASE;
const RCV: usize = SEND + <usize>(CHUNK * SEND_RECORD_SIZE);
const PROG: usize = RCV + <usize>(CHUNK * RCV_RECORD_SIZE);
const LIT: usize = PROG + <usize>PROG_BYTES;
const OUT: usize = LIT + <usize>LIT_BYTES;
const VARS: usize = OUT + <usize>OUT_BYTES;
const SCRATCH: usize = VARS + 256;
const VALUES: usize = SCRATCH + 64; // one packet's metrics, i64 per slot
const ACCS: usize = VALUES + <usize>(METRIC_COUNT << 3);
// Pass 1 of reverse() can hand every used packet's metrics to TS (for the
// percentiles): f64 per value, metric-major, one chunk's worth at a time.
const COLLECT: usize = ACCS + <usize>(METRIC_COUNT * ACC_SIZE);
// ... and each of those packets' seqid (u32), for the plots' time series.
const COLLECT_SEQ: usize = COLLECT + <usize>(METRIC_COUNT * CHUNK << 3);
const END: usize = COLLECT_SEQ + <usize>(CHUNK << 2);

export function init(): void {
  const need = <i32>((END + 65535) >> 16);
  const have = memory.size();
  if (have < need) memory.grow(need - have);
}

export function chunkCapacity(): u32 { return CHUNK; }
export function sendBuf(): usize { return SEND; }
export function rcvBuf(): usize { return RCV; }
export function progBuf(): usize { return PROG; }
export function progCapacity(): u32 { return PROG_BYTES; }
export function litBuf(): usize { return LIT; }
export function litCapacity(): u32 { return LIT_BYTES; }
export function outBuf(): usize { return OUT; }
export function accBuf(): usize { return ACCS; }
/** Metric m's values of the last reverse() pass 1 start at collectBuf() + m * chunkCapacity() * 8. */
export function collectBuf(): usize { return COLLECT; }
/** The seqids of the packets whose values the last reverse() pass 1 collected (u32 each). */
export function collectSeqBuf(): usize { return COLLECT_SEQ; }

// ---- parameters (set once per report) ----
let advanceTime: i64 = 0;
let macMode = false; // TAPRIO or TXTIME: latency budget is tx - scheduled
let swMode = false; // OMIT_HWTS: statistics from software timestamps
let doPrintf = false;
let doSummary = false;
let doCollect = false; // pass 1 copies each used packet's metrics to COLLECT
let collected: u32 = 0;

// Printf variables, in the order of the letters A B C H W S w T t s q a R r.
const V_A = 0, V_B = 1, V_C = 2, V_H = 3, V_W = 4, V_S = 5, V_w = 6, V_T = 7;
const V_t = 8, V_s = 9, V_q = 10, V_a = 11, V_R = 12, V_r = 13;

export function setParams(
  advance: i64, base: i64, cycle: i64, shift: i64, window: i64,
  mac: bool, sw: bool, printf: bool, summary: bool,
): void {
  advanceTime = advance;
  macMode = mac;
  swMode = sw;
  doPrintf = printf;
  doSummary = summary;
  store<i64>(VARS + (V_A << 3), advance);
  store<i64>(VARS + (V_B << 3), base);
  store<i64>(VARS + (V_C << 3), cycle);
  store<i64>(VARS + (V_H << 3), shift);
  store<i64>(VARS + (V_W << 3), window);
  resetCounters();
}

// ---- forward-walk counters ----
let notTxTimestamped: u64 = 0;
let notReceived: u64 = 0;
let frameCount: i32 = 0;
let deadlineMisses: i32 = 0;
let txSyncSum: f64 = 0;
let rxSyncSum: f64 = 0;
let pathDelaySum: f64 = 0;
let walkEnded = false;
let rowUsed = false; // the packet forward() prints is one the summary uses
let outLen: u32 = 0;
let errorCode: i32 = 0;

function resetCounters(): void {
  notTxTimestamped = 0;
  notReceived = 0;
  frameCount = 0;
  deadlineMisses = 0;
  txSyncSum = 0;
  rxSyncSum = 0;
  pathDelaySum = 0;
  walkEnded = false;
  doCollect = false;
  collected = 0;
  outLen = 0;
  errorCode = 0;
  for (let m: u32 = 0; m < METRIC_COUNT; m++) accReset(ACCS + m * ACC_SIZE);
}

export function getNotTxTimestamped(): u64 { return notTxTimestamped; }
export function getNotReceived(): u64 { return notReceived; }
export function getFrameCount(): i32 { return frameCount; }
export function getDeadlineMisses(): i32 { return deadlineMisses; }
export function getTxSyncSum(): f64 { return txSyncSum; }
export function getRxSyncSum(): f64 { return rxSyncSum; }
export function getPathDelaySum(): f64 { return pathDelaySum; }
export function getWalkEnded(): bool { return walkEnded; }
export function getOutLen(): u32 { return outLen; }
export function resetOut(): void { outLen = 0; }
export function getErrorCode(): i32 { return errorCode; }
/** Whether reverse() pass 1 collects the metric values (off after setParams). */
export function setCollect(on: bool): void { doCollect = on; }
/** Values the last reverse() pass 1 put in COLLECT, per metric. */
export function getCollected(): u32 { return collected; }

// ---- printf program ----
// Ops are i32 words compiled by TS (src/verbs/report/printf.ts) with all the
// data-independent checks already resolved, in the C tool's order.
export const OP_END: i32 = 0;
export const OP_LIT: i32 = 1; // offset, length (into LIT)
export const OP_VAR: i32 = 2; // variable index, printf code char
export const OP_ERR: i32 = 3; // error id reported to TS
// Metric slot, offset and length (into LIT) of what to print instead when
// the summary would skip the packet (--packets: src/verbs/report/packets.ts).
export const OP_METRIC: i32 = 4;
// Error ids for the per-packet "buffer not large enough" checks.
export const ERR_BUF_LITERAL: i32 = 1000;
export const ERR_BUF_SIGNED: i32 = 1001;
export const ERR_BUF_UNSIGNED: i32 = 1002;
export const ERR_BUF_HEX: i32 = 1003;
export const ERR_BUF_TIME: i32 = 1004;

function runProgram(): bool {
  const start = outLen;
  let p = PROG;
  while (true) {
    const op = load<i32>(p);
    if (op == OP_LIT) {
      const len = load<u32>(p, 8);
      if (outLen - start + len >= PRINTF_BUF) return fail(start, ERR_BUF_LITERAL);
      memory.copy(OUT + outLen, LIT + load<u32>(p, 4), len);
      outLen += len;
      p += 12;
    } else if (op == OP_VAR) {
      const v = load<i64>(VARS + (load<u32>(p, 4) << 3));
      const code = load<i32>(p, 8);
      let len: u32 = 0;
      let err: i32 = 0;
      if (code == 0x64) { len = fmtI64(SCRATCH, v); err = ERR_BUF_SIGNED; }
      else if (code == 0x75) { len = fmtU64(SCRATCH, <u64>v); err = ERR_BUF_UNSIGNED; }
      else if (code == 0x78) { len = fmtHex(SCRATCH, <u64>v); err = ERR_BUF_HEX; }
      else { len = fmtTimespec(SCRATCH, v); err = ERR_BUF_TIME; }
      if (outLen - start + len >= PRINTF_BUF) return fail(start, err);
      memory.copy(OUT + outLen, SCRATCH, len);
      outLen += len;
      p += 12;
    } else if (op == OP_METRIC) {
      // Unused packet: the op's literal (CSV empty, JSON null), not a number.
      let from = LIT + load<u32>(p, 8);
      let len = load<u32>(p, 12);
      if (rowUsed) {
        len = fmtI64(SCRATCH, load<i64>(VALUES + (<usize>load<u32>(p, 4) << 3)));
        from = SCRATCH;
      }
      if (outLen - start + len >= PRINTF_BUF) return fail(start, ERR_BUF_SIGNED);
      memory.copy(OUT + outLen, from, len);
      outLen += len;
      p += 16;
    } else if (op == OP_ERR) {
      return fail(start, load<i32>(p, 4));
    } else {
      return true;
    }
  }
  return true;
}

function fail(start: u32, code: i32): bool {
  // The C tool prints a packet only once it is complete: drop the partial.
  outLen = start;
  errorCode = code;
  return false;
}

/**
 * Walks packets seqStart+from .. seqStart+n-1 (the chunk's sender records
 * start at seqid seqStart). rcvN receiver records of the chunk are present.
 * Returns the index reached, or -1 on a printf error (see getErrorCode()).
 * Stops early when the output buffer is nearly full or the log ends.
 */
export function forward(seqStart: u32, from: u32, n: u32, rcvN: u32): i32 {
  for (let i = from; i < n; i++) {
    const seqid = seqStart + i;
    const sp = SEND + <usize>(i * SEND_RECORD_SIZE);
    if (loadBe32(sp + SEND_SEQID) != seqid) {
      // Incomplete sender log: the C walk stops silently here.
      walkEnded = true;
      return <i32>i;
    }
    const scheduled = loadBe64(sp + SEND_SCHEDULED);
    const wakeup = loadBe64(sp + SEND_WAKEUP);
    const hwts = loadBe64(sp + SEND_HWTS);
    const swts = loadBe64(sp + SEND_SWTS);
    const schedTs = loadBe64(sp + SEND_SCHED_TS);
    let missing = false;
    if (swts == 0 || schedTs == 0 || (hwts == 0 && !swMode)) {
      notTxTimestamped++;
      missing = true;
    }
    let arrival: i64 = 0, rxHwts: i64 = 0, rxSwts: i64 = 0;
    const rp = RCV + <usize>(i * RCV_RECORD_SIZE);
    if (i < rcvN && loadBe32(rp + RCV_SEQID) == seqid) {
      arrival = loadBe64(rp + RCV_ARRIVAL);
      rxHwts = loadBe64(rp + RCV_HWTS);
      rxSwts = loadBe64(rp + RCV_SWTS);
    } else {
      notReceived++;
      missing = true;
    }
    if (doPrintf) {
      // The packet's metrics as the summary computes them, for OP_METRIC.
      rowUsed = !missing;
      if (rowUsed) {
        computeMetrics(VALUES, scheduled, wakeup, swMode ? swts : hwts, swts, schedTs,
          swMode ? rxSwts : rxHwts, arrival, advanceTime, macMode);
      }
      store<i64>(VARS + (V_S << 3), scheduled);
      store<i64>(VARS + (V_w << 3), wakeup);
      store<i64>(VARS + (V_T << 3), hwts);
      store<i64>(VARS + (V_t << 3), swts);
      store<i64>(VARS + (V_s << 3), schedTs);
      store<i64>(VARS + (V_q << 3), <i64>seqid);
      store<i64>(VARS + (V_a << 3), arrival);
      store<i64>(VARS + (V_R << 3), rxHwts);
      store<i64>(VARS + (V_r << 3), rxSwts);
      if (!runProgram()) return -1;
    }
    if (doSummary && !missing) {
      const txHw = swMode ? swts : hwts;
      const rxHw = swMode ? rxSwts : rxHwts;
      if (txHw > scheduled) deadlineMisses++;
      frameCount++;
      // Forward order, as the C code adds these while walking.
      txSyncSum += <f64>(txHw - swts);
      rxSyncSum += <f64>(rxHw - rxSwts);
      pathDelaySum += <f64>(rxHw - txHw);
    }
    if (outLen > OUT_BYTES - OUT_SLACK) return <i32>(i + 1);
  }
  return <i32>n;
}

/**
 * Statistics pass over packets seqStart .. seqStart+n-1 of the walked range,
 * highest seqid first. pass 1: min/max/sum; pass 2: squared deviations.
 */
export function reverse(seqStart: u32, n: u32, rcvN: u32, pass: i32): void {
  collected = 0;
  for (let i = <i32>n - 1; i >= 0; i--) {
    const seqid = seqStart + <u32>i;
    const sp = SEND + <usize>(<u32>i * SEND_RECORD_SIZE);
    const scheduled = loadBe64(sp + SEND_SCHEDULED);
    const wakeup = loadBe64(sp + SEND_WAKEUP);
    const hwts = loadBe64(sp + SEND_HWTS);
    const swts = loadBe64(sp + SEND_SWTS);
    const schedTs = loadBe64(sp + SEND_SCHED_TS);
    if (swts == 0 || schedTs == 0 || (hwts == 0 && !swMode)) continue;
    const rp = RCV + <usize>(<u32>i * RCV_RECORD_SIZE);
    if (<u32>i >= rcvN || loadBe32(rp + RCV_SEQID) != seqid) continue;
    const arrival = loadBe64(rp + RCV_ARRIVAL);
    const rxSwts = loadBe64(rp + RCV_SWTS);
    const txTs = swMode ? swts : hwts;
    const rxTs = swMode ? rxSwts : loadBe64(rp + RCV_HWTS);
    computeMetrics(VALUES, scheduled, wakeup, txTs, swts, schedTs, rxTs, arrival, advanceTime, macMode);
    if (pass == 1) {
      for (let m: u32 = 0; m < METRIC_COUNT; m++) {
        accAdd(ACCS + <usize>(m * ACC_SIZE), load<i64>(VALUES + (<usize>m << 3)), seqid);
      }
      if (doCollect) {
        for (let m: u32 = 0; m < METRIC_COUNT; m++) {
          store<f64>(COLLECT + (<usize>(m * CHUNK + collected) << 3), <f64>load<i64>(VALUES + (<usize>m << 3)));
        }
        store<u32>(COLLECT_SEQ + (<usize>collected << 2), seqid);
        collected++;
      }
    } else {
      for (let m: u32 = 0; m < METRIC_COUNT; m++) {
        accAddDeviation(ACCS + <usize>(m * ACC_SIZE), load<i64>(VALUES + (<usize>m << 3)));
      }
    }
  }
}

export function finishMeans(): void {
  for (let m: u32 = 0; m < METRIC_COUNT; m++) accFinishMean(ACCS + m * ACC_SIZE, frameCount);
}

export function finishStddevs(): void {
  for (let m: u32 = 0; m < METRIC_COUNT; m++) accFinishStddev(ACCS + m * ACC_SIZE, frameCount);
}

// ---- the C tool's single-precision percentages ----
export function pctOfCount(a: u64, b: u64): f64 { return percentF32U64(a, b); }
export function pctOfInt(a: i64, b: i64): f64 { return percentF32I64(a, b); }
