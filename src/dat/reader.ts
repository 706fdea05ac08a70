// Bounded .dat reader. The header is a set of claims: every size and offset
// is checked against the real file size (fstat) before anything is read, and
// records are then read in caller-sized chunks at their offsets, so a
// corrupt header can neither make us allocate its size nor read forever.
// Load errors reproduce the C tool's checks in its order and with its text.
import { openSync, closeSync, fstatSync, readSync } from 'node:fs';
import {
  HEADER_SIZE, SEND_RECORD_SIZE, RCV_RECORD_SIZE, DatHeader, SendRecord, RcvRecord,
  decodeHeader, hasMagic, decodeSendRecord, decodeRcvRecord,
} from './layout.js';
import {
  DatOpenFailed, DatHeaderTruncated, DatReadFailed, DatBadMagic, DatBadLogOffset,
  DatSendLogTruncated, DatRcvLogTruncated, DatChanged,
} from './errors.js';
import { errnoText } from './strerror.js';

const MAX_FILE_OFFSET = (1n << 63n) - 1n; // lseek takes a signed off_t

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

function readFully(fd: number, into: Uint8Array, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Checks one log claim the way the C loader would fail on it. */
function checkLog(start: bigint, size: number, fileSize: number, which: 'sender' | 'receiver'): number {
  if (start > MAX_FILE_OFFSET) throw DatBadLogOffset(which);
  // C reads `size` bytes at `start`: a zero-byte read or end of file first is ENODATA.
  if (size === 0 || start + BigInt(size) > BigInt(fileSize)) {
    throw which === 'sender' ? DatSendLogTruncated() : DatRcvLogTruncated();
  }
  return Number(start);
}

export function openDat(path: string): DatSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw DatOpenFailed(path, errnoText(err));
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
    got = readFully(fd, head, HEADER_SIZE, 0);
  } catch (err) {
    throw DatReadFailed('log header from file', errnoText(err));
  }
  if (got < HEADER_SIZE) throw DatHeaderTruncated();
  if (!hasMagic(head)) throw DatBadMagic();
  const header = decodeHeader(head);
  const fileSize = fstatSync(fd).size;
  const sendStart = checkLog(header.sendLogStart, header.sendLogSize, fileSize, 'sender');
  const rcvStart = checkLog(header.rcvLogStart, header.rcvLogSize, fileSize, 'receiver');
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
