// "Keep going, and mark it": every measurement fault the C sender stops on,
// made at the syscall boundary (src/sys/boundary.ts) on a real veth: a PHC
// off schedule (FakeHwTimestampSource) for late/premature TX, etf's drop
// report, an error queue that loses a packet's timestamps, a bridge's
// duplicate stamps; and a socket whose timestamps never come, through the
// real loop workers. Each is counted, the run completes, the exit status is
// FAULT_EXIT_STATUS (duplicates: 0), and --fail-fast stops at the first with
// C's line and status.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { CLOCK_TAI } from '../../../src/sys/constants.js';
import { PacketSocket } from '../../../src/sys/packet.js';
import { timestampingFlags } from '../../../src/sys/tstamp.js';
import type { Received, TimestampSource } from '../../../src/sys/boundary.js';
import { emptyControlInfo } from '../../../src/sys/cmsg.js';
import { clockGettime } from '../../../src/sys/time.js';
import { ifNameToIndex } from '../../../src/sys/iface.js';
import { encodeSockaddrLl } from '../../../src/sys/structs.js';
import { LoopControl } from '../../../workers/control.js';
import { RecordRing } from '../../../workers/ring.js';
import { buildFrameTemplate } from '../../../src/core/frame.js';
import { SendLog } from '../../../src/engine/traffic/logs.js';
import { ERRQUEUE_BYTES } from '../../../src/engine/sender/data-socket.js';
import { FAULT_EXIT_STATUS, type SendFaults } from '../../../src/engine/sender/faults.js';
import { collectingStreams } from '../../../src/core/output.js';
import { SendLogFiller } from '../../../src/engine/sender/log-filler.js';
import { LoopPools, RunningLoops } from '../../../src/engine/sender/worker-pools.js';
import { planSend } from '../../../src/engine/sender/plan.js';
import { runSendLoop } from '../../../workers/send-loop.js';
import { summarizeLoops } from '../../../src/engine/sender/sender.js';
import { reportLoops } from '../../../src/verbs/send/attempt.js';
import { SENT_RECORD_WORDS, TX_STAMP_RECORD_WORDS } from '../../../workers/contract.js';
import { runTxTimestampLoop } from '../../../workers/tx-timestamp-loop.js';
import { FakeHwTimestampSource } from '../../helpers/sys-fakes.js';
import { enterNetns, MAC_A, MAC_B, sendOptions, vethPair } from '../../helpers/send-support.js';

const CYCLE = 1_000_000n;
const N = 4;
const mac = (m: string): Buffer => Buffer.from(m.replaceAll(':', ''), 'hex');

function l2Socket(t: TestContext, opts: { timestamps: boolean; txtime?: boolean }): PacketSocket {
  const sock = PacketSocket.open({ ifname: 'vxa', ethertype: 0xdead, mac: MAC_B, bufferSize: 2048 });
  t.after(() => sock.close());
  if (opts.timestamps) {
    sock.setTimestamping(timestampingFlags({ hardware: false }));
    sock.growReceiveBuffer(ERRQUEUE_BYTES);
  }
  if (opts.txtime) sock.setTxtime({ deadline: false });
  return sock;
}

function frame(): Buffer {
  return buildFrameTemplate(64, { kind: 'l2', dmac: mac(MAC_B), smac: mac(MAC_A), etype: 0xdead, vlan: null });
}

/** What the kernel's error queue would say, edited: entries dropped, repeated, or etf's drop report added. */
class EditedErrQueue implements TimestampSource {
  /** Scheduled time of the first packet sent (its SCM_TXTIME). */
  firstTxtime = 0n;
  private dropReported = false;
  constructor(
    private readonly inner: TimestampSource,
    private readonly edit: { repeat?: number; lose?: (key: number, type: number) => boolean; dropFirst?: boolean },
  ) {}
  private pending: Received[] = [];
  get txBuffer(): Buffer {
    return this.inner.txBuffer;
  }
  sendPrepared(length: number, txtime?: bigint): number {
    if (this.firstTxtime === 0n && txtime !== undefined) this.firstTxtime = txtime;
    return this.inner.sendPrepared(length, txtime);
  }
  recv(ms: number): Received | null {
    return this.inner.recv(ms);
  }
  recvErrQueue(ms: number): Received | null {
    if (this.edit.dropFirst && !this.dropReported) {
      this.dropReported = true;
      const control = { ...emptyControlInfo(), txtimeDropped: this.firstTxtime, txtimeCode: 2 };
      return { length: 0, data: Buffer.alloc(0), control, flags: 0, from: Buffer.alloc(0) };
    }
    for (;;) {
      const queued = this.pending.shift();
      if (queued) return queued;
      const r = this.inner.recvErrQueue(ms);
      if (!r) return null;
      if (this.edit.lose?.(r.control.tsKey, r.control.tsType)) continue;
      for (let i = 1; i < (this.edit.repeat ?? 1); i++) this.pending.push({ ...r, control: { ...r.control } });
      return r;
    }
  }
  close(): void {}
}

interface Variant {
  taprio?: boolean;
  txtime?: boolean;
  deadline?: boolean;
  omitHwts?: boolean;
  failFast: boolean;
}

/**
 * One whole run in this thread: the send loop, then the TX timestamp loop
 * until 300 ms of silence, the filler, and the session's end-of-run report.
 */
function runInProcess(src: TimestampSource, v: Variant): { status: number; stderr: string; faults: SendFaults; log: SendLog; sent: number } {
  const omitHwts = v.omitHwts ?? false;
  const plan = planSend(sendOptions({ numFrames: BigInt(N), omitHwts, taprio: v.taprio ?? false, txtime: v.txtime ?? false, deadline: v.deadline ?? false, failFast: v.failFast }));
  const sentRing = RecordRing.create(SENT_RECORD_WORDS, 64);
  const txRing = RecordRing.create(TX_STAMP_RECORD_WORDS, 256);
  const first = clockGettime(CLOCK_TAI) + 20_000_000n;
  const sender = runSendLoop(src, { frame: frame(), headerOffset: 14, numFrames: N, firstScheduled: first, cycleTime: CYCLE, advanceTime: CYCLE, txtime: plan.txtime }, sentRing, new LoopControl());
  assert.equal(sender.status, 'finished');
  const tx = runTxTimestampLoop(src, { firstWakeup: 0n, timeoutMs: 300 }, txRing, new LoopControl());
  const log = new SendLog(N, { omitHwts, utcTaiOffset: 0, checkTx: plan.taprio || plan.txtime, deadline: plan.deadline, cycleTime: CYCLE });
  const filler = new SendLogFiller(log, CYCLE, undefined, { failFast: plan.failFast });
  // As the pump does: a refused timestamp ends timestamping (only with --fail-fast, or an unknown key).
  const txError = filler.drainTx(txRing, sentRing);
  const allIn = log.timestamped >= N;
  const result = summarizeLoops({ sender, tx: allIn ? { status: 'stopped', count: tx.count } : tx, txGaveUp: false, logError: null, txError }, filler, true);
  const io = collectingStreams();
  const err = reportLoops(result, log, plan, io, filler.faultNotes);
  return { status: err ? err.exitStatus : 0, stderr: io.stderr.join(''), faults: result.faults, log, sent: sender.count };
}

const none: SendFaults = { duplicateTimestamps: 0, missingTimestamps: 0, prematureTx: 0, lateTx: 0, txtimeDrops: 0 };

test('late TX (PHC 3 ms ahead, --taprio / --txtime --deadline): counted and recorded, run completes with status 3; --fail-fast stops with C\'s line', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  for (const mode of [{ taprio: true }, { txtime: true, deadline: true }]) {
    const keep = runInProcess(new FakeHwTimestampSource(l2Socket(t, { timestamps: true, txtime: mode.txtime }), -3_000_000n), { ...mode, failFast: false });
    assert.deepEqual(keep.faults, { ...none, lateTx: N }, JSON.stringify(mode));
    assert.equal(keep.status, FAULT_EXIT_STATUS);
    assert.equal(keep.log.timestamped, N, 'every packet keeps its stamps, the late hwts included');
    assert.equal(keep.stderr.match(/^Late transmission by \d+ cycles detected for seqid 1 scheduled for /gm)?.length, 1, 'C\'s line once, for the first');
    assert.match(keep.stderr, new RegExp(`^Measurement faults: ${N} late transmissions$`, 'm'));
    assert.doesNotMatch(keep.stderr, /tx timestamp thread failed|Timed out waiting/);

    const fast = runInProcess(new FakeHwTimestampSource(l2Socket(t, { timestamps: true, txtime: mode.txtime }), -3_000_000n), { ...mode, failFast: true });
    assert.equal(fast.faults.lateTx, 1, 'stopped at the first');
    assert.equal(fast.status, 234, 'C\'s -EINVAL');
    // As in C, the packet whose check failed is not counted as timestamped.
    assert.match(fast.stderr, new RegExp(`^Late transmission by \\d+ cycles detected for seqid 1 scheduled for .*\\nTimed out waiting for TX timestamps, ${N} timestamps unacknowledged\\n`, 'm'));
    assert.match(fast.stderr, /^tx timestamp thread failed: Invalid argument$/m);
  }
});

test('premature TX (PHC 0.5 s behind, --taprio): counted, status 3; --fail-fast stops at the first', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  const keep = runInProcess(new FakeHwTimestampSource(l2Socket(t, { timestamps: true }), 500_000_000n), { taprio: true, failFast: false });
  assert.deepEqual(keep.faults, { ...none, prematureTx: N });
  assert.equal(keep.status, FAULT_EXIT_STATUS);
  assert.equal(keep.stderr.match(/^Premature transmission detected for seqid 1 /gm)?.length, 1);
  assert.match(keep.stderr, new RegExp(`^Measurement faults: ${N} premature transmissions$`, 'm'));
  const fast = runInProcess(new FakeHwTimestampSource(l2Socket(t, { timestamps: true }), 500_000_000n), { taprio: true, failFast: true });
  assert.equal(fast.faults.prematureTx, 1);
  assert.equal(fast.status, 234);
  assert.match(fast.stderr, /^Premature transmission detected for seqid 1 /m);
});

test('txtime drop on the error queue (etf): counted apart from missing stamps, status 3; --fail-fast gives C\'s postmortem', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  // etf dropped seqid 1: it never gets its SND stamp, and says so.
  const lose = (key: number, type: number): boolean => key === 0 && type === 0;
  const keep = runInProcess(new EditedErrQueue(l2Socket(t, { timestamps: true, txtime: true }), { dropFirst: true, lose }), { txtime: true, omitHwts: true, failFast: false });
  assert.deepEqual(keep.faults, { ...none, txtimeDrops: 1 });
  assert.equal(keep.status, FAULT_EXIT_STATUS);
  assert.equal(keep.log.timestamped, N - 1, 'the other packets are all timestamped');
  assert.match(keep.stderr, /^packet with txtime \d+\.\d{9} dropped due to missed deadline\nTXTIME postmortem: seqid 1 /m);
  assert.match(keep.stderr, /^Measurement faults: 1 packets dropped by txtime$/m);
  const fast = runInProcess(new EditedErrQueue(l2Socket(t, { timestamps: true, txtime: true }), { dropFirst: true, lose }), { txtime: true, omitHwts: true, failFast: true });
  assert.equal(fast.status, 234);
  assert.equal(fast.log.timestamped, 0, 'C stops timestamping at the drop report');
  assert.match(fast.stderr, /^TXTIME postmortem: seqid 1 .*\nTimed out waiting for TX timestamps, 4 timestamps unacknowledged\n/m);
});

test('a TX timestamp that never comes: zeros in the log, counted, C\'s time-out lines, status 3 in either mode', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  for (const failFast of [false, true]) {
    const r = runInProcess(new EditedErrQueue(l2Socket(t, { timestamps: true }), { lose: (key) => key === 2 }), { omitHwts: true, failFast });
    assert.deepEqual(r.faults, { ...none, missingTimestamps: 1 });
    assert.equal(r.status, FAULT_EXIT_STATUS);
    assert.equal(r.log.buffer.readBigInt64BE(2 * 48 + 32), 0n, 'seqid 3 keeps a zero swts in the .dat');
    assert.match(r.stderr, /^Timed out waiting for TX timestamps, 1 timestamps unacknowledged\nseqid 3 missing timestamps: sw, sched, \n/m);
    assert.match(r.stderr, /^Measurement faults: 1 packets with missing TX timestamps$/m);
  }
});

test('duplicate TX timestamps (a bridge\'s clones): first kept, counted, warned once, status 0 in either mode', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  for (const failFast of [false, true]) {
    const r = runInProcess(new EditedErrQueue(l2Socket(t, { timestamps: true }), { repeat: 3 }), { omitHwts: true, failFast });
    assert.deepEqual(r.faults, { ...none, duplicateTimestamps: 2 * 2 * N }, 'SCHED and SND, twice more each');
    assert.equal(r.status, 0);
    assert.equal(r.log.timestamped, N);
    assert.equal(r.stderr.match(/duplicate/g)?.length, 1);
    assert.match(r.stderr, new RegExp(`^Warning: ignored ${4 * N} duplicate TX timestamps `, 'm'));
  }
});

/** The real loop workers on the veth, with their own socket. */
async function workerRun(t: TestContext, pools: LoopPools, o: { timestamps: boolean; n: number; cycle: bigint; failFast: boolean }) {
  const sock = l2Socket(t, { timestamps: o.timestamps });
  const dest = Buffer.alloc(20);
  encodeSockaddrLl({ protocol: 0xdead, ifindex: ifNameToIndex('vxa'), addr: mac(MAC_B) }).copy(dest);
  const firstScheduled = clockGettime(CLOCK_TAI) + o.cycle + 50_000_000n;
  const log = new SendLog(o.n, { omitHwts: true, utcTaiOffset: 0, checkTx: false, deadline: false, cycleTime: o.cycle });
  const filler = new SendLogFiller(log, o.cycle, undefined, { failFast: o.failFast });
  const running = new RunningLoops(
    pools,
    { fd: sock.fd, dest, bufferSize: 2048, frame: frame(), headerOffset: 14, numFrames: o.n, firstScheduled, cycleTime: o.cycle, advanceTime: o.cycle, txtime: false, thread: { policy: null, priority: 0, cpus: null } },
    { firstWakeup: firstScheduled - o.cycle, failFast: o.failFast },
    filler,
  );
  const outcome = await running.finished;
  return { outcome, result: summarizeLoops(outcome, filler, true), log };
}

test('timestamps that never come (socket without SO_TIMESTAMPING), real workers: the run completes, all counted missing', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  const pools = new LoopPools();
  t.after(() => pools.destroy());
  const keep = await workerRun(t, pools, { timestamps: false, n: 5, cycle: CYCLE, failFast: false });
  assert.equal(keep.outcome.sender.status, 'finished');
  assert.equal(keep.outcome.tx?.status, 'stopped', 'keeping going, the worker never times out by itself');
  assert.equal(keep.outcome.txGaveUp, true, 'the pump gave up 2 s after the sender ended');
  assert.equal(keep.result.txTimedOut, true);
  assert.deepEqual(keep.result.faults, { ...none, missingTimestamps: 5 });
  const plan = planSend(sendOptions({ numFrames: 5n, quiet: true }));
  const io = collectingStreams();
  assert.equal(reportLoops(keep.result, keep.log, plan, io, [])?.exitStatus, FAULT_EXIT_STATUS);
  assert.deepEqual(io.stderr, ['Timed out waiting for TX timestamps, 5 timestamps unacknowledged\n', 'Measurement faults: 5 packets with missing TX timestamps\n']);

  const fast = await workerRun(t, pools, { timestamps: false, n: 3, cycle: 100n * CYCLE, failFast: true });
  assert.equal(fast.outcome.tx?.status, 'timeout', 'C\'s rule: the worker gave up after 2 s without a timestamp');
  assert.equal(fast.outcome.txGaveUp, false);
  assert.equal(fast.result.faults.missingTimestamps, 3);
});

test('a cycle longer than C\'s 2 s TX timestamp wait: every stamp kept when keeping going; --fail-fast ends timestamping like C', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  const pools = new LoopPools();
  t.after(() => pools.destroy());
  const cycle = 2_500_000_000n;
  const keep = await workerRun(t, pools, { timestamps: true, n: 2, cycle, failFast: false });
  assert.equal(keep.log.timestamped, 2);
  assert.deepEqual(keep.result.faults, none);
  assert.equal(keep.result.txTimedOut, false);
  const fast = await workerRun(t, pools, { timestamps: true, n: 2, cycle, failFast: true });
  assert.equal(fast.outcome.tx?.status, 'timeout');
  assert.equal(fast.log.timestamped, 1, 'C stops listening 2 s after the first packet\'s stamps');
  assert.equal(fast.result.faults.missingTimestamps, 1);
});
