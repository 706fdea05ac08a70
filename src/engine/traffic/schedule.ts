// The C sender's time arithmetic, in bigint nanoseconds on CLOCK_TAI.
//
//   oper_base = base + shift, rolled forward by whole cycles until it is
//               at or after session_start + 0.5 s (TIME_MARGIN)
//   scheduled(k) = oper_base + (k - 1) * cycle          k = 1, 2, ... (seqid)
//   wakeup(k)    = scheduled(k) - advance               (clock_nanosleep target)
//
// The sender never skips a cycle: a late wakeup makes clock_nanosleep on a
// past absolute time return at once, so packets go out back to back until
// the schedule is caught up, each still carrying its own scheduled time.
import { AdvanceTimeTooHigh, CycleTimeNotPositive, ShiftTimeTooHigh, WindowSizeTooHigh } from './errors.js';

export const NSEC_PER_SEC = 1_000_000_000n;
/** C's TIME_MARGIN: the first packet is at least this far after session start. */
export const TIME_MARGIN = NSEC_PER_SEC / 2n;
/**
 * Ours, beside C's rule: the first wakeup (scheduled - advance) is at least
 * this far after session start. C only keeps the base time TIME_MARGIN
 * away, so with an advance time above TIME_MARGIN (a cycle of more than
 * 0.5 s with the default advance = cycle) its first wakeup can already be
 * past when the thread starts, and the first packet is late by up to
 * 0.5 s. With an advance of at most TIME_MARGIN - WAKEUP_MARGIN this rule
 * never moves the base time, so C's arithmetic is kept there.
 */
export const WAKEUP_MARGIN = NSEC_PER_SEC / 4n;

export interface ScheduleOptions {
  /** --base-time as given (0 when absent). */
  baseTime: bigint;
  /** --cycle-time. */
  cycleTime: bigint;
  /** --shift-time (0 when absent). */
  shiftTime: bigint;
  /** --advance-time; 0 (absent or given as 0) means "use the default". */
  advanceTime: bigint;
  /** --window-size (0 when absent). */
  windowSize: bigint;
}

export interface ResolvedSchedule extends ScheduleOptions {
  /** The effective advance time (also what the .dat header stores). */
  advanceTime: bigint;
}

/**
 * C: an advance time of 0 becomes cycle - window, so the packet is queued
 * one cycle early but not before the previous window closes.
 */
export function resolveAdvanceTime(advanceTime: bigint, cycleTime: bigint, windowSize: bigint): bigint {
  return advanceTime === 0n ? cycleTime - windowSize : advanceTime;
}

/**
 * Applies the default advance time and C's range checks (same order and
 * messages). We also reject a cycle time <= 0, which C accepts and then
 * divides by (SIGFPE) when rolling the base time forward.
 */
export function resolveSchedule(o: ScheduleOptions): ResolvedSchedule {
  if (o.cycleTime <= 0n) throw CycleTimeNotPositive(o.cycleTime);
  const advanceTime = resolveAdvanceTime(o.advanceTime, o.cycleTime, o.windowSize);
  if (advanceTime > o.cycleTime) throw AdvanceTimeTooHigh();
  if (o.shiftTime > o.cycleTime) throw ShiftTimeTooHigh();
  if (o.windowSize > o.cycleTime) throw WindowSizeTooHigh();
  return { ...o, advanceTime };
}

/**
 * C's future_base_time: base itself if not in the past, otherwise the first
 * base + N * cycle strictly after now (N = trunc((now - base) / cycle) + 1,
 * so a time exactly on a cycle boundary still moves one cycle on).
 */
export function futureBaseTime(baseTime: bigint, cycleTime: bigint, now: bigint): bigint {
  if (baseTime >= now) return baseTime;
  if (cycleTime <= 0n) throw CycleTimeNotPositive(cycleTime);
  const n = (now - baseTime) / cycleTime;
  return baseTime + (n + 1n) * cycleTime;
}

/** The operational base time: scheduled time of seqid 1. */
export function firstBaseTime(baseTime: bigint, shiftTime: bigint, cycleTime: bigint, sessionStart: bigint): bigint {
  return futureBaseTime(baseTime + shiftTime, cycleTime, sessionStart + TIME_MARGIN);
}

/** The sender's timeline for one session (one sync-ok attempt). */
export class SendSchedule {
  readonly operBaseTime: bigint;
  readonly cycleTime: bigint;
  readonly advanceTime: bigint;

  constructor(operBaseTime: bigint, cycleTime: bigint, advanceTime: bigint) {
    this.operBaseTime = operBaseTime;
    this.cycleTime = cycleTime;
    this.advanceTime = advanceTime;
  }

  /**
   * C's first base time, rolled on by whole cycles (the phase is kept) when
   * the first wakeup would be less than WAKEUP_MARGIN after `sessionStart`.
   */
  static start(s: ResolvedSchedule, sessionStart: bigint): SendSchedule {
    let oper = firstBaseTime(s.baseTime, s.shiftTime, s.cycleTime, sessionStart);
    if (oper - s.advanceTime < sessionStart + WAKEUP_MARGIN) oper = futureBaseTime(oper, s.cycleTime, sessionStart + WAKEUP_MARGIN + s.advanceTime);
    return new SendSchedule(oper, s.cycleTime, s.advanceTime);
  }

  /** First clock_nanosleep target; also where the TX timestamp thread waits before polling. */
  get firstWakeup(): bigint {
    return this.operBaseTime - this.advanceTime;
  }

  /** Scheduled TX time of seqid k (k >= 1). */
  scheduled(seqid: number | bigint): bigint {
    return this.operBaseTime + (BigInt(seqid) - 1n) * this.cycleTime;
  }

  /** Wakeup target of seqid k: scheduled(k) - advance. */
  wakeup(seqid: number | bigint): bigint {
    return this.scheduled(seqid) - this.advanceTime;
  }

  /**
   * How many whole cycles after its own wakeup target the sender woke for
   * seqid k (0 when on time). C does not act on this; it is for diagnostics.
   */
  wakeupCyclesLate(seqid: number, actualWakeup: bigint): bigint {
    const late = actualWakeup - this.wakeup(seqid);
    return late <= 0n ? 0n : late / this.cycleTime;
  }
}

/**
 * C's late-TX rule (checked only with --taprio or --txtime on a hardware
 * timestamp): whole cycles between scheduled and hwts, truncated toward 0
 * like C's integer division.
 */
export function lateTxCycles(hwts: bigint, scheduled: bigint, cycleTime: bigint): bigint {
  return (hwts - scheduled) / cycleTime;
}

export type TxCheck =
  | { kind: 'ok' }
  | { kind: 'premature' }
  | { kind: 'late'; cycles: bigint };

/**
 * What C concludes from a TX hardware timestamp with --taprio/--txtime:
 * "Premature transmission" if hwts < scheduled (not in deadline mode), and
 * "Late transmission by N cycles" if a whole cycle late (deadline mode: any
 * hwts after scheduled, N may then be 0). Either ends the timestamp thread.
 */
export function checkTxHwts(hwts: bigint, scheduled: bigint, cycleTime: bigint, deadline: boolean): TxCheck {
  if (!deadline && hwts < scheduled) return { kind: 'premature' };
  const cycles = lateTxCycles(hwts, scheduled, cycleTime);
  const late = deadline ? hwts > scheduled : cycles > 0n;
  return late ? { kind: 'late', cycles } : { kind: 'ok' };
}

// ------------------------------------------------------------ UTC vs TAI

/** Software timestamps are CLOCK_REALTIME (UTC); the logs hold TAI. */
export function utcToTai(utc: bigint, utcTaiOffset: number): bigint {
  return utc + BigInt(utcTaiOffset) * NSEC_PER_SEC;
}

export type UtcOffsetPlan =
  /** --utc-tai-offset given: C sets the kernel's TAI offset (adjtimex ADJ_TAI) and uses it. */
  | { source: 'option'; offset: number; setKernel: true }
  /** --omit-sync without the option: read it with adjtimex and say so on stderr. */
  | { source: 'kernel'; offset: number; setKernel: false; message: string }
  /** Sync monitoring on: ptp4l's currentUtcOffset decides later (kernel fixed up if different). */
  | { source: 'ptp'; setKernel: false };

/**
 * C sender rule. The receiver always behaves like the 'kernel' case unless
 * the option is given (it has no omit-sync switch): pass omitSync = true.
 */
export function planUtcTaiOffset(option: number | null, omitSync: boolean, kernelOffset: number): UtcOffsetPlan {
  if (option !== null && option !== -1) return { source: 'option', offset: option, setKernel: true };
  if (omitSync) {
    return {
      source: 'kernel',
      offset: kernelOffset,
      setKernel: false,
      message: `Using the kernel UTC-TAI offset which is ${kernelOffset}\n`,
    };
  }
  return { source: 'ptp', setKernel: false };
}

// ------------------------------------------------------------ formatting

/** C's ns_sprintf: "%ld.%09ld" of (ns / 1e9 truncated, |ns| % 1e9). */
export function formatNs(ns: bigint): string {
  const sec = ns / NSEC_PER_SEC;
  const nsec = (ns < 0n ? -ns : ns) % NSEC_PER_SEC;
  return `${sec}.${nsec.toString().padStart(9, '0')}`;
}

/** The four lines the send thread prints to stderr before its first sleep. */
export function scheduleBanner(sessionStart: bigint, s: SendSchedule): string {
  const line = (label: string, ns: bigint): string => `${label.padStart(12)}: ${formatNs(ns).padStart(22)}\n`;
  return (
    line('Now', sessionStart) +
    line('First wakeup', s.firstWakeup) +
    line('Base time', s.operBaseTime) +
    line('Cycle time', s.cycleTime)
  );
}
