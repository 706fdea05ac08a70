// .dat writer, laid out exactly like the C tool's isochron_log_save(): the
// 96-byte header, the sender log straight after it, the receiver log after
// that. Two ways in:
//  - writeDatFile(): whole logs at once (bytes or records);
//  - DatWriter: streaming. The number of slots of each log is fixed when the
//    file is opened (the C logs are preallocated the same way), records are
//    appended or placed by seqid, buffered in large chunks, and slots never
//    written stay all-zero, which readers treat as "missing".
import { openSync, writeSync, closeSync, ftruncateSync } from 'node:fs';
import {
  HEADER_SIZE, SEND_RECORD_SIZE, RCV_RECORD_SIZE, DAT_LOG_VERSION, DatHeader, SendRecord, RcvRecord,
  encodeHeader, encodeSendRecord, encodeRcvRecord,
} from './layout.js';
import { DatWriterBadRecord, DatWriteFailed } from './errors.js';
import { errorText } from '../../core/errno-text.js';

/** Header fields a writer chooses; sizes and offsets are computed. */
export type DatMeta = Omit<DatHeader, 'version' | 'sendLogStart' | 'rcvLogStart' | 'sendLogSize' | 'rcvLogSize'> & {
  /** Defaults to 4, the only version the C tool writes. */
  version?: number;
};

const FILE_MODE = 0o660; // the C tool creates its files rw for user and group
const FLUSH_BYTES = 1 << 20;
const MAX_LOG_BYTES = 0xffffffff; // log sizes are u32 in the header

export function headerFor(meta: DatMeta, sendLogSize: number, rcvLogSize: number): DatHeader {
  return {
    version: meta.version ?? DAT_LOG_VERSION,
    packetCount: meta.packetCount,
    frameSize: meta.frameSize,
    flags: meta.flags,
    baseTime: meta.baseTime,
    advanceTime: meta.advanceTime,
    shiftTime: meta.shiftTime,
    cycleTime: meta.cycleTime,
    windowSize: meta.windowSize,
    sendLogStart: BigInt(HEADER_SIZE),
    rcvLogStart: BigInt(HEADER_SIZE + sendLogSize),
    sendLogSize,
    rcvLogSize,
  };
}

function writeAll(fd: number, path: string, buf: Uint8Array, position: number): void {
  let done = 0;
  try {
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, position + done);
  } catch (err) {
    throw DatWriteFailed(path, errorText(err));
  }
}

function sendBytes(log: Uint8Array | readonly SendRecord[]): Uint8Array {
  if (log instanceof Uint8Array) return log;
  const out = new Uint8Array(log.length * SEND_RECORD_SIZE);
  log.forEach((r, i) => encodeSendRecord(r, out, i * SEND_RECORD_SIZE));
  return out;
}

function rcvBytes(log: Uint8Array | readonly RcvRecord[]): Uint8Array {
  if (log instanceof Uint8Array) return log;
  const out = new Uint8Array(log.length * RCV_RECORD_SIZE);
  log.forEach((r, i) => encodeRcvRecord(r, out, i * RCV_RECORD_SIZE));
  return out;
}

/** Writes a complete file; logs are raw big-endian record bytes or records. */
export function writeDatFile(
  path: string,
  meta: DatMeta,
  sendLog: Uint8Array | readonly SendRecord[],
  rcvLog: Uint8Array | readonly RcvRecord[],
): void {
  const send = sendBytes(sendLog);
  const rcv = rcvBytes(rcvLog);
  if (send.length > MAX_LOG_BYTES || rcv.length > MAX_LOG_BYTES) {
    throw DatWriterBadRecord('a log is larger than the 4 GiB the header can describe');
  }
  const fd = openFile(path);
  try {
    writeAll(fd, path, encodeHeader(headerFor(meta, send.length, rcv.length)), 0);
    writeAll(fd, path, send, HEADER_SIZE);
    writeAll(fd, path, rcv, HEADER_SIZE + send.length);
  } finally {
    closeSync(fd);
  }
}

function openFile(path: string): number {
  try {
    return openSync(path, 'w', FILE_MODE);
  } catch (err) {
    throw DatWriteFailed(path, errorText(err));
  }
}

/** A growing run of consecutive slots, flushed at its file offset. */
class SlotBuffer {
  private buf: Uint8Array;
  private used = 0;
  private firstSlot = 0;

  constructor(
    private readonly recordSize: number,
    private readonly logStart: number,
  ) {
    this.buf = new Uint8Array(Math.max(recordSize, FLUSH_BYTES - (FLUSH_BYTES % recordSize)));
  }

  /** Returns the bytes of `slot`, flushing first if it is not the next one. */
  slot(slot: number, flush: (bytes: Uint8Array, position: number) => void): Uint8Array {
    const next = this.firstSlot + this.used / this.recordSize;
    if (slot !== next || this.used === this.buf.length) {
      this.flush(flush);
      this.firstSlot = slot;
    }
    const at = this.used;
    this.used += this.recordSize;
    return this.buf.subarray(at, at + this.recordSize);
  }

  flush(flush: (bytes: Uint8Array, position: number) => void): void {
    if (this.used > 0) flush(this.buf.subarray(0, this.used), this.logStart + this.firstSlot * this.recordSize);
    this.used = 0;
  }
}

export interface DatWriterSlots {
  /** Sender log slots (normally the packet count). */
  sendSlots: number;
  /** Receiver log slots (normally the packet count). */
  rcvSlots: number;
}

/**
 * Streaming writer. Record for seqid k goes to slot k-1, as in the C logs.
 * Usage:
 *   const w = DatWriter.create('x.dat', meta, { sendSlots: n, rcvSlots: n });
 *   w.putSend({ seqid: 1, ... }); w.putRcv({ seqid: 1, ... }); ...
 *   w.close();
 */
export class DatWriter {
  private readonly send: SlotBuffer;
  private readonly rcv: SlotBuffer;
  private closed = false;
  private readonly flushTo = (bytes: Uint8Array, position: number): void =>
    writeAll(this.fd, this.path, bytes, position);

  private constructor(
    private readonly fd: number,
    readonly path: string,
    readonly header: DatHeader,
  ) {
    this.send = new SlotBuffer(SEND_RECORD_SIZE, HEADER_SIZE);
    this.rcv = new SlotBuffer(RCV_RECORD_SIZE, HEADER_SIZE + header.sendLogSize);
  }

  static create(path: string, meta: DatMeta, slots: DatWriterSlots): DatWriter {
    const sendSize = slots.sendSlots * SEND_RECORD_SIZE;
    const rcvSize = slots.rcvSlots * RCV_RECORD_SIZE;
    if (!Number.isInteger(slots.sendSlots) || !Number.isInteger(slots.rcvSlots) ||
        slots.sendSlots < 0 || slots.rcvSlots < 0 || sendSize > MAX_LOG_BYTES || rcvSize > MAX_LOG_BYTES) {
      throw DatWriterBadRecord(`slot counts ${slots.sendSlots}/${slots.rcvSlots} do not fit a .dat log`);
    }
    const header = headerFor(meta, sendSize, rcvSize);
    const fd = openFile(path);
    const w = new DatWriter(fd, path, header);
    try {
      // Size the file up front: unwritten slots read back as zero (missing).
      ftruncateSync(fd, HEADER_SIZE + sendSize + rcvSize);
      writeAll(fd, path, encodeHeader(header), 0);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return w;
  }

  private checkSlot(seqid: number, slots: number, what: string): number {
    if (this.closed) throw DatWriterBadRecord(`${this.path} is already closed`);
    if (!Number.isInteger(seqid) || seqid < 1 || seqid > slots) {
      throw DatWriterBadRecord(`${what} seqid ${seqid} outside 1..${slots}`);
    }
    return seqid - 1;
  }

  putSend(rec: SendRecord): void {
    const slot = this.checkSlot(rec.seqid, this.header.sendLogSize / SEND_RECORD_SIZE, 'sender');
    encodeSendRecord(rec, this.send.slot(slot, this.flushTo));
  }

  putRcv(rec: RcvRecord): void {
    const slot = this.checkSlot(rec.seqid, this.header.rcvLogSize / RCV_RECORD_SIZE, 'receiver');
    encodeRcvRecord(rec, this.rcv.slot(slot, this.flushTo));
  }

  /** Raw receiver log bytes (e.g. a LOG reply from the receiver), at slot 0. */
  putRcvLogBytes(bytes: Uint8Array): void {
    if (bytes.length > this.header.rcvLogSize || bytes.length % RCV_RECORD_SIZE !== 0) {
      throw DatWriterBadRecord(`receiver log of ${bytes.length} bytes does not fit ${this.header.rcvLogSize} bytes of 32-byte records`);
    }
    this.rcv.flush(this.flushTo);
    writeAll(this.fd, this.path, bytes, HEADER_SIZE + this.header.sendLogSize);
  }

  close(): void {
    if (this.closed) return;
    try {
      this.send.flush(this.flushTo);
      this.rcv.flush(this.flushTo);
    } finally {
      this.closed = true;
      closeSync(this.fd);
    }
  }
}
