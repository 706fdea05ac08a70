// isochron doctor: probes a node for what a latency test needs (see docs/doctor.md).
export { CHECK_IDS, CHECK_STATUSES, DOCTOR_SCHEMA, type CheckId, type CheckStatus, type CheckResult, type DoctorReport } from './ids.js';
export { runDoctor, doctorExitStatus } from './doctor.js';
export type { DoctorContext, Findings, Check } from './context.js';
export { hostQdiscProbe, TSN_QDISCS, type QdiscProbe, type SchedulerSupport, type TsnQdisc } from './qdisc-probe.js';
