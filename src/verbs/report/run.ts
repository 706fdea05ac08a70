// `isochron report`: load a .dat file, print per-packet printf lines and/or
// the summary. Mirrors the C flow: escapes in the format are replaced first
// (errors there come before the file is opened), then the file is loaded and
// checked, then the walk runs. Returns the process exit status (the low 8
// bits of the C tool's negative errno); never throws.
import { exitStatusForErrno, isIsochronError, IsochronError } from '../../core/errors.js';
import { openDat } from '../../engine/dat/reader.js';
import { DatFlags } from '../../engine/dat/layout.js';
import type { ReportOptions } from './request.js';
import { replaceEscapes } from './escapes.js';
import { compilePrintf } from './printf.js';
import { walkReport } from './walk.js';
import { formatSummaryText } from './summary-text.js';
import { formatSummaryCsv, formatSummaryJson } from './summary-data.js';
import { summarize } from '../../engine/report/summary.js';
import { FdWriter } from './output.js';
import { ReportInternal } from './errors.js';
import { DatSeekFailed } from '../../engine/dat/errors.js';
import { errnoAfterPerror } from './perror.js';
import { writePackets } from './packets.js';
import { reportRuns } from './runs.js';
import { reportCompare } from './compare.js';

/** Where the report writes; the CLI uses the process's fd 1 and 2. */
export interface ReportIo {
  stdoutFd: number;
  stderrFd: number;
}

const PROCESS_IO: ReportIo = { stdoutFd: 1, stderrFd: 2 };

export async function runReport(opts: ReportOptions, io: ReportIo = PROCESS_IO): Promise<number> {
  const out = new FdWriter(io.stdoutFd, 1 << 20);
  const err = new FdWriter(io.stderrFd, 1 << 12);
  let status = 0;
  try {
    status = await report(opts, out, err);
  } catch (e) {
    const error: IsochronError = isIsochronError(e) ? e : ReportInternal(e instanceof Error ? e.message : String(e));
    try {
      out.flush(); // output of packets before the error stays, as in C
    } catch {
      // stdout is gone; still report the original error
    }
    // printf errors quote a raw format byte: write it back as that byte.
    err.write(`${error.message}\n`, error.code.startsWith('ISOCHRON_ERR_PRINTF_') ? 'latin1' : 'utf8');
    status = error.exitStatus;
    // C reports a failed seek with perror(), which may replace errno before
    // C returns it: the same text can end with another status.
    if (error.code === DatSeekFailed.code) status = exitStatusForErrno(-errnoAfterPerror(-error.errno, io.stderrFd));
  }
  try {
    out.flush();
  } catch (e) {
    if (isIsochronError(e)) {
      err.write(`${e.message}\n`);
      status = status || e.exitStatus;
    }
  }
  try {
    err.flush();
  } catch {
    // nowhere left to say anything
  }
  return status;
}

async function report(opts: ReportOptions, out: FdWriter, err: FdWriter): Promise<number> {
  const fmt = replaceEscapes(Buffer.from(opts.printfFormat ?? '', 'utf8'));
  const program = compilePrintf(fmt, Buffer.from(opts.printfArgs ?? '', 'utf8'));
  if (opts.compare) return reportCompare(opts, out);
  if (opts.inputFiles || opts.failIf) return reportRuns(opts, program, out, err);
  const src = openDat(opts.inputFile);
  try {
    if (opts.packets) {
      writePackets(src, opts.packets, opts.start, opts.stop, out);
      return 0;
    }
    const h = src.header;
    const softwareTimestamps = (h.flags & DatFlags.OMIT_HWTS) !== 0;
    const format = opts.format ?? 'text';
    const macMode = (h.flags & (DatFlags.TAPRIO | DatFlags.TXTIME)) !== 0;
    // Only a run that asks for a histogram or plot loads their code: report's start-up stays small.
    const views = opts.histogram !== undefined || opts.plot !== undefined
      ? (await import('./views.js')).reportViews(opts, macMode) : undefined;
    const result = walkReport(src, {
      start: opts.start || 1,
      stop: opts.stop || h.packetCount,
      summary: opts.summary || views !== undefined,
      program,
      softwareTimestamps,
      percentiles: format !== 'text' || views !== undefined,
      ...(views ? { onValues: views.onValues } : {}),
    }, out);
    if (opts.summary || views) {
      const summary = summarize(result, {
        cycleTime: h.cycleTime,
        omitSync: (h.flags & DatFlags.OMIT_SYNC) !== 0,
        macMode: (h.flags & (DatFlags.TAPRIO | DatFlags.TXTIME)) !== 0,
        softwareTimestamps,
      });
      if (opts.summary) {
        out.write(format === 'json' ? formatSummaryJson(summary, [opts.inputFile])
          : format === 'csv' ? formatSummaryCsv(summary) : formatSummaryText(summary));
      }
      await views?.finish(summary, out);
    }
    return 0;
  } finally {
    src.close();
  }
}
