// Writes --plot's file: an .svg of one metric's chart, or the .html page
// with every metric's chart and the summary tables.
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { strerror } from '../../../core/errno-text.js';
import type { ReportSummary } from '../../../engine/report/summary.js';
import type { PlotRequest } from './args.js';
import { CHART, metricChartOption } from './chart.js';
import type { PlotData } from './data.js';
import { ReportPlotWriteFailed } from './errors.js';
import { plotPage } from './page.js';
import { renderSvg } from './render.js';

/** The line under each chart's name: what was plotted from where. */
function subtitle(file: string, data: PlotData, summary: ReportSummary): string {
  const used = summary.statistics?.used ?? 0;
  return `${file}: seqids ${data.first}..${data.last}, ${used} packets used, ${summary.timestamps} timestamps`;
}

/** An SVG that says there is nothing to plot (no packet was usable). */
async function emptySvg(file: string): Promise<string> {
  return renderSvg({
    animation: false, backgroundColor: '#ffffff',
    title: { text: 'Nothing to plot', subtext: `${file}: no packet was sent, TX timestamped and received`, left: 'center', top: 'middle' },
  }, CHART.width, 200);
}

/**
 * The plot's file content (`data` absent when no packet was usable).
 * `file` is the input path as given, shown in titles.
 */
export async function plotContent(req: PlotRequest, file: string, summary: ReportSummary, data: PlotData | undefined): Promise<string> {
  if (req.kind === 'svg') {
    const m = data?.metrics.find((x) => x.key === req.metric);
    if (!data || !m) return emptySvg(file);
    return renderSvg(metricChartOption(data, m, subtitle(file, data, summary)), CHART.width, CHART.height);
  }
  const charts: Array<{ name: string; svg: string }> = [];
  for (const m of data?.metrics ?? []) {
    if (!data) break;
    charts.push({ name: m.name, svg: await renderSvg(metricChartOption(data, m, subtitle(file, data, summary)), CHART.width, CHART.height) });
  }
  return plotPage(file, summary, data?.first ?? 0, data?.last ?? 0, charts);
}

/**
 * Writes the plot. The file is opened before the charts are rendered (a few
 * seconds for a big run), so a folder that does not exist or cannot be
 * written fails at once; a rendering failure removes the empty file.
 * ReportPlotWriteFailed (with the system's errno and its C text) when the
 * file cannot be opened or written.
 */
export async function writePlot(req: PlotRequest, file: string, summary: ReportSummary, data: PlotData | undefined): Promise<void> {
  const failed = (e: unknown): Error => {
    const err = e as NodeJS.ErrnoException;
    const errno = err.errno ?? 0;
    return ReportPlotWriteFailed.with({ errno, cause: e }, req.path, errno ? strerror(-errno) : err.message);
  };
  let fd: number;
  try {
    fd = openSync(req.path, 'w');
  } catch (e) {
    throw failed(e);
  }
  try {
    let content: string;
    try {
      content = await plotContent(req, file, summary, data);
    } catch (e) {
      rmSync(req.path, { force: true });
      throw e;
    }
    try {
      writeFileSync(fd, content);
    } catch (e) {
      throw failed(e);
    }
  } finally {
    closeSync(fd);
  }
}
