// What `report` shows beyond the C tool's output from every used packet's
// values: the text histogram (--histogram) and the plots (--plot). The walk
// hands the values over once (WalkOptions.onValues); this module reduces
// them to what it prints or draws, so the values need not outlive the walk.
import type { PacketValues } from '../../engine/report/engine.js';
import { metricName } from '../../engine/report/metrics.js';
import type { ReportSummary } from '../../engine/report/summary.js';
import { formatHistogram } from './histogram.js';
import type { FdWriter } from './output.js';
import { PLOT_SHAPE } from './plot/chart.js';
import { plotData, type PlotData } from './plot/data.js';
import type { ReportOptions } from './request.js';

export interface ReportViews {
  /** The walk's values (WalkOptions.onValues); reorders them in place. */
  onValues(p: PacketValues, first: number, last: number): void;
  /** After the summary: prints the histogram, writes the plot. */
  finish(summary: ReportSummary, out: FdWriter): Promise<void>;
}

/** The views `opts` asks for, or undefined when none (the walk then keeps no values for them). */
export function reportViews(opts: ReportOptions, macMode: boolean): ReportViews | undefined {
  const { histogram, plot } = opts;
  if (histogram === undefined && plot === undefined) return undefined;
  let text: string | undefined;
  let data: PlotData | undefined;
  return {
    onValues(p, first, last) {
      // The plot reduces the time series before it sorts the values.
      if (plot) data = plotData(p, first, last, macMode, PLOT_SHAPE, plot.kind === 'svg' ? plot.metric : undefined);
      if (histogram !== undefined) {
        text = formatHistogram(metricName(histogram, macMode), p.values[histogram]);
      }
    },
    async finish(summary, out) {
      if (histogram !== undefined) {
        out.write(text ?? `${metricName(histogram, macMode)}: no packet was sent, TX timestamped and received: no histogram\n`);
      }
      if (plot) {
        // ECharts is loaded only now (src/verbs/report/plot/render.ts).
        const { writePlot } = await import('./plot/write.js');
        await writePlot(plot, opts.inputFile, summary, data);
      }
    },
  };
}
