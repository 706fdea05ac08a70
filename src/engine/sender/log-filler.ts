// The main thread's half of the loops: drains the two record rings
// (SentRecord, TxStampRecord: workers/contract.ts) into the
// SendLog (kept in .dat layout) and turns what the log says about each TX
// timestamp into the C tool's stderr lines. The sender commits a record
// before its sendmsg, so draining the sender ring after counting the TX
// records guarantees every timestamp finds its packet already logged.
import type { IsochronError } from '../../core/errors.js';
import { LogSent, type SendLog } from '../traffic/logs.js';
import { formatNs } from '../traffic/schedule.js';
import type { RecordRing } from '../../../workers/ring.js';
import { SentRecord, TxStampRecord } from '../../../workers/contract.js';
import { SendLogRejected, SendTxTimestamp } from './errors.js';
import { noFaults, type SendFaults } from './faults.js';
import type { SendRunObserver } from './observer.js';

const SO_EE_CODE_TXTIME_INVALID_PARAM = 1;
const SO_EE_CODE_TXTIME_MISSED = 2;

export interface SentObserver {
  (seqid: number, scheduled: bigint, wakeup: bigint): void;
}

export interface FillerOptions {
  /** --fail-fast: the first measurement fault ends timestamping with C's message (C's behaviour). */
  failFast?: boolean;
  /** Told each packet's completed timestamps and each deadline miss (the metrics endpoint). */
  observer?: SendRunObserver;
}

export class SendLogFiller {
  /** Sender records seen (packets handed to sendmsg). */
  sent = 0;
  /** TX timestamp records seen. */
  stamps = 0;
  /**
   * Faults counted so far; missingTimestamps is only known at the end
   * (finishFaults). Duplicates are counted in either mode.
   */
  readonly faults: SendFaults = noFaults();
  /**
   * C's stderr lines for the first fault of each kind seen while keeping
   * going (later ones are only counted), in arrival order.
   */
  readonly faultNotes: string[] = [];
  /** Log slots (seqid - 1) of packets etf/taprio reported dropped. */
  private readonly dropped = new Set<number>();
  private readonly noted = new Set<string>();
  private readonly failFast: boolean;
  private readonly observer: SendRunObserver | undefined;

  constructor(
    readonly log: SendLog,
    private readonly advanceTime: bigint,
    private readonly onSent?: SentObserver,
    options: FillerOptions = {},
  ) {
    this.failFast = options.failFast ?? false;
    this.observer = options.observer;
  }

  /** Applies every readable sender record; the first one the log refuses is returned as an error. */
  drainSent(ring: RecordRing): IsochronError | null {
    const n = ring.readable();
    let failure: IsochronError | null = null;
    for (let i = 0; i < n; i++) {
      const b = ring.peek(i);
      const seqid = Number(ring.data[b + SentRecord.Seqid]);
      const scheduled = ring.data[b + SentRecord.Scheduled];
      const wakeup = ring.data[b + SentRecord.Wakeup];
      this.sent++;
      this.onSent?.(seqid, scheduled, wakeup);
      const res = this.log.logSent(seqid, scheduled, wakeup);
      if (failure) continue;
      if (res === LogSent.OutOfRange) failure = SendLogRejected(`Could not log send packet at index ${seqid - 1}`);
      else if (res === LogSent.SlotTaken) failure = SendLogRejected(`There already exists a packet logged at index ${seqid - 1}`);
    }
    ring.release(n);
    return failure;
  }

  /** Applies the readable TX timestamp records (draining the sender ring first). */
  drainTx(txRing: RecordRing, sentRing: RecordRing): IsochronError | null {
    const n = txRing.readable();
    let failure = this.drainSent(sentRing);
    for (let i = 0; i < n && !failure; i++) {
      const b = txRing.peek(i);
      const d = txRing.data;
      this.stamps++;
      failure = this.applyOne(
        Number(d[b + TxStampRecord.Key]),
        Number(d[b + TxStampRecord.Type]),
        d[b + TxStampRecord.Sw],
        d[b + TxStampRecord.Hw],
        d[b + TxStampRecord.TxtimeDropped],
        Number(d[b + TxStampRecord.TxtimeCode]),
      );
    }
    txRing.release(n);
    return failure;
  }

  /**
   * One error-queue entry. Returns an error only for what ends timestamping:
   * an unknown key (always, like C), or with --fail-fast the first fault.
   */
  applyOne(key: number, type: number, sw: bigint, hw: bigint, txtimeDropped: bigint, txtimeCode: number): IsochronError | null {
    if (txtimeDropped !== 0n) {
      this.faults.txtimeDrops++;
      this.observer?.deadlineMissed();
      const index = this.log.indexOfScheduled(txtimeDropped);
      if (index >= 0) this.dropped.add(index);
      return this.fault('txtimeDrops', this.txtimeDropLines(txtimeDropped, txtimeCode).join('').trimEnd());
    }
    const res = this.log.applyTxTimestamp(key, type, sw, hw);
    if (res.kind !== 'unknown-key' && res.duplicate) this.faults.duplicateTimestamps++;
    if (this.observer && res.kind !== 'unknown-key' && res.completed) this.observer.packetTimestamped(this.log.timestampsAt(key));
    switch (res.kind) {
      case 'ok':
        return null;
      case 'unknown-key':
        return SendTxTimestamp(`received timestamp for unknown key ${key}`);
      case 'tx-check': {
        if (res.completed && !this.failFast) this.log.countTimestamped();
        const at = `seqid ${res.seqid} scheduled for ${formatNs(res.scheduled)}: TX hwts ${formatNs(hw)}`;
        if (res.check.kind === 'premature') {
          this.faults.prematureTx++;
          return this.fault('prematureTx', `Premature transmission detected for ${at}`);
        }
        this.faults.lateTx++;
        this.observer?.deadlineMissed();
        return this.fault('lateTx', `Late transmission by ${res.check.cycles} cycles detected for ${at}`);
      }
    }
  }

  /**
   * Counts the packets among the `sent` first that still lack timestamps
   * (the TX timestamp loop has ended), leaving out those etf dropped.
   */
  finishFaults(sent: number): SendFaults {
    this.faults.missingTimestamps = this.log.incompleteCount(sent, this.dropped);
    return { ...this.faults };
  }

  private fault(kind: string, text: string): IsochronError | null {
    if (this.failFast) return SendTxTimestamp(text);
    if (!this.noted.has(kind)) {
      this.noted.add(kind);
      this.faultNotes.push(text);
    }
    return null;
  }

  /** C's report of a packet etf/taprio dropped, then its postmortem from the log. */
  txtimeDropLines(txtime: bigint, code: number): string[] {
    const lines: string[] = [];
    if (code === SO_EE_CODE_TXTIME_INVALID_PARAM) lines.push(`packet with txtime ${formatNs(txtime)} dropped due to invalid params\n`);
    else if (code === SO_EE_CODE_TXTIME_MISSED) lines.push(`packet with txtime ${formatNs(txtime)} dropped due to missed deadline\n`);
    const index = this.log.indexOfScheduled(txtime);
    if (index >= 0) {
      const wakeup = this.log.wakeupAt(index);
      const ideal = txtime - this.advanceTime;
      lines.push(
        `TXTIME postmortem: seqid ${this.log.seqidAt(index)} scheduled for ${formatNs(txtime)}, wakeup at ${formatNs(wakeup)}, ` +
          `ideal wakeup at ${formatNs(ideal)}, wakeup latency ${formatNs(wakeup - ideal)}\n`,
      );
      return lines;
    }
    lines.push(`don't recognize packet with txtime ${formatNs(txtime)}\n`);
    return lines;
  }
}
