// The send loop's warm-up against the real kernel: the discard sink (an
// AF_UNIX datagram pair whose peer drops everything) and runSendLoop's
// promise that warming up touches neither the real ring nor the real socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { AF_UNIX, CLOCK_TAI, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK } from '../../src/sys/constants.js';
import { libc } from '../../src/sys/libc.js';
import { openSocketPair } from '../../src/sys/socket.js';
import { clockGettime } from '../../src/sys/time.js';
import type { Received, TimestampSource } from '../../src/sys/boundary.js';
import { isIsochronError } from '../../src/core/errors.js';
import { LoopControl } from '../../workers/control.js';
import { RecordRing } from '../../workers/ring.js';
import { HDR_SCHEDULED, HDR_SEQID, HDR_WAKEUP } from '../../src/core/frame.js';
import { DiscardSink } from '../../workers/discard-sink.js';
import { FdSource } from '../../workers/fd-timestamps.js';
import { runSendLoop, settleYoungGeneration, warmUp, WARM_UP_MARGIN_NS, WARM_UP_ROUNDS, type WarmUpSink } from '../../workers/send-loop.js';
import { getAffinity, setAffinity } from '../../src/sys/sched.js';
import { startCpuHog, HOG_CPU } from '../helpers/cpu-hog.js';
import { SENT_RECORD_WORDS, type SendLoopParams } from '../../workers/contract.js';
import { TaiClock } from '../../workers/timespec.js';

const MSG_PEEK = 0x02;
const openFds = (): number => readdirSync('/proc/self/fd').length;
const CYCLE = 1_000_000n;
const H = 14;

function params(firstScheduled: bigint, numFrames: number, cycleTime = CYCLE): SendLoopParams {
  return { frame: Buffer.alloc(64, 0xa5), headerOffset: H, numFrames, firstScheduled, cycleTime, advanceTime: cycleTime / 2n, txtime: false };
}

/** Sends through `inner`, counting, and noting what the real ring and the peer held at each send. */
class Recording implements TimestampSource {
  /** at: this send's own clock reading; stamped: the wakeup time written into the frame. */
  readonly sends: Array<{ at: bigint; stamped: bigint; ringRecords: number; peerQueued: boolean }> = [];
  readonly #peek = Buffer.alloc(1);
  constructor(
    private readonly inner: TimestampSource,
    private readonly ring: RecordRing | null = null,
    private readonly peer = -1,
  ) {}
  get txBuffer(): Buffer {
    return this.inner.txBuffer;
  }
  sendPrepared(length: number, txtime?: bigint): number {
    this.sends.push({
      at: clockGettime(CLOCK_TAI),
      stamped: this.inner.txBuffer.readBigInt64BE(H + HDR_WAKEUP),
      ringRecords: this.ring ? this.ring.readable() : -1,
      peerQueued: this.peer >= 0 && libc().recv(this.peer, this.#peek, 1, MSG_PEEK | MSG_DONTWAIT) >= 0,
    });
    return this.inner.sendPrepared(length, txtime);
  }
  recv(): Received | null {
    return null;
  }
  recvErrQueue(): Received | null {
    return null;
  }
  close(): void {}
}

test('DiscardSink: sends reach its peer, drain() empties it, close() frees both descriptors', () => {
  const before = openFds();
  const sink = DiscardSink.open(256);
  try {
    assert.equal(openFds(), before + 2);
    assert.ok(sink.source.sock.isNonBlocking());
    // Undrained, the peer's queue fills and the non-blocking send says EAGAIN:
    // so the datagrams really are queued at the peer, addressed to it.
    let sent = 0;
    let refused: unknown = null;
    for (; sent < 100_000; sent++) {
      try {
        sink.source.sendPrepared(64);
      } catch (err) {
        refused = err;
        break;
      }
    }
    assert.ok(isIsochronError(refused) && refused.errno === -11, `EAGAIN after ${sent} datagrams: ${String(refused)}`);
    assert.ok(sent >= 1);
    sink.drain();
    assert.equal(sink.source.sendPrepared(64), 64, 'drained: room again');
    // Drained as it goes, it takes any number.
    for (let i = 0; i < 5 * sent + 100; i++) {
      sink.source.sendPrepared(200);
      sink.drain();
    }
  } finally {
    sink.close();
  }
  assert.equal(sink.source.sock.fd, -1);
  assert.equal(openFds(), before, 'both ends closed');
});

test('warmUp runs the full rounds on a scratch ring, sending only to the sink', () => {
  const sink = DiscardSink.open(2048);
  try {
    const counted = new Recording(sink.source);
    const warm: WarmUpSink = { source: counted, drain: () => sink.drain() };
    const rounds = warmUp(params(clockGettime(CLOCK_TAI) + 5_000_000_000n, 10), new TaiClock(), warm);
    assert.equal(rounds, WARM_UP_ROUNDS);
    assert.equal(counted.sends.length, WARM_UP_ROUNDS, 'every round sent one frame to the sink');
    // A first wakeup closer than the margin: no warm-up at all.
    const close = new Recording(sink.source);
    assert.equal(warmUp(params(clockGettime(CLOCK_TAI) + 10_000_000n, 10), new TaiClock(), { source: close, drain: () => sink.drain() }), 0);
    assert.equal(close.sends.length, 0);
    // Without a sink the warm-up still runs, on a source that sends nothing.
    assert.equal(warmUp(params(clockGettime(CLOCK_TAI) + 5_000_000_000n, 10), new TaiClock(), null), WARM_UP_ROUNDS);
  } finally {
    sink.close();
  }
});

/**
 * runSendLoop with a first wakeup `lead` ns away at `cycle` (advance: half a cycle): the warm-up
 * ran, into the sink only, and ended before the first wakeup; the real ring
 * and socket hold exactly the real frames, each sent at or after its wakeup.
 */
function checkWarmUpSilent(cycle: bigint, lead: bigint, frames: number): void {
  const CYCLE = cycle;
  const [a, b] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
  const sink = DiscardSink.open(2048);
  const real = new FdSource(a, new Uint8Array(0), 2048);
  try {
    const ring = RecordRing.create(SENT_RECORD_WORDS, 64);
    const src = new Recording(real, ring, b);
    const warmSends = new Recording(sink.source);
    const p = params(clockGettime(CLOCK_TAI) + lead + cycle / 2n, frames, cycle);
    const firstWakeup = p.firstScheduled - p.advanceTime;
    const result = runSendLoop(src, p, ring, new LoopControl(), new TaiClock(), { source: warmSends, drain: () => sink.drain() });
    assert.deepEqual(result, { status: 'finished', count: frames });
    assert.ok(warmSends.sends.length > 0, 'the warm-up did run, into the sink');
    // What the warm-up controls, whatever the load: it starts another round
    // only while its last clock reading (the wakeup stamped into that
    // round's frame) was at least WARM_UP_MARGIN_NS before the first wakeup.
    // So every warm-up frame but the last is stamped that early. (The old
    // warm-up, sleeping real cycles and checking every 64 rounds, stamped
    // dozens of them later than that, up to past the first wakeup.)
    const margin = BigInt(WARM_UP_MARGIN_NS);
    const early = warmSends.sends.slice(0, -1);
    const late = early.filter((s) => s.stamped >= firstWakeup - margin);
    assert.equal(late.length, 0, `warm-up rounds started within ${WARM_UP_MARGIN_NS} ns of the first wakeup: ${late.map((s) => firstWakeup - s.stamped).join(', ')} ns before it`);

    assert.equal(src.sends.length, frames, 'the real socket got the real frames only');
    const first = src.sends[0];
    assert.ok(first.at >= firstWakeup, `first real send ${first.at - firstWakeup} ns after the first wakeup`);
    assert.equal(first.peerQueued, false, 'nothing had reached the real peer before it');
    src.sends.forEach((s, i) => {
      assert.equal(s.ringRecords, i + 1, `send ${i + 1}: its own record committed first, no warm-up record`);
      assert.ok(s.at >= firstWakeup + BigInt(i) * CYCLE);
    });

    // The ring: exactly seqids 1..frames with their schedule; the peer: the same frames.
    assert.equal(ring.readable(), frames);
    assert.equal(ring.dropped(), 0);
    const got = Buffer.alloc(2048);
    for (let i = 0; i < frames; i++) {
      const at = ring.peek(i);
      assert.equal(ring.data[at], BigInt(i + 1));
      assert.equal(ring.data[at + 1], p.firstScheduled + BigInt(i) * CYCLE);
      assert.ok(ring.data[at + 2] >= firstWakeup + BigInt(i) * CYCLE);
      const n = libc().recv(b, got, got.length, MSG_DONTWAIT);
      assert.equal(n, 64);
      assert.equal(got.readUInt32BE(H + HDR_SEQID), i + 1);
      assert.equal(got.readBigInt64BE(H + HDR_SCHEDULED), ring.data[at + 1]);
      assert.equal(got.readBigInt64BE(H + HDR_WAKEUP), ring.data[at + 2]);
    }
    assert.equal(libc().recv(b, got, got.length, MSG_DONTWAIT), -1, 'nothing else was sent on the real socket');
  } finally {
    real.close();
    libc().close(a);
    libc().close(b);
    sink.close();
  }
}

test('runSendLoop: the warm-up leaves the real ring empty and the real socket silent until the first wakeup', () => {
  // Far enough for the whole warm-up (it stops WARM_UP_MARGIN_NS before the first wakeup anyway).
  checkWarmUpSilent(CYCLE, 400_000_000n, 5);
});

test('runSendLoop at 5 ms, 100 ms and 1 s cycles: the warm-up never sleeps a cycle and ends before the first wakeup', () => {
  // The old warm-up moved its wakeups on by the real cycle: after a few
  // rounds they caught up with the clock and every round slept one cycle,
  // far past the first wakeup (its deadline was checked every 64 rounds).
  checkWarmUpSilent(5_000_000n, 300_000_000n, 3);
  checkWarmUpSilent(100_000_000n, 300_000_000n, 2);
  checkWarmUpSilent(1_000_000_000n, 300_000_000n, 1);
});

test('runSendLoop under a CPU hog pinned to its CPU: the warm-up still ends before the first wakeup', async () => {
  const before = getAffinity();
  const hog = await startCpuHog();
  try {
    // This thread and the busy loop on one CPU: the warm-up gets about half of it.
    setAffinity([HOG_CPU]);
    checkWarmUpSilent(CYCLE, 400_000_000n, 5);
    checkWarmUpSilent(100_000_000n, 300_000_000n, 2);
    // A first wakeup just beyond the margin: the warm-up gives up its rounds, not the wakeup.
    checkWarmUpSilent(CYCLE, BigInt(WARM_UP_MARGIN_NS) + 20_000_000n, 3);
  } finally {
    setAffinity(before);
    await hog.stop();
  }
});

test('warmUp and settleYoungGeneration give up at once when the run is asked to stop', () => {
  const stop = new LoopControl();
  stop.requestStop();
  const first = clockGettime(CLOCK_TAI) + 5_000_000_000n;
  assert.equal(warmUp(params(first, 10), new TaiClock(), null, stop), 0);
  const wake = { sec: Number(first / 1_000_000_000n), nsec: 0 };
  assert.equal(settleYoungGeneration(new TaiClock(), wake, stop), false);
  // runSendLoop sends nothing and says it stopped, long before a first wakeup 5 s away.
  const ring = RecordRing.create(SENT_RECORD_WORDS, 64);
  const sink = DiscardSink.open(2048);
  try {
    const src = new Recording(sink.source);
    const t0 = clockGettime(CLOCK_TAI);
    assert.deepEqual(runSendLoop(src, params(first, 10), ring, stop, new TaiClock(), null), { status: 'stopped', count: 0 });
    assert.ok(clockGettime(CLOCK_TAI) - t0 < 4_000_000_000n, 'returned without waiting for the first wakeup');
    assert.equal(src.sends.length, 0);
    assert.equal(ring.readable(), 0);
  } finally {
    sink.close();
  }
});
