// Errors of the report engine beyond the C tool's (its own are in
// src/verbs/report/errors.ts and src/engine/dat/errors.ts). Codes are stable.
import { defineError, Errno } from '../../core/errors.js';

/**
 * The percentiles hold every used packet's metric values (8 bytes per packet
 * per metric) and this process could not get that much memory.
 */
export const ReportPercentileMemory = defineError('ISOCHRON_ERR_REPORT_PERCENTILE_MEMORY', Errno.ENOMEM,
  (packets: number, megabytes: number) =>
    `Cannot hold the values of ${packets} packets for the percentiles (${megabytes} MB): ` +
    'print the text summary (no --format), or narrow the range with --start/--stop');
