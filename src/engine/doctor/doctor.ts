// Runs every check in CHECK_IDS order against one context. A check that
// throws something unexpected becomes a failed line with the error's text:
// the doctor always prints its whole report.
import { CHECK_IDS, DOCTOR_SCHEMA, type CheckResult, type DoctorReport } from './ids.js';
import { CHECKS } from './checks/index.js';
import type { DoctorContext, Findings } from './context.js';

export async function runDoctor(ctx: DoctorContext): Promise<DoctorReport> {
  const found: Findings = { interfaceExists: false, tsInfo: null, ptpUtcOffset: null };
  const checks: CheckResult[] = [];
  for (const id of CHECK_IDS) {
    try {
      checks.push(await CHECKS[id](ctx, found));
    } catch (err) {
      checks.push({ id, status: 'fail', detail: `the check itself failed: ${(err as Error).message}`, fix: 'report this as a bug of isochron doctor, with this line' });
    }
  }
  return { schema: DOCTOR_SCHEMA, interface: ctx.ifname, checks };
}

/** The doctor's exit status: 1 when any check failed, else 0. */
export function doctorExitStatus(report: DoctorReport): number {
  return report.checks.some((c) => c.status === 'fail') ? 1 : 0;
}
