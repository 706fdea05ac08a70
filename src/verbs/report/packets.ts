// `report --packets csv|jsonl`: one row per packet with named columns, for
// scripts that today loop over --printf-format. The row is a printf program
// (the ops of printf.ts plus OP_METRIC) run by the same WASM walk as
// --printf-format (walk.ts), so --start/--stop, the stop at an incomplete
// sender log and the zeros of missing timestamps are the C printf's, and the
// metric values are the summary's own arithmetic (assembly/lib/metrics.ts).
//
//   columns: seqid, the packet's timestamps (printf letters S w T t s a R r,
//   raw, 0 when missing as C prints them), then each reported metric; a
//   metric is empty (CSV) / null (JSONL) for a packet the summary skips.
import type { DatSource } from '../../engine/dat/reader.js';
import { DatFlags } from '../../engine/dat/layout.js';
import { REPORTED_METRICS, metricName } from '../../engine/report/metrics.js';
import { metricSlot, reportEngine } from '../../engine/report/engine.js';
import { OP_END, OP_LIT, OP_VAR, VARIABLES, type PrintfProgram } from './printf.js';
import type { PacketFormat } from './request.js';
import type { FdWriter } from './output.js';
import { walkReport } from './walk.js';

/** assembly/report.ts OP_METRIC: slot, then the literal printed for a packet the summary skips. */
export const OP_METRIC = 4;

/**
 * The per-packet timestamp columns: printf variable letter and column name
 * (the variable's meaning in docs/report.md). The header's constants
 * (A B C H W) are the same on every row and are left out.
 */
export const TIMESTAMP_COLUMNS = [
  ['S', 'scheduled'],
  ['w', 'wakeup'],
  ['T', 'tx-hw-timestamp'],
  ['t', 'tx-sw-timestamp'],
  ['s', 'tx-sched-timestamp'],
  ['a', 'arrival'],
  ['R', 'rx-hw-timestamp'],
  ['r', 'rx-sw-timestamp'],
] as const;

const D = 0x64; // printf %d: signed ns, as the C printf prints a timestamp with %d
const U = 0x75; // %u: the seqid

/** The column names of a file with (macMode) or without taprio/txtime, in row order. */
export function packetColumns(macMode: boolean): string[] {
  return ['seqid', ...TIMESTAMP_COLUMNS.map(([, name]) => name), ...REPORTED_METRICS.map((m) => metricName(m.key, macMode))];
}

/** Builds the row program for one format; `slotOf` gives a metric row's engine slot. */
export function compilePacketRow(
  format: PacketFormat, macMode: boolean, slotOf: (slot: (typeof REPORTED_METRICS)[number]['slot']) => number,
): PrintfProgram {
  const words: number[] = [];
  const lits: number[] = [];
  const literal = (text: string): [number, number] => {
    const at = lits.length;
    for (const b of Buffer.from(text, 'utf8')) lits.push(b);
    return [at, lits.length - at];
  };
  const lit = (text: string): void => {
    const [at, len] = literal(text);
    words.push(OP_LIT, at, len);
  };
  const json = format === 'jsonl';
  const names = packetColumns(macMode);
  // Before each column: CSV a comma (none before the first), JSON its key.
  const before = (i: number): string => (json ? `${i === 0 ? '{' : ','}${JSON.stringify(names[i])}:` : i === 0 ? '' : ',');
  let col = 0;
  const prefix = (): void => {
    const text = before(col++);
    if (text !== '') lit(text);
  };
  prefix();
  words.push(OP_VAR, VARIABLES.indexOf('q'), U);
  for (const [letter] of TIMESTAMP_COLUMNS) {
    prefix();
    words.push(OP_VAR, VARIABLES.indexOf(letter), D);
  }
  const [nullAt, nullLen] = literal(json ? 'null' : '');
  for (const m of REPORTED_METRICS) {
    prefix();
    words.push(OP_METRIC, slotOf(m.slot), nullAt, nullLen);
  }
  lit(json ? '}\n' : '\n');
  words.push(OP_END);
  return { words: Int32Array.from(words), literals: Uint8Array.from(lits), staticErrors: [], active: true };
}

/** The text before the first row: CSV's header line; nothing for JSONL. */
export function packetPreamble(format: PacketFormat, macMode: boolean): string {
  return format === 'csv' ? `${packetColumns(macMode).join(',')}\n` : '';
}

/**
 * Writes the rows of packets start..stop (0 = the C defaults) of an open
 * file to `out`. Errors are the walk's (ReportOutOfBounds before anything
 * is written).
 */
export function writePackets(src: DatSource, format: PacketFormat, start: number, stop: number, out: FdWriter): void {
  const h = src.header;
  const macMode = (h.flags & (DatFlags.TAPRIO | DatFlags.TXTIME)) !== 0;
  const w = reportEngine();
  walkReport(src, {
    start: start || 1,
    stop: stop || h.packetCount,
    summary: false,
    program: compilePacketRow(format, macMode, (slot) => metricSlot(w, slot)),
    softwareTimestamps: (h.flags & DatFlags.OMIT_HWTS) !== 0,
    preamble: packetPreamble(format, macMode),
  }, out);
}
