// The receiver's per-client bookkeeping, as C does it, without sockets or
// timers: the loop feeds events in and performs the returned actions.
//
//   SET PACKET_COUNT n -> fresh log of n records, arm the 5 s data timer
//   data packet        -> re-arm the timer, log it; if the client is already
//                         waiting for the log and all n arrived, send it now
//   GET LOG            -> send the log if all arrived or the timer expired,
//                         otherwise hold the reply (the client blocks)
//   timer expiry       -> if a GET LOG is on hold: print the timeout line
//                         and send what arrived
//   client gone        -> forget count, waiting state and timeout
import { LogRcv, RcvLog } from './logs.js';

/** C's data timeout (timerfd on CLOCK_MONOTONIC, one-shot). */
export const RCV_DATA_TIMEOUT_MS = 5000;

export type RcvAction =
  | { kind: 'none' }
  /** Send RESPONSE LOG with `log.buffer` (then the session starts a fresh, zeroed log). */
  | { kind: 'send-log'; log: RcvLog; stderr: string | null }
  /** The GET LOG reply is deferred. */
  | { kind: 'hold' };

export type PacketOutcome =
  | { kind: 'logged'; action: RcvAction }
  /** stdout "Discarding seqid N\n" unless --quiet. */
  | { kind: 'discarded'; stdout: string }
  | { kind: 'zero-seqid' };

export class RcvSession {
  private log: RcvLog = new RcvLog(0);
  /** C's `iterations`: the count set by the current client (0 without one). */
  private expected = 0;
  /** C's `received_pkt_count`: not reset when the log is sent, only when the client leaves. */
  private received = 0;
  private timedOut = false;
  private waitingForLog = false;
  /** The highest seqid logged since the count was set (the status line's loss estimate). */
  private highest = 0;
  /** Whether the data timer should be running (the loop mirrors this in its timer). */
  timerArmed = false;

  get packetCount(): number {
    return this.expected;
  }

  get receivedCount(): number {
    return this.received;
  }

  /** Frames below the highest seqid logged that have not arrived (yet: a late one may still come). */
  get missingBelowHighest(): number {
    return Math.max(0, this.highest - this.received);
  }

  /** The records held now; what `isochron rcv` prints at exit unless --quiet. */
  get currentLog(): RcvLog {
    return this.log;
  }

  private get complete(): boolean {
    return this.received === this.expected;
  }

  setPacketCount(count: number): void {
    this.log = new RcvLog(count);
    this.expected = count;
    this.highest = 0;
    this.timerArmed = true;
  }

  packet(seqid: number, arrival: bigint, hw: bigint, sw: bigint, utcTaiOffset: number): PacketOutcome {
    // C re-arms before looking at the seqid, so even discarded packets keep the session alive.
    this.timerArmed = true;
    if (seqid === 0) return { kind: 'zero-seqid' };
    if (seqid > this.expected) return { kind: 'discarded', stdout: `Discarding seqid ${seqid}\n` };
    const rc = this.log.record(seqid, arrival, hw, sw, utcTaiOffset);
    if (rc !== LogRcv.Ok) return { kind: 'discarded', stdout: `Discarding seqid ${seqid}\n` };
    this.received++;
    if (seqid > this.highest) this.highest = seqid;
    if (this.waitingForLog && this.complete) {
      this.waitingForLog = false;
      return { kind: 'logged', action: this.forward(null) };
    }
    return { kind: 'logged', action: { kind: 'none' } };
  }

  getLog(): RcvAction {
    if (!this.complete && !this.timedOut) {
      this.waitingForLog = true;
      return { kind: 'hold' };
    }
    return this.forward(null);
  }

  timerExpired(): RcvAction {
    this.timedOut = true;
    this.timerArmed = false;
    if (!this.waitingForLog) return { kind: 'none' };
    this.waitingForLog = false;
    const line = `Timed out waiting for data packets, received ${this.received} out of ${this.expected} expected\n`;
    return this.forward(line);
  }

  /** C zeroes the count, the counters and the flags, but keeps the records (printed at exit). */
  clientClosed(): void {
    this.timerArmed = false;
    this.timedOut = false;
    this.waitingForLog = false;
    this.received = 0;
    this.expected = 0;
    this.highest = 0;
  }

  private forward(stderr: string | null): RcvAction {
    const sent = this.log;
    this.log = new RcvLog(this.expected);
    return { kind: 'send-log', log: sent, stderr };
  }
}
