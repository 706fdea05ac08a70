// The doctor's vocabulary, defined once: the check ids (in the order they run
// and print), the statuses, and the shape of one finding. The JSON schema in
// docs/doctor.schema.json lists the same ids; a test keeps them equal.

export const CHECK_IDS = ['interface', 'hw-timestamping', 'sw-timestamping', 'phc', 'ptp4l', 'tai-offset', 'qdisc', 'realtime'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * ok: ready as found. warn: isochron runs, but only with the option in `fix`
 * or with less than it could measure. fail: a test cannot run as asked until
 * `fix` is done. skip: nothing to check (e.g. no interface given).
 */
export const CHECK_STATUSES = ['ok', 'warn', 'fail', 'skip'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** What was found, one line. */
  detail: string;
  /** For warn/fail: the concrete fix (the option to add, the command to run); null when ok or skipped. */
  fix: string | null;
}

/** The schema name of the JSON report; bumped when a field changes meaning. */
export const DOCTOR_SCHEMA = 'isochron-doctor/1';

export interface DoctorReport {
  schema: typeof DOCTOR_SCHEMA;
  /** -i, or null when none was given (the interface's checks are skipped). */
  interface: string | null;
  checks: CheckResult[];
}

export function ok(id: CheckId, detail: string): CheckResult {
  return { id, status: 'ok', detail, fix: null };
}

export function skip(id: CheckId, detail: string): CheckResult {
  return { id, status: 'skip', detail, fix: null };
}

export function notOk(id: CheckId, status: 'warn' | 'fail', detail: string, fix: string): CheckResult {
  return { id, status, detail, fix };
}
