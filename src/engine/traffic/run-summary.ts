// The last line of every run of `send`, `rcv` and `orchestrate` (one per
// pair for `orchestrate`): what was sent, timestamped, received and lost,
// which file holds it, and the exit status with its reason. A run that ends
// badly must say so in one place a user (or a script) reads first.
//
//   isochron send: 200 sent, 200 TX-timestamped, 0 received, 200 lost, file /tmp/x.dat; exit 195 (no frame reached the receiver)
//
// Counts the tool cannot know are spelled out ("received unknown"), never
// printed as 0. Extra counts (per-kind fault counts, for example) go
// between the frame counts and the file, through `extra`, so that the file
// and the status stay at the end of the line where scripts look for them.
import { RCV_RECORD_SIZE, SEND_RECORD_SIZE } from '../dat/layout.js';

/** One labelled count ("3 duplicate TX timestamps"). */
export interface SummaryCount {
  count: number;
  /** Plural noun phrase printed after the number. */
  label: string;
}

export interface RunSummary {
  /** `send`, `rcv`, or `orchestrate: node NAME`. */
  who: string;
  /** Frames the sender sent; null when this side cannot know (the receiver). */
  sent: number | null;
  /** Frames with every TX timestamp they should get; null: timestamps not taken (--no-ts) or unknown. */
  txTimestamped: number | null;
  /** Frames the receiver logged; null: no receiver was asked (send without --client). */
  received: number | null;
  /** Counts added after the frame counts (fault counts per kind). */
  extra?: readonly SummaryCount[];
  /** The file written; null when none was. */
  file: string | null;
  /** Process (or pair) exit status. */
  status: number;
  /** Why the status is not 0 (short, lower case); null for 0. */
  reason: string | null;
}

/** The summary line, newline included. */
export function formatRunSummary(s: RunSummary): string {
  const parts: string[] = [];
  if (s.sent !== null) parts.push(`${s.sent} sent`);
  if (s.sent !== null || s.txTimestamped !== null) {
    parts.push(s.txTimestamped === null ? 'TX timestamps not taken' : `${s.txTimestamped} TX-timestamped`);
  }
  parts.push(s.received === null ? 'received unknown' : `${s.received} received`);
  if (s.sent !== null && s.received !== null) parts.push(`${Math.max(0, s.sent - s.received)} lost`);
  for (const c of s.extra ?? []) parts.push(`${c.count} ${c.label}`);
  parts.push(s.file === null ? 'no file written' : `file ${s.file}`);
  const status = s.reason === null ? `exit ${s.status}` : `exit ${s.status} (${s.reason})`;
  return `isochron ${s.who}: ${parts.join(', ')}; ${status}\n`;
}

/** Frames a sender log records as sent and as fully TX-timestamped (C's "timestamped" rule). */
export function countSendRecords(log: Uint8Array, omitHwts: boolean): { sent: number; txTimestamped: number } {
  const v = new DataView(log.buffer, log.byteOffset, log.byteLength);
  let sent = 0;
  let txTimestamped = 0;
  for (let off = 0; off + SEND_RECORD_SIZE <= log.byteLength; off += SEND_RECORD_SIZE) {
    if (v.getUint32(off) === 0) continue;
    sent++;
    const hw = v.getBigInt64(off + 24) !== 0n;
    const sw = v.getBigInt64(off + 32) !== 0n && v.getBigInt64(off + 40) !== 0n;
    if (sw && (omitHwts || hw)) txTimestamped++;
  }
  return { sent, txTimestamped };
}

/** Frames a receiver log records (slots with a seqid). */
export function countRcvRecords(log: Uint8Array): number {
  const v = new DataView(log.buffer, log.byteOffset, log.byteLength);
  let n = 0;
  for (let off = 0; off + RCV_RECORD_SIZE <= log.byteLength; off += RCV_RECORD_SIZE) if (v.getUint32(off) !== 0) n++;
  return n;
}
