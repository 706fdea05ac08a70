// A time series reduced to what a plot can show: one column per pixel, each
// keeping its smallest and largest value (and their seqids). A plotted line
// through every column's min and max draws exactly what the full series
// would at that width, so a single outlier among a million packets stays
// visible, while the page holds 2 points per pixel instead of a million.

/** The extremes of one metric per seqid column (see reduceByColumn). */
export interface ColumnExtremes {
  /** Seqid range covered: column c holds seqids [first + c * span / columns, ...). */
  first: number;
  last: number;
  columns: number;
  /** Per column: values seen (0 = empty column: min is +Infinity, max -Infinity). */
  count: Uint32Array;
  min: Float64Array;
  max: Float64Array;
  /** Seqid of the column's min / max (the first one met on ties). */
  minSeqid: Float64Array;
  maxSeqid: Float64Array;
}

/**
 * The column of `seqid` when seqids first..last are spread over `columns`
 * columns (first..last inclusive, columns >= 1). Seqids outside the range
 * are clamped to the first or last column.
 */
export function columnOf(seqid: number, first: number, last: number, columns: number): number {
  const span = last - first + 1;
  const c = Math.floor(((seqid - first) * columns) / span);
  return c < 0 ? 0 : c >= columns ? columns - 1 : c;
}

/**
 * Reduces (seqids[i], values[i]) pairs, in any order, to per-column
 * extremes over seqids first..last. The column count is at most `columns`
 * and at most the number of seqids in the range (one seqid per column
 * then). Pure: the inputs are not changed. `seqids` and `values` have the
 * same length; NaN values are not expected (metrics are integers).
 */
export function reduceByColumn(
  seqids: ArrayLike<number>, values: ArrayLike<number>, first: number, last: number, columns: number,
): ColumnExtremes {
  if (seqids.length !== values.length) throw new RangeError('seqids and values differ in length');
  if (!(last >= first) || !(columns >= 1)) throw new RangeError(`no column for seqids ${first}..${last} in ${columns} columns`);
  const cols = Math.min(Math.floor(columns), last - first + 1);
  const out: ColumnExtremes = {
    first, last, columns: cols,
    count: new Uint32Array(cols),
    min: new Float64Array(cols).fill(Infinity),
    max: new Float64Array(cols).fill(-Infinity),
    minSeqid: new Float64Array(cols),
    maxSeqid: new Float64Array(cols),
  };
  for (let i = 0; i < seqids.length; i++) {
    const seqid = seqids[i];
    const v = values[i];
    const c = columnOf(seqid, first, last, cols);
    out.count[c]++;
    // Ties keep the lower seqid, whatever order the pairs come in.
    if (v < out.min[c] || (v === out.min[c] && seqid < out.minSeqid[c])) {
      out.min[c] = v;
      out.minSeqid[c] = seqid;
    }
    if (v > out.max[c] || (v === out.max[c] && seqid < out.maxSeqid[c])) {
      out.max[c] = v;
      out.maxSeqid[c] = seqid;
    }
  }
  return out;
}

/**
 * The reduced series as (seqid, value) points in seqid order: each
 * non-empty column's min and max (one point when they are the same packet),
 * and a null value after a run of empty columns so that a line breaks there.
 */
export function columnPoints(r: ColumnExtremes): Array<[number, number | null]> {
  const pts: Array<[number, number | null]> = [];
  let gap = false;
  for (let c = 0; c < r.columns; c++) {
    if (r.count[c] === 0) {
      gap = true;
      continue;
    }
    const a: [number, number] = [r.minSeqid[c], r.min[c]];
    const b: [number, number] = [r.maxSeqid[c], r.max[c]];
    const [p, q] = a[0] <= b[0] ? [a, b] : [b, a];
    if (gap && pts.length > 0) pts.push([p[0], null]);
    gap = false;
    pts.push(p);
    if (q[0] !== p[0]) pts.push(q);
  }
  return pts;
}
