// The in-memory packet logs of a session, kept in the .dat record layout
// (big-endian) so they can be written to the file, or sent in a LOG
// response, without conversion.
//
//   sender record (48):   seqid u32 | 0 u32 | scheduled | wakeup | hwts | swts | sched_ts
//   receiver record (32): seqid u32 | 0 u32 | arrival | hwts | swts
//
// Record k belongs to seqid k + 1. Hot-path methods return status codes
// instead of throwing; the loop decides what is fatal (see the spec).
import {
  RCV_ARRIVAL as R_ARRIVAL,
  RCV_HWTS as R_HWTS,
  RCV_RECORD_SIZE,
  RCV_SEQID as R_SEQID,
  RCV_SWTS as R_SWTS,
  SEND_HWTS as S_HWTS,
  SEND_RECORD_SIZE,
  SEND_SCHED_TS as S_SCHED_TS,
  SEND_SCHEDULED as S_SCHEDULED,
  SEND_SEQID as S_SEQID,
  SEND_SWTS as S_SWTS,
  SEND_WAKEUP as S_WAKEUP,
} from '../dat/layout.js';
import { LogCountTooLarge } from './errors.js';
import { checkTxHwts, formatNs, utcToTai, type TxCheck } from './schedule.js';


/** Largest log we agree to allocate: the .dat size fields are 32-bit. */
export const MAX_LOG_BYTES = 0xffff_ffff;

function allocLog(count: number, recordSize: number): Buffer {
  if (!Number.isSafeInteger(count) || count < 0 || count * recordSize > MAX_LOG_BYTES) {
    throw LogCountTooLarge(count, Math.floor(MAX_LOG_BYTES / recordSize));
  }
  return Buffer.alloc(count * recordSize);
}

/** SO_TIMESTAMPING report kinds (ee_info of the error-queue message). */
export const TsType = { Sched: 1, Snd: 0, Ack: 2 } as const;

export const LogSent = {
  Ok: 0,
  /** --num-frames 0: C does not log an endless run. */
  NotLogged: 1,
  /** seqid outside 1..count: C prints "Could not log send packet at index N". */
  OutOfRange: 2,
  /** slot already used: C prints "There already exists a packet logged at index N". */
  SlotTaken: 3,
} as const;
export type LogSent = (typeof LogSent)[keyof typeof LogSent];

export type TxTimestampResult =
  /**
   * duplicate: the entry carried a stamp of a kind the packet already had
   * (a bridge's clones of the frame); the first is kept. C instead ends its
   * timestamp thread with "received duplicate timestamp for packet key N
   * already fully timestamped" once the packet is complete.
   */
  | { kind: 'ok'; completed: boolean; duplicate: boolean }
  /** C: "received timestamp for unknown key N", ends the timestamp thread. */
  | { kind: 'unknown-key' }
  /**
   * --taprio/--txtime hardware timestamp out of its cycle (see checkTxHwts);
   * the stamp is recorded. `completed`: the packet now has every stamp, but
   * it is not counted in `timestamped` (C's thread stops before counting
   * it); a caller that keeps going counts it with countTimestamped().
   */
  | { kind: 'tx-check'; check: Exclude<TxCheck, { kind: 'ok' }>; seqid: number; scheduled: bigint; duplicate: boolean; completed: boolean };

export interface SendLogOptions {
  omitHwts: boolean;
  utcTaiOffset: number;
  /** Validate hardware TX timestamps against the schedule (--taprio or --txtime). */
  checkTx: boolean;
  deadline: boolean;
  cycleTime: bigint;
}

export class SendLog {
  readonly count: number;
  readonly buffer: Buffer;
  private readonly view: DataView;
  private readonly o: SendLogOptions;
  /** Packets that have every timestamp they will get (C's `timestamped`). */
  timestamped = 0;

  constructor(count: number, options: SendLogOptions) {
    this.count = count;
    this.buffer = allocLog(count, SEND_RECORD_SIZE);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.o = options;
  }

  /** Called just before sendmsg, with the values written into the frame header. */
  logSent(seqid: number, scheduled: bigint, wakeup: bigint): LogSent {
    if (this.count === 0) return LogSent.NotLogged;
    if (seqid < 1 || seqid > this.count) return LogSent.OutOfRange;
    const off = (seqid - 1) * SEND_RECORD_SIZE;
    if (this.view.getUint32(off + S_SEQID) !== 0) return LogSent.SlotTaken;
    this.view.setUint32(off + S_SEQID, seqid);
    this.view.setBigInt64(off + S_SCHEDULED, scheduled);
    this.view.setBigInt64(off + S_WAKEUP, wakeup);
    this.view.setBigInt64(off + S_HWTS, 0n);
    this.view.setBigInt64(off + S_SWTS, 0n);
    this.view.setBigInt64(off + S_SCHED_TS, 0n);
    return LogSent.Ok;
  }

  private complete(off: number): boolean {
    const sw = this.view.getBigInt64(off + S_SWTS) !== 0n && this.view.getBigInt64(off + S_SCHED_TS) !== 0n;
    return this.o.omitHwts ? sw : sw && this.view.getBigInt64(off + S_HWTS) !== 0n;
  }

  /**
   * Merges one error-queue timestamp. `key` is the SOF_TIMESTAMPING_OPT_ID
   * counter (0 for the first packet sent on the socket, so key = seqid - 1);
   * `sw` is CLOCK_REALTIME (converted to TAI here), `hw` the raw PHC time;
   * 0 means absent. A stamp of a kind the packet already has is dropped
   * (first one wins) and reported as `duplicate`.
   */
  applyTxTimestamp(key: number, type: number, sw: bigint, hw: bigint): TxTimestampResult {
    // C bounds this with `<=` and reads one record past the log for key == count.
    if (!Number.isInteger(key) || key < 0 || key >= this.count) return { kind: 'unknown-key' };
    const off = key * SEND_RECORD_SIZE;
    const wasComplete = this.complete(off);
    let duplicate = false;
    if (sw !== 0n) {
      const field = type === TsType.Sched ? S_SCHED_TS : type === TsType.Snd ? S_SWTS : -1;
      if (field >= 0) {
        if (this.view.getBigInt64(off + field) !== 0n) duplicate = true;
        else this.view.setBigInt64(off + field, utcToTai(sw, this.o.utcTaiOffset));
      }
    }
    if (hw !== 0n) {
      if (this.view.getBigInt64(off + S_HWTS) !== 0n) {
        duplicate = true;
      } else {
        this.view.setBigInt64(off + S_HWTS, hw);
        if (this.o.checkTx) {
          const scheduled = this.view.getBigInt64(off + S_SCHEDULED);
          const check = checkTxHwts(hw, scheduled, this.o.cycleTime, this.o.deadline);
          if (check.kind !== 'ok') {
            const completed = !wasComplete && this.complete(off);
            return { kind: 'tx-check', check, seqid: this.view.getUint32(off + S_SEQID), scheduled, duplicate, completed };
          }
        }
      }
    }
    const completed = !wasComplete && this.complete(off);
    if (completed) this.timestamped++;
    return { kind: 'ok', completed, duplicate };
  }

  /** The first slot (0-based) whose scheduled time is `scheduled` (a txtime), or -1. */
  indexOfScheduled(scheduled: bigint): number {
    for (let i = 0; i < this.count; i++) {
      if (this.view.getBigInt64(i * SEND_RECORD_SIZE + S_SCHEDULED) === scheduled) return i;
    }
    return -1;
  }

  /**
   * Packets among the first `sent` slots that were logged but lack a
   * timestamp they should have, leaving out the slots `skip` names (0-based
   * indexes, e.g. packets etf dropped).
   */
  incompleteCount(sent: number, skip?: ReadonlySet<number>): number {
    let n = 0;
    const end = Math.min(sent, this.count);
    for (let i = 0; i < end; i++) {
      const off = i * SEND_RECORD_SIZE;
      if (this.view.getUint32(off + S_SEQID) === 0 || skip?.has(i)) continue;
      if (!this.complete(off)) n++;
    }
    return n;
  }

  /** Counts a packet a tx-check result completed (keeping going at the fault). */
  countTimestamped(): void {
    this.timestamped++;
  }

  /** True once every packet of a finite run is fully timestamped. */
  get allTimestamped(): boolean {
    return this.timestamped >= this.count;
  }

  /** The times logged in slot `index` (0-based; key = seqid - 1), TAI ns (hwts raw PHC). */
  timestampsAt(index: number): { scheduled: bigint; wakeup: bigint; hwts: bigint; swts: bigint; schedTs: bigint } {
    const off = index * SEND_RECORD_SIZE;
    return {
      scheduled: this.view.getBigInt64(off + S_SCHEDULED),
      wakeup: this.view.getBigInt64(off + S_WAKEUP),
      hwts: this.view.getBigInt64(off + S_HWTS),
      swts: this.view.getBigInt64(off + S_SWTS),
      schedTs: this.view.getBigInt64(off + S_SCHED_TS),
    };
  }

  seqidAt(index: number): number {
    return this.view.getUint32(index * SEND_RECORD_SIZE + S_SEQID);
  }

  /** The wakeup logged in slot `index` (0-based), TAI ns. */
  wakeupAt(index: number): bigint {
    return this.view.getBigInt64(index * SEND_RECORD_SIZE + S_WAKEUP);
  }

  /**
   * C's report after a TX timestamp timeout (not printed with --quiet):
   * one line per logged packet missing something, in seqid order, stopping
   * at the first unused slot. Note C's trailing ", ".
   */
  missingTimestampLines(): string[] {
    const lines: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const off = i * SEND_RECORD_SIZE;
      const seqid = this.view.getUint32(off + S_SEQID);
      if (seqid === 0) break;
      const hw = !this.o.omitHwts && this.view.getBigInt64(off + S_HWTS) === 0n;
      const sw = this.view.getBigInt64(off + S_SWTS) === 0n;
      const sched = this.view.getBigInt64(off + S_SCHED_TS) === 0n;
      if (!hw && !sw && !sched) continue;
      lines.push(`seqid ${seqid} missing timestamps: ${hw ? 'hw, ' : ''}${sw ? 'sw, ' : ''}${sched ? 'sched, ' : ''}\n`);
    }
    return lines;
  }

  /** stdout at the end of a session without --client (unless --quiet): every slot, used or not. */
  printLines(): string[] {
    const lines: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const off = i * SEND_RECORD_SIZE;
      const scheduled = formatNs(this.view.getBigInt64(off + S_SCHEDULED));
      const hw = formatNs(this.view.getBigInt64(off + S_HWTS));
      const sw = formatNs(this.view.getBigInt64(off + S_SWTS));
      lines.push(`[${scheduled}] seqid ${this.view.getInt32(off + S_SEQID)} txtstamp ${hw} swts ${sw}\n`);
    }
    return lines;
  }
}

export const LogRcv = {
  Ok: 0,
  /** seqid > packet count (or no count set yet): C prints "Discarding seqid N" unless --quiet. */
  Discard: 1,
  /**
   * seqid 0. C tries index 0xffffffff, prints "cannot log rcv packet with
   * index 4294967295" and stops the receiver; we drop the packet instead.
   */
  ZeroSeqid: 2,
} as const;
export type LogRcv = (typeof LogRcv)[keyof typeof LogRcv];

export class RcvLog {
  readonly count: number;
  readonly buffer: Buffer;
  private readonly view: DataView;
  /** Packets logged, duplicates included (C counts those too). */
  received = 0;

  constructor(count: number) {
    this.count = count;
    this.buffer = allocLog(count, RCV_RECORD_SIZE);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  /**
   * Logs one packet: arrival is CLOCK_TAI read after recvmsg, sw the
   * CLOCK_REALTIME software RX timestamp (stored as TAI), hw the raw PHC
   * time. A repeated seqid overwrites its slot and still counts, like C.
   * C adds the UTC offset even to a missing (0) sw timestamp; we keep 0.
   */
  record(seqid: number, arrival: bigint, hw: bigint, sw: bigint, utcTaiOffset: number): LogRcv {
    if (seqid === 0) return LogRcv.ZeroSeqid;
    if (seqid > this.count) return LogRcv.Discard;
    const off = (seqid - 1) * RCV_RECORD_SIZE;
    this.view.setUint32(off + R_SEQID, seqid);
    this.view.setUint32(off + 4, 0);
    this.view.setBigInt64(off + R_ARRIVAL, arrival);
    this.view.setBigInt64(off + R_HWTS, hw);
    this.view.setBigInt64(off + R_SWTS, sw === 0n ? 0n : utcToTai(sw, utcTaiOffset));
    this.received++;
    return LogRcv.Ok;
  }

  get complete(): boolean {
    return this.received === this.count;
  }

  /** stdout of `isochron rcv` at exit (unless --quiet), for what is still in the log. */
  printLines(): string[] {
    const lines: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const off = i * RCV_RECORD_SIZE;
      const seqid = this.view.getUint32(off + R_SEQID);
      const hw = this.view.getBigInt64(off + R_HWTS);
      if (hw !== 0n) {
        lines.push(`seqid ${seqid} rxtstamp ${formatNs(hw)} swts ${formatNs(this.view.getBigInt64(off + R_SWTS))}\n`);
      } else if (seqid !== 0) {
        lines.push(`seqid ${seqid}\n`);
      }
    }
    return lines;
  }
}
