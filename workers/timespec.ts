// Absolute CLOCK_TAI times as (sec, nsec) number pairs, for the packet loops:
// per packet they add a cycle, compare, and write int64 nanoseconds into
// shared memory without creating a BigInt. Seconds since 1970 stay far
// below 2^53, so every step here is exact.
import { CLOCK_TAI } from '../src/sys/constants.js';
import { clockGettimeInto, sleepUntilTimespec } from '../src/sys/time.js';

export const NSEC = 1_000_000_000;
const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_23 = 0x80_0000;
// 1e9 = 2^9 * 1953125: sec * 1953125 < 2^53 for every sec below 2^32.
const NS_FACTOR = 1_953_125;

/** A mutable timespec; loops keep a few and never allocate per packet. */
export interface Ts {
  sec: number;
  nsec: number;
}

export function tsFromNs(ns: bigint): Ts {
  const sec = ns / 1_000_000_000n;
  const nsec = ns % 1_000_000_000n;
  return nsec < 0n ? { sec: Number(sec - 1n), nsec: Number(nsec + 1_000_000_000n) } : { sec: Number(sec), nsec: Number(nsec) };
}

export function tsToNs(t: Ts): bigint {
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);
}

/**
 * out = a + b (b may be a duration). The carry is arithmetic, not a branch:
 * a branch first taken when a run crosses a second boundary had no type
 * feedback from the warm-up and deoptimised the compiled loop mid-run.
 */
export function tsAdd(out: Ts, a: Ts, b: Ts): void {
  const nsec = a.nsec + b.nsec;
  const carry = Math.floor(nsec / NSEC);
  out.sec = a.sec + b.sec + carry;
  out.nsec = nsec - carry * NSEC;
}

/** a - b in nanoseconds, as a number (exact while |a - b| < ~104 days). */
export function tsDiffNs(a: Ts, b: Ts): number {
  return (a.sec - b.sec) * NSEC + (a.nsec - b.nsec);
}

/** Writes sec * 1e9 + nsec (sec in [0, 2^32)) as a little-endian int64 at byte `off`. */
export function writeNsLE(view: DataView, off: number, t: Ts): void {
  const m = t.sec * NS_FACTOR;
  const hi = Math.floor(m / TWO_POW_23);
  const sum = (m - hi * TWO_POW_23) * 512 + t.nsec;
  // Carry without a branch, for the same reason as in tsAdd.
  const carry = Math.floor(sum / TWO_POW_32);
  view.setUint32(off, sum - carry * TWO_POW_32, true);
  view.setUint32(off + 4, hi + carry, true);
}

/**
 * CLOCK_TAI through one preallocated timespec. `now` and `sleepUntil` are
 * the loops' only clock calls: clock_gettime and clock_nanosleep
 * (TIMER_ABSTIME, restarted on EINTR, unlike C which skips the seqid).
 */
export class TaiClock {
  private readonly buf = Buffer.alloc(16);
  private readonly req = Buffer.alloc(16);

  now(out: Ts): Ts {
    clockGettimeInto(CLOCK_TAI, this.buf, 'clock_gettime(CLOCK_TAI)');
    out.sec = this.buf.readUInt32LE(0) + this.buf.readInt32LE(4) * TWO_POW_32;
    out.nsec = this.buf.readUInt32LE(8);
    return out;
  }

  sleepUntil(t: Ts): void {
    this.req.writeUInt32LE(t.sec % TWO_POW_32, 0);
    this.req.writeInt32LE(Math.floor(t.sec / TWO_POW_32), 4);
    this.req.writeUInt32LE(t.nsec, 8);
    this.req.writeUInt32LE(0, 12);
    sleepUntilTimespec(CLOCK_TAI, this.req, 'clock_nanosleep(CLOCK_TAI, TIMER_ABSTIME)');
  }
}
