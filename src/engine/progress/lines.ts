// The status line's words, one function per state of a run (docs/progress.md
// shows each). Pure: the verbs pass the numbers, tests read the text.
import { formatDuration, formatRate } from './meters.js';

/** "N/TOTAL frames" (TOTAL 0: an endless run, "N frames"). */
export function framesOf(n: number, total: number): string {
  return total > 0 ? `${n}/${total} frames` : `${n} frames`;
}

export interface SendingState {
  sent: number;
  total: number;
  /** frames/s */
  rate: number;
  missedDeadlines: number;
  /** Worst wakeup latency of the last second, ns (null: none yet). */
  worstWakeupLatency: bigint | null;
}

/** `send` while its loops run ("max wakeup": the worst wakeup latency of the last second); fits 80 columns up to 100 000-frame runs. */
export function sendingLine(who: string, s: SendingState): string {
  const worst = s.worstWakeupLatency === null ? '' : `, max wakeup ${formatDuration(s.worstWakeupLatency)}`;
  return `${who}: ${framesOf(s.sent, s.total)}, ${formatRate(s.rate)}, ${s.missedDeadlines} missed deadlines${worst}`;
}

/**
 * Any verb while its sync monitor holds the test back: how long, and what is
 * missing (the monitor's words, offsets included). `what` is "sync", or "the
 * link" when sync is not monitored (--omit-sync).
 */
export function waitingForSyncLine(who: string, elapsedMs: number, reasons: readonly string[], what = 'sync'): string {
  const why = reasons.length > 0 ? `: ${reasons.join('; ')}` : '';
  return `${who}: waiting for ${what} (${Math.floor(elapsedMs / 1000)} s)${why}`;
}

export interface ReceivingState {
  received: number;
  /** Frames the sender announced (PACKET_COUNT); 0 before a sender did. */
  expected: number;
  rate: number;
  /** Frames below the highest seqid seen that did not arrive (so far: late ones may still come). */
  lost: number;
}

/** `rcv` while a sender's test runs, or while it waits for one. */
export function receivingLine(s: ReceivingState): string {
  if (s.expected === 0) return `rcv: waiting for a sender, ${formatRate(s.rate)}`;
  return `rcv: ${framesOf(s.received, s.expected)}, ${formatRate(s.rate)}, ${s.lost} lost so far`;
}

export interface PairProgress {
  name: string;
  /** Frames the schedule says are out by now (from base time and cycle time). */
  due: number;
  total: number;
}

/** `orchestrate` while its senders run: where each pair's schedule is. */
export function orchestratingLine(elapsedMs: number, pairs: readonly PairProgress[]): string {
  const each = pairs.map((p) => `${p.name} ${framesOf(p.due, p.total)}`).join(', ');
  return `orchestrate: test running (${Math.floor(elapsedMs / 1000)} s), by schedule: ${each}`;
}
