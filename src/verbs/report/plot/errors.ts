// Errors of report's histogram and plots (--histogram, --plot,
// --plot-metric). The argument errors have the C tool's status for a bad
// option value (234) and the parse-failure line, like --format's.
import { defineError, Errno } from '../../../core/errors.js';
import { parseFailure } from '../../../args/errors.js';

/** --histogram or --plot-metric names no reported metric; the message lists the valid names. */
export const ReportBadMetric = defineError('ISOCHRON_ERR_REPORT_BAD_METRIC', Errno.EINVAL,
  (option: string, value: string, valid: string) =>
    parseFailure(Errno.EINVAL, `Unknown metric ${JSON.stringify(value)} for ${option}: expected one of ${valid}`));

/** --plot's file name ends neither in .svg nor in .html. */
export const ReportBadPlotFile = defineError('ISOCHRON_ERR_REPORT_BAD_PLOT_FILE', Errno.EINVAL, (value: string) =>
  parseFailure(Errno.EINVAL, `Cannot tell the plot's format from ${JSON.stringify(value)}: the file name must end in .svg or .html`));

/** --plot-metric without --plot, or with an .html plot (which has every metric). */
export const ReportPlotMetricUnused = defineError('ISOCHRON_ERR_REPORT_PLOT_METRIC_UNUSED', Errno.EINVAL, () =>
  parseFailure(Errno.EINVAL, '--plot-metric chooses the metric of an .svg plot: give --plot FILE.svg as well'));

/** The plot file could not be written (errno: the system's). */
export const ReportPlotWriteFailed = defineError('ISOCHRON_ERR_REPORT_PLOT_WRITE', Errno.EIO,
  (path: string, reason: string) => `Cannot write the plot to ${path}: ${reason}`);

/** --histogram or --plot with an option whose run they cannot draw (several -F, --compare, --fail-if, --packets). */
export const ReportViewsConflict = defineError('ISOCHRON_ERR_REPORT_VIEWS_CONFLICT', Errno.EINVAL, (view: string, other: string) =>
  parseFailure(Errno.EINVAL, `${view} draws one run's summary and cannot be combined with ${other}: run report once for each`));
