// Per-metric accumulators that reproduce the C tool's arithmetic exactly.
//
// The C report keeps per-packet metrics in a list built with LIST_INSERT_HEAD,
// so every statistic walks packets from the HIGHEST seqid down. Callers must
// feed values in that order: the mean is a running `double += (double)s64`
// (rounding depends on order), min/max keep the first strict improvement (so a
// tie reports the highest seqid), and the population stddev sums squared
// deviations in the same order.
//
// One accumulator is 64 bytes of linear memory:
//   0 sum f64 | 8 min i64 | 16 max i64 | 24 minSeq i32 | 28 maxSeq i32
//   32 mean f64 | 40 sumsqr f64 | 48 stddev f64 | 56 unused

export const ACC_SIZE: u32 = 64;
export const ACC_SUM: u32 = 0;
export const ACC_MIN: u32 = 8;
export const ACC_MAX: u32 = 16;
export const ACC_MIN_SEQ: u32 = 24;
export const ACC_MAX_SEQ: u32 = 28;
export const ACC_MEAN: u32 = 32;
export const ACC_SUMSQR: u32 = 40;
export const ACC_STDDEV: u32 = 48;

export function accReset(acc: usize): void {
  store<f64>(acc + ACC_SUM, 0);
  store<i64>(acc + ACC_MIN, i64.MAX_VALUE);
  store<i64>(acc + ACC_MAX, i64.MIN_VALUE);
  // No entries at all leaves both at seqid 1, like the C defaults.
  store<i32>(acc + ACC_MIN_SEQ, 1);
  store<i32>(acc + ACC_MAX_SEQ, 1);
  store<f64>(acc + ACC_MEAN, 0);
  store<f64>(acc + ACC_SUMSQR, 0);
  store<f64>(acc + ACC_STDDEV, 0);
}

/** First pass, highest seqid first: min, max and the running sum. */
@inline export function accAdd(acc: usize, val: i64, seqid: u32): void {
  if (val < load<i64>(acc + ACC_MIN)) {
    store<i64>(acc + ACC_MIN, val);
    store<i32>(acc + ACC_MIN_SEQ, <i32>seqid);
  }
  if (val > load<i64>(acc + ACC_MAX)) {
    store<i64>(acc + ACC_MAX, val);
    store<i32>(acc + ACC_MAX_SEQ, <i32>seqid);
  }
  store<f64>(acc + ACC_SUM, load<f64>(acc + ACC_SUM) + <f64>val);
}

/** Between the passes: mean = sum / n (n as a double, like the C cast). */
export function accFinishMean(acc: usize, n: i32): void {
  store<f64>(acc + ACC_MEAN, load<f64>(acc + ACC_SUM) / <f64>n);
}

/** Second pass, same order: squared deviation from the mean. */
@inline export function accAddDeviation(acc: usize, val: i64): void {
  const d = <f64>val - load<f64>(acc + ACC_MEAN);
  store<f64>(acc + ACC_SUMSQR, load<f64>(acc + ACC_SUMSQR) + d * d);
}

export function accFinishStddev(acc: usize, n: i32): void {
  store<f64>(acc + ACC_STDDEV, Math.sqrt(load<f64>(acc + ACC_SUMSQR) / <f64>n));
}

// Percentages the C code computes in single precision: `100.0f * a / b`
// with integer a and b converts each integer to float and divides in float.
@inline export function percentF32I64(a: i64, b: i64): f64 {
  return <f64>((<f32>100.0 * <f32>a) / <f32>b);
}

@inline export function percentF32U64(a: u64, b: u64): f64 {
  return <f64>((<f32>100.0 * <f32>a) / <f32>b);
}
