// `report` over several files at once (-F a.dat -F b.dat ...: one summary of
// their union) and with --fail-if gates (one file or several). Every file is
// opened and checked before anything is printed, so a bad second file loses
// no output; then each is walked in argv order (printf lines file after
// file), the walks are merged (src/engine/report/merge.ts) and summarised
// like one file's walk. A single file without gates never comes here: run.ts
// keeps the C tool's path for it.
import { openDat, type DatSource } from '../../engine/dat/reader.js';
import { DatFlags, type DatHeader } from '../../engine/dat/layout.js';
import { mergeWalks } from '../../engine/report/merge.js';
import { summarize, type SummaryContext, type WalkCounts } from '../../engine/report/summary.js';
import type { ReportOptions } from './request.js';
import type { PrintfProgram } from './printf.js';
import { walkReport } from './walk.js';
import { formatSummaryText } from './summary-text.js';
import { formatSummaryCsv, formatSummaryJson } from './summary-data.js';
import { failedConditions } from './fail-if.js';
import { ReportMergeMismatch, ReportOutOfBounds } from './errors.js';
import { IsochronError } from '../../core/errors.js';
import type { FdWriter } from './output.js';

/** Exit status when a --fail-if condition holds (the report itself worked). */
export const FAIL_IF_STATUS = 1;

/** The header facts a summary depends on. */
export function contextOf(h: DatHeader): SummaryContext {
  return {
    cycleTime: h.cycleTime,
    omitSync: (h.flags & DatFlags.OMIT_SYNC) !== 0,
    macMode: (h.flags & (DatFlags.TAPRIO | DatFlags.TXTIME)) !== 0,
    softwareTimestamps: (h.flags & DatFlags.OMIT_HWTS) !== 0,
  };
}

/** What a walk over one file gathers beyond printf's lines. */
export interface Gather {
  summary: boolean;
  percentiles: boolean;
  keepValues: boolean;
}

/**
 * Throws C's ReportOutOfBounds when opts' --start/--stop range (0: the C
 * defaults) is not within the file's sender log, with a line after C's that
 * names the file (C's text names none, and with several files it matters).
 */
export function checkRange(src: DatSource, opts: ReportOptions): void {
  const start = opts.start || 1;
  const stop = opts.stop || src.header.packetCount;
  if (start <= src.sendCount && stop !== 0 && stop <= src.sendCount) return;
  const e = ReportOutOfBounds();
  throw new IsochronError(e.code, `${e.message}\n${src.path}: the range is ${start} to ${stop} (--start/--stop; 0 or left out: ` +
    `1 and the header's packet count), its sender log has packets 1 to ${src.sendCount}`, { errno: e.errno });
}

/** Walks one opened file over opts' --start/--stop range (0: the C defaults). */
export function walkSource(src: DatSource, opts: ReportOptions, program: PrintfProgram, gather: Gather, out: FdWriter): WalkCounts {
  checkRange(src, opts);
  return walkReport(src, {
    start: opts.start || 1,
    stop: opts.stop || src.header.packetCount,
    program,
    softwareTimestamps: contextOf(src.header).softwareTimestamps,
    ...gather,
  }, out);
}

/** Opens every file (the first failure is thrown, after closing the others). */
export function openAll(files: readonly string[]): DatSource[] {
  const opened: DatSource[] = [];
  try {
    for (const f of files) opened.push(openDat(f));
    return opened;
  } catch (e) {
    for (const s of opened) s.close();
    throw e;
  }
}

/**
 * The context of the merged files, or ReportMergeMismatch when two files'
 * metrics mean different things: software against hardware timestamps,
 * taprio/txtime against neither (latency-budget and mac-latency have
 * opposite signs), different cycle times (the text's shares of the cycle
 * time). The sync checks run only when no file has OMIT_SYNC.
 */
export function mergedContext(files: readonly string[], headers: readonly DatHeader[]): SummaryContext {
  const ctx = headers.map(contextOf);
  const first = ctx[0];
  for (let i = 1; i < ctx.length; i++) {
    const c = ctx[i];
    const mismatch = (what: string): never => {
      throw ReportMergeMismatch(files[0], files[i], what);
    };
    const kind = (x: SummaryContext): string => (x.softwareTimestamps ? 'software timestamps only (OMIT_HWTS)' : 'hardware timestamps');
    if (c.softwareTimestamps !== first.softwareTimestamps) mismatch(`the first has ${kind(first)}, the other ${kind(c)}`);
    const mode = (x: SummaryContext): string => (x.macMode ? 'with taprio or txtime' : 'without taprio or txtime');
    if (c.macMode !== first.macMode) {
      mismatch(`the first was sent ${mode(first)}, the other ${mode(c)} (latency-budget against mac-latency)`);
    }
    if (c.cycleTime !== first.cycleTime) {
      mismatch(`their cycle times differ (${first.cycleTime} ns and ${c.cycleTime} ns); compare them with --compare`);
    }
  }
  return { ...first, omitSync: ctx.some((c) => c.omitSync) };
}

/** The merged text summary's first line, before the C layout. */
export function mergedHeading(files: readonly string[]): string {
  return `Summary of ${files.length} files merged: ${files.join(', ')}\n`;
}

/**
 * Runs report over `opts.inputFiles` (merged) or the one input file with
 * --fail-if. Returns the exit status: 0, or FAIL_IF_STATUS when a gate holds
 * (each one that holds is written to `err`). Throws the load and walk errors.
 */
export function reportRuns(opts: ReportOptions, program: PrintfProgram, out: FdWriter, err: FdWriter): number {
  const files = opts.inputFiles ?? [opts.inputFile];
  const gates = opts.failIf ?? [];
  const format = opts.format ?? 'text';
  const summary = opts.summary || gates.length > 0;
  const percentiles = summary && (format !== 'text' || gates.length > 0);
  const merging = files.length > 1;
  const sources = openAll(files);
  try {
    const ctx = mergedContext(files, sources.map((s) => s.header));
    // Every range first: a file out of range must not leave another file's printf lines behind.
    for (const s of sources) checkRange(s, opts);
    const walks = sources.map((src, i) => ({
      file: files[i],
      walk: walkSource(src, opts, program, { summary, percentiles, keepValues: merging && percentiles }, out),
    }));
    if (!summary) return 0;
    const result = summarize(merging ? mergeWalks(walks, percentiles) : walks[0].walk, ctx);
    if (opts.summary) {
      out.write(format === 'json' ? formatSummaryJson(result, files)
        : format === 'csv' ? formatSummaryCsv(result)
          : (merging ? mergedHeading(files) : '') + formatSummaryText(result));
    }
    const failed = failedConditions(gates, result);
    for (const line of failed) err.write(`${line}\n`);
    return failed.length > 0 ? FAIL_IF_STATUS : 0;
  } finally {
    for (const s of sources) s.close();
  }
}
