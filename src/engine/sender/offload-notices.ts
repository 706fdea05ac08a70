// Said once on stderr before a send runs: options that cannot take effect
// on this interface (the C tool runs with them without a word, and the
// user then reads a report that assumes a schedule nobody enforced).
import type { SendPlan } from './plan.js';

/**
 * The notices for `plan` given the interface's qdisc kinds (src/sys/qdisc.ts;
 * null = unknown: nothing is said). One line each, ending in "\n".
 */
export function offloadNotices(plan: Pick<SendPlan, 'ifname' | 'txtime' | 'taprio' | 'deadline'>, kinds: readonly string[] | null): string[] {
  if (kinds === null) return [];
  const has = (k: string): boolean => kinds.includes(k);
  const present = `qdiscs: ${kinds.join(', ') || 'none'}`;
  const lines: string[] = [];
  if (plan.txtime && !has('etf') && !has('taprio')) {
    lines.push(`Note: --txtime has no effect on ${plan.ifname}: it has no etf or taprio qdisc (${present}), so frames leave when sent and their launch time is not enforced`);
  }
  if (plan.deadline && !has('etf')) {
    lines.push(`Note: --deadline has no effect on ${plan.ifname}: it needs an etf qdisc with deadline_mode (${present})`);
  }
  if (plan.taprio && !has('taprio')) {
    lines.push(`Note: --taprio has no effect on ${plan.ifname}: it has no taprio qdisc (${present}), so no gate schedule applies to the frames`);
  }
  return lines.map((l) => `${l}\n`);
}

/** Said once when --utc-tai-offset is written to the kernel: it is the whole machine's setting, not this run's. */
export function utcTaiOffsetNotice(offset: number): string {
  return (
    `Note: --utc-tai-offset ${offset} set the kernel's UTC-TAI offset for the whole machine: ` +
    `CLOCK_TAI moved for every program, and the offset stays ${offset} after this run\n`
  );
}
