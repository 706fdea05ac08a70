// Bounded .dat reader. The header is a set of claims: every size and offset
// is checked against the real end of the file before anything is read, and
// records are then read in caller-sized chunks at their offsets, so a
// corrupt header can neither make us allocate its size nor read forever.
// Load errors reproduce the C tool's loader step by step, in its order and
// with its text: read the header from the current position, seek to the
// sender log (with lseek's rules, see seek.ts: no FFI on this path), read it,
// seek to the receiver log, read it. A log "read" is the check that
// C's read would get every byte: an empty log or one that runs past the end
// of the file is the ENODATA C reports.
import { openSync, closeSync, readSync } from 'node:fs';
import {
  HEADER_SIZE, SEND_RECORD_SIZE, RCV_RECORD_SIZE, DatHeader, SendRecord, RcvRecord,
  decodeHeader, hasMagic, decodeSendRecord, decodeRcvRecord,
} from './layout.js';
import {
  DatOpenFailed, DatHeaderTruncated, DatReadFailed, DatBadMagic, DatSeekFailed,
  DatSendLogTruncated, DatRcvLogTruncated, DatChanged,
} from './errors.js';
import { IsochronError } from '../../core/errors.js';
import { checkSeek, seekableOf, type Seekable } from './seek.js';
import { errorText, strerror } from '../../core/errno-text.js';

export interface DatSource {
  readonly path: string;
  readonly header: DatHeader;
  readonly fileSize: number;
  /** Complete sender records in the log (send_log_size / 48, rounded down). */
  readonly sendCount: number;
  /** Complete receiver records in the log. */
  readonly rcvCount: number;
  /** Reads sender records [first, first+count) into `into` (must be in range). */
  readSend(first: number, count: number, into: Uint8Array): void;
  /** Reads receiver records [first, first+count) clipped to the log; returns how many. */
  readRcv(first: number, count: number, into: Uint8Array): number;
  close(): void;
}

function readFully(fd: number, into: Uint8Array, length: number, position: number | null): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, position === null ? null : position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** C's lseek(fd, start, SEEK_SET) before reading a log; throws its message on failure. */
function seekToLog(s: Seekable, start: bigint, which: 'sender' | 'receiver'): void {
  const r = checkSeek(s, start);
  if (!r.ok) {
    const e = DatSeekFailed(which, strerror(r.errno));
    throw new IsochronError(e.code, e.message, { errno: -r.errno });
  }
}

/** Checks that C's read of `size` bytes at `start` would get them all. */
function checkLogRead(start: bigint, size: number, end: bigint, which: 'sender' | 'receiver'): number {
  // read_exact stops at the first read() of 0: an empty log, or end of file first.
  if (size === 0 || start + BigInt(size) > end) {
    throw which === 'sender' ? DatSendLogTruncated() : DatRcvLogTruncated();
  }
  return Number(start);
}

export function openDat(path: string): DatSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw DatOpenFailed(path, errorText(err));
  }
  try {
    return validate(path, fd);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

function validate(path: string, fd: number): DatSource {
  const head = new Uint8Array(HEADER_SIZE);
  let got: number;
  try {
    // From the current position, as C's read(): a pipe gets this far.
    got = readFully(fd, head, HEADER_SIZE, null);
  } catch (err) {
    void err; // C prints EPERM's text whatever read() said
    throw DatReadFailed('log header from file');
  }
  if (got < HEADER_SIZE) throw DatHeaderTruncated();
  if (!hasMagic(head)) throw DatBadMagic();
  const header = decodeHeader(head);
  const seekable = seekableOf(fd);
  const end = seekable.end;
  seekToLog(seekable, header.sendLogStart, 'sender');
  const sendStart = checkLogRead(header.sendLogStart, header.sendLogSize, end, 'sender');
  seekToLog(seekable, header.rcvLogStart, 'receiver');
  const rcvStart = checkLogRead(header.rcvLogStart, header.rcvLogSize, end, 'receiver');
  const fileSize = Number(end);
  const sendCount = Math.floor(header.sendLogSize / SEND_RECORD_SIZE);
  const rcvCount = Math.floor(header.rcvLogSize / RCV_RECORD_SIZE);
  let open = true;
  const read = (into: Uint8Array, length: number, position: number): void => {
    if (readFully(fd, into, length, position) !== length) throw DatChanged(path);
  };
  return {
    path,
    header,
    fileSize,
    sendCount,
    rcvCount,
    readSend(first, count, into) {
      if (first < 0 || count < 0 || first + count > sendCount) {
        throw new RangeError(`sender records ${first}..${first + count} outside 0..${sendCount}`);
      }
      read(into, count * SEND_RECORD_SIZE, sendStart + first * SEND_RECORD_SIZE);
    },
    readRcv(first, count, into) {
      const n = Math.max(0, Math.min(count, rcvCount - first));
      if (n > 0) read(into, n * RCV_RECORD_SIZE, rcvStart + first * RCV_RECORD_SIZE);
      return n;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

export interface DatContents {
  header: DatHeader;
  send: SendRecord[];
  rcv: RcvRecord[];
}

/**
 * Whole-file convenience for small files (tests, tools): objects per record,
 * so do not use it for million-packet logs; the report streams instead.
 */
export function readDatFile(path: string): DatContents {
  const src = openDat(path);
  try {
    const sendBuf = new Uint8Array(src.sendCount * SEND_RECORD_SIZE);
    src.readSend(0, src.sendCount, sendBuf);
    const rcvBuf = new Uint8Array(src.rcvCount * RCV_RECORD_SIZE);
    src.readRcv(0, src.rcvCount, rcvBuf);
    const send: SendRecord[] = [];
    for (let i = 0; i < src.sendCount; i++) send.push(decodeSendRecord(sendBuf, i * SEND_RECORD_SIZE));
    const rcv: RcvRecord[] = [];
    for (let i = 0; i < src.rcvCount; i++) rcv.push(decodeRcvRecord(rcvBuf, i * RCV_RECORD_SIZE));
    return { header: src.header, send, rcv };
  } finally {
    src.close();
  }
}
