// Standalone statistics over a series of s64 values in linear memory, with
// the C report's exact arithmetic (see lib/stats.ts). Element k of the series
// belongs to seqid k+1; like the C metric list, values are visited from the
// last element to the first. Used by tests to check the math in isolation and
// available to any tool that needs C-identical summaries of a series.
import { ACC_SIZE, accReset, accAdd, accAddDeviation, accFinishMean, accFinishStddev } from './lib/stats';

const BASE: usize = (__heap_base + 65535) & ~(<usize>65535);
const ACC: usize = BASE;
const DATA: usize = BASE + 65536;

export function dataBuf(): usize { return DATA; }
export function accBuf(): usize { return ACC; }

/** Makes room for n values at dataBuf(); returns false if memory cannot grow. */
export function reserve(n: u32): bool {
  const end = DATA + (<usize>n << 3);
  const need = <i32>((end + 65535) >> 16);
  const have = memory.size();
  if (have < need) return memory.grow(need - have) >= 0;
  return true;
}

/** Computes min/max/mean/stddev of n i64 values (little-endian) at dataBuf(). */
export function seriesStats(n: u32): void {
  accReset(ACC);
  for (let i = <i32>n - 1; i >= 0; i--) accAdd(ACC, load<i64>(DATA + (<usize>i << 3)), <u32>i + 1);
  accFinishMean(ACC, <i32>n);
  for (let i = <i32>n - 1; i >= 0; i--) accAddDeviation(ACC, load<i64>(DATA + (<usize>i << 3)));
  accFinishStddev(ACC, <i32>n);
}

export function accSize(): u32 { return ACC_SIZE; }
