// The doctor's report as text (one line per check: status, id, what was
// found, then the fix) or as the isochron-doctor/1 JSON document
// (docs/doctor.schema.json).
import type { DoctorReport } from '../../engine/doctor/ids.js';
import type { DoctorFormat } from './options.js';

const ID_WIDTH = 'hw-timestamping'.length;

export function formatDoctorText(report: DoctorReport): string {
  return report.checks
    .map((c) => `${c.status.padEnd(4)}  ${c.id.padEnd(ID_WIDTH)}  ${c.detail}${c.fix === null ? '' : `\n${' '.repeat(6 + ID_WIDTH)}  fix: ${c.fix}`}\n`)
    .join('');
}

export function formatDoctorReport(report: DoctorReport, format: DoctorFormat): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorText(report);
}
