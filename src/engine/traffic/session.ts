// What the C sender writes into the .dat header at the end of a session,
// derived from its options. The values are the options as interpreted
// (default advance time applied, L4 frame size reduced), not the
// operational ones: base_time is the --base-time given, not the rolled
// forward one, and nothing records the session start.
import { DAT_LOG_VERSION, DatFlags, HEADER_SIZE, RCV_RECORD_SIZE, SEND_RECORD_SIZE, type DatHeader } from '../dat/layout.js';
import { datFrameSize, type Transport } from '../../core/frame.js';
import { resolveSchedule, type ScheduleOptions } from './schedule.js';

/** The subset of `isochron send` options that shape the session and its file. */
export interface SessionOptions extends ScheduleOptions {
  /** --num-frames (0 = run until stopped). */
  numFrames: number;
  /** --frame-size as given on the command line. */
  frameSize: number;
  transport: Transport;
  omitSync: boolean;
  omitHwts: boolean;
  /** --no-ts */
  noTs: boolean;
  taprio: boolean;
  txtime: boolean;
  deadline: boolean;
}

/** Header fields of a .dat file (log version 4), as numbers/bigints before encoding. */
export type DatHeaderFields = DatHeader;

export function sessionFlags(o: Pick<SessionOptions, 'omitSync' | 'noTs' | 'taprio' | 'txtime' | 'deadline' | 'omitHwts'>): number {
  let f = 0;
  if (o.omitSync) f |= DatFlags.OMIT_SYNC;
  if (!o.noTs) f |= DatFlags.DO_TS;
  if (o.taprio) f |= DatFlags.TAPRIO;
  if (o.txtime) f |= DatFlags.TXTIME;
  if (o.deadline) f |= DatFlags.DEADLINE;
  if (o.omitHwts) f |= DatFlags.OMIT_HWTS;
  return f;
}

/**
 * The header C's sender writes. `rcvLogBytes` is the buf_len of the LOG
 * reply the receiver sent (normally numFrames * 32, but it is whatever the
 * receiver's count was). The field widths truncate like C's casts.
 */
export function sessionHeader(o: SessionOptions, rcvLogBytes: number): DatHeaderFields {
  const s = resolveSchedule(o);
  const sendLogSize = o.numFrames * SEND_RECORD_SIZE;
  return {
    version: DAT_LOG_VERSION,
    packetCount: o.numFrames >>> 0,
    frameSize: datFrameSize(o.frameSize, o.transport),
    flags: sessionFlags(o),
    baseTime: s.baseTime,
    advanceTime: s.advanceTime,
    shiftTime: s.shiftTime,
    cycleTime: s.cycleTime,
    windowSize: s.windowSize,
    sendLogStart: BigInt(HEADER_SIZE),
    rcvLogStart: BigInt(HEADER_SIZE + sendLogSize),
    sendLogSize: sendLogSize >>> 0,
    rcvLogSize: rcvLogBytes >>> 0,
  };
}

/** The receiver log size a complete, well-behaved receiver returns. */
export function expectedRcvLogBytes(numFrames: number): number {
  return numFrames * RCV_RECORD_SIZE;
}

/**
 * Whether C writes the .dat at all: only with --client (the file needs the
 * receiver log) and only for a session whose sync monitor stayed happy.
 * The name defaults to "isochron.dat".
 */
export function datFileToWrite(o: { client: boolean; outputFile: string | null }, syncOk: boolean): string | null {
  if (!o.client || !syncOk) return null;
  return o.outputFile && o.outputFile.length > 0 ? o.outputFile : 'isochron.dat';
}
