// The main thread's half of the loops: drains the two record rings into the
// SendLog (kept in .dat layout) and turns what the log says about each TX
// timestamp into the C tool's stderr lines. The sender commits a record
// before its sendmsg, so draining the sender ring after counting the TX
// records guarantees every timestamp finds its packet already logged.
import type { IsochronError } from '../errors.js';
import { LogSent, SEND_RECORD_SIZE, type SendLog } from '../traffic/logs.js';
import { formatNs } from '../traffic/schedule.js';
import type { RecordRing } from '../runtime/ring.js';
import { SendLogRejected, SendTxTimestamp } from './errors.js';

const SO_EE_CODE_TXTIME_INVALID_PARAM = 1;
const SO_EE_CODE_TXTIME_MISSED = 2;

export interface SentObserver {
  (seqid: number, scheduled: bigint, wakeup: bigint): void;
}

export class SendLogFiller {
  /** Sender records seen (packets handed to sendmsg). */
  sent = 0;
  /** TX timestamp records seen. */
  stamps = 0;

  constructor(
    readonly log: SendLog,
    private readonly advanceTime: bigint,
    private readonly onSent?: SentObserver,
  ) {}

  /** Applies every readable sender record; the first one the log refuses is returned as an error. */
  drainSent(ring: RecordRing): IsochronError | null {
    const n = ring.readable();
    let failure: IsochronError | null = null;
    for (let i = 0; i < n; i++) {
      const b = ring.peek(i);
      const seqid = Number(ring.data[b]);
      const scheduled = ring.data[b + 1];
      const wakeup = ring.data[b + 2];
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
      failure = this.applyOne(Number(d[b]), Number(d[b + 1]), d[b + 2], d[b + 3], d[b + 4], Number(d[b + 5]));
    }
    txRing.release(n);
    return failure;
  }

  applyOne(key: number, type: number, sw: bigint, hw: bigint, txtimeDropped: bigint, txtimeCode: number): IsochronError | null {
    if (txtimeDropped !== 0n) return SendTxTimestamp(this.txtimeDropLines(txtimeDropped, txtimeCode).join('').trimEnd());
    const res = this.log.applyTxTimestamp(key, type, sw, hw);
    switch (res.kind) {
      case 'ok':
        return null;
      case 'unknown-key':
        return SendTxTimestamp(`received timestamp for unknown key ${key}`);
      case 'duplicate':
        return SendTxTimestamp(`received duplicate timestamp for packet key ${key} already fully timestamped`);
      case 'tx-check': {
        const at = `seqid ${res.seqid} scheduled for ${formatNs(res.scheduled)}: TX hwts ${formatNs(hw)}`;
        return SendTxTimestamp(
          res.check.kind === 'premature'
            ? `Premature transmission detected for ${at}`
            : `Late transmission by ${res.check.cycles} cycles detected for ${at}`,
        );
      }
    }
  }

  /** C's report of a packet etf/taprio dropped, then its postmortem from the log. */
  txtimeDropLines(txtime: bigint, code: number): string[] {
    const lines: string[] = [];
    if (code === SO_EE_CODE_TXTIME_INVALID_PARAM) lines.push(`packet with txtime ${formatNs(txtime)} dropped due to invalid params\n`);
    else if (code === SO_EE_CODE_TXTIME_MISSED) lines.push(`packet with txtime ${formatNs(txtime)} dropped due to missed deadline\n`);
    const buf = this.log.buffer;
    for (let off = 0; off + SEND_RECORD_SIZE <= buf.length; off += SEND_RECORD_SIZE) {
      if (buf.readBigInt64BE(off + 8) !== txtime) continue;
      const wakeup = buf.readBigInt64BE(off + 16);
      const ideal = txtime - this.advanceTime;
      lines.push(
        `TXTIME postmortem: seqid ${buf.readInt32BE(off)} scheduled for ${formatNs(txtime)}, wakeup at ${formatNs(wakeup)}, ` +
          `ideal wakeup at ${formatNs(ideal)}, wakeup latency ${formatNs(wakeup - ideal)}\n`,
      );
      return lines;
    }
    lines.push(`don't recognize packet with txtime ${formatNs(txtime)}\n`);
    return lines;
  }
}
