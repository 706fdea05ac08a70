// The send and TX timestamp loops on a real veth, in this process: the
// hardware timestamp paths (--taprio/--txtime checks) with the NIC faked at
// the syscall boundary (FakeHwTimestampSource, fakeNic), a txtime drop
// report as etf would give it, and the piscina workers' lifecycle: stop
// flag mid-run, scheduling restored, a failing send reported.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { HWTSTAMP_FILTER_ALL } from '../../src/sys/constants.js';
import { PacketSocket } from '../../src/sys/packet.js';
import { getHwTimestamping, timestampingFlags } from '../../src/sys/tstamp.js';
import type { Received, TimestampSource } from '../../src/sys/boundary.js';
import { emptyControlInfo } from '../../src/sys/cmsg.js';
import { LoopControl } from '../../workers/control.js';
import { RecordRing } from '../../workers/ring.js';
import { clockGettime } from '../../src/sys/time.js';
import { CLOCK_TAI } from '../../src/sys/constants.js';
import { buildFrameTemplate } from '../../src/core/frame.js';
import { SendLog } from '../../src/engine/traffic/logs.js';
import { openDataSocket } from '../../src/engine/sender/data-socket.js';
import { collectingStreams } from '../../src/core/output.js';
import { SendLogFiller } from '../../src/engine/sender/log-filler.js';
import { LoopPools, RunningLoops } from '../../src/engine/sender/worker-pools.js';
import { ERRQUEUE_BYTES } from '../../src/engine/sender/data-socket.js';
import { planSend } from '../../src/engine/sender/plan.js';
import { runSendLoop } from '../../workers/send-loop.js';
import { SENT_RECORD_WORDS, TX_STAMP_RECORD_WORDS } from '../../workers/contract.js';
import { readThread } from '../../workers/thread-setup.js';
import { runTxTimestampLoop } from '../../workers/tx-timestamp-loop.js';
import { FakeHwTimestampSource, fakeNic } from '../helpers/sys-fakes.js';
import { enterNetns, MAC_A, MAC_B, sendOptions, vethPair } from '../helpers/send-support.js';

const CYCLE = 1_000_000n;

function l2Socket(t: TestContext, txtime = false): PacketSocket {
  const sock = PacketSocket.open({ ifname: 'vxa', ethertype: 0xdead, mac: MAC_B, bufferSize: 2048 });
  t.after(() => sock.close());
  sock.setTimestamping(timestampingFlags({ hardware: false }));
  // As the data socket has it: room for the TX timestamps of a TX thread kept off the CPU.
  sock.growReceiveBuffer(ERRQUEUE_BYTES);
  if (txtime) sock.setTxtime({ deadline: false });
  return sock;
}

function frame(size = 64): Buffer {
  return buildFrameTemplate(size, { kind: 'l2', dmac: Buffer.from(MAC_B.replaceAll(':', ''), 'hex'), smac: Buffer.from(MAC_A.replaceAll(':', ''), 'hex'), etype: 0xdead, vlan: null });
}

/** Sends n frames, then reads their TX timestamps, both in this thread; returns the log and the filler's verdict. */
function sendAndStamp(src: TimestampSource, n: number, opts: { taprio: boolean; txtime: boolean }): { log: SendLog; error: string | null; sent: number } {
  const first = clockGettime(CLOCK_TAI) + 20_000_000n;
  const sent = RecordRing.create(SENT_RECORD_WORDS, 64);
  const tx = RecordRing.create(TX_STAMP_RECORD_WORDS, 64);
  const res = runSendLoop(src, { frame: frame(), headerOffset: 14, numFrames: n, firstScheduled: first, cycleTime: CYCLE, advanceTime: CYCLE, txtime: opts.txtime }, sent, new LoopControl());
  assert.equal(res.status, 'finished');
  const txRes = runTxTimestampLoop(src, { firstWakeup: 0n, timeoutMs: 200 }, tx, new LoopControl());
  assert.equal(txRes.status, 'timeout', 'all read, then 200 ms of silence');
  const log = new SendLog(n, { omitHwts: false, utcTaiOffset: 0, checkTx: opts.taprio || opts.txtime, deadline: false, cycleTime: CYCLE });
  // --fail-fast: the filler stops at the first fault with C's line.
  const error = new SendLogFiller(log, CYCLE, undefined, { failFast: true }).drainTx(tx, sent);
  return { log, error: error ? error.message : null, sent: res.count };
}

test('hardware TX timestamps (faked NIC): complete packets, and taprio premature/late checks', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  // A PHC in step with the system clock: every packet gets hw, sw and sched stamps.
  const plain = sendAndStamp(new FakeHwTimestampSource(l2Socket(t), 0n), 5, { taprio: false, txtime: false });
  assert.equal(plain.error, null);
  assert.equal(plain.log.timestamped, 5);
  assert.deepEqual(plain.log.missingTimestampLines(), []);
  // With --taprio, hwts < scheduled is premature. A PHC 0.5 s behind makes it so
  // however late this (SCHED_OTHER) thread is woken on a busy machine: with the
  // PHC in step, the one-cycle advance alone gave "late" after a wakeup delay of
  // over 1 ms.
  const early = sendAndStamp(new FakeHwTimestampSource(l2Socket(t), 500_000_000n), 3, { taprio: true, txtime: false });
  assert.match(early.error ?? '', /^Premature transmission detected for seqid 1 scheduled for \d+\.\d{9}: TX hwts \d+\.\d{9}$/);
  // A PHC 3 ms ahead: about two whole cycles after scheduled.
  const late = sendAndStamp(new FakeHwTimestampSource(l2Socket(t), -3_000_000n), 3, { taprio: true, txtime: false });
  assert.match(late.error ?? '', /^Late transmission by \d+ cycles detected for seqid 1 scheduled for /);
});

/** etf's report for a packet it dropped, as the kernel would queue it. */
class TxtimeDropSource implements TimestampSource {
  private reported = false;
  constructor(private readonly inner: PacketSocket, private readonly scheduled: () => bigint) {}
  get txBuffer(): Buffer {
    return this.inner.txBuffer;
  }
  sendPrepared(length: number, txtime?: bigint): number {
    assert.ok(txtime !== undefined, 'every packet carries SCM_TXTIME with --txtime');
    return this.inner.sendPrepared(length, txtime);
  }
  recv(ms: number): Received | null {
    return this.inner.recv(ms);
  }
  recvErrQueue(ms: number): Received | null {
    if (this.reported) return this.inner.recvErrQueue(ms);
    this.reported = true;
    const control = { ...emptyControlInfo(), txtimeDropped: this.scheduled(), txtimeCode: 2 };
    return { length: 0, data: Buffer.alloc(0), control, flags: 0, from: Buffer.alloc(0) };
  }
  close(): void {}
}

test('--txtime: SO_TXTIME + SCM_TXTIME accepted on veth; a drop report gives the C postmortem', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  const sock = l2Socket(t, true);
  assert.equal(sock.getTxtime().clockid, CLOCK_TAI);
  let firstScheduled = 0n;
  const src = new TxtimeDropSource(sock, () => firstScheduled);
  const sent = RecordRing.create(SENT_RECORD_WORDS, 64);
  const tx = RecordRing.create(TX_STAMP_RECORD_WORDS, 64);
  firstScheduled = clockGettime(CLOCK_TAI) + 20_000_000n;
  const res = runSendLoop(src, { frame: frame(), headerOffset: 14, numFrames: 3, firstScheduled, cycleTime: CYCLE, advanceTime: CYCLE, txtime: true }, sent, new LoopControl());
  assert.equal(res.count, 3);
  runTxTimestampLoop(src, { firstWakeup: 0n, timeoutMs: 100 }, tx, new LoopControl());
  const log = new SendLog(3, { omitHwts: true, utcTaiOffset: 0, checkTx: true, deadline: false, cycleTime: CYCLE });
  const err = new SendLogFiller(log, CYCLE, undefined, { failFast: true }).drainTx(tx, sent);
  assert.match(err?.message ?? '', /^packet with txtime \d+\.\d{9} dropped due to missed deadline\nTXTIME postmortem: seqid 1 scheduled for \d+\.\d{9}, wakeup at \d+\.\d{9}, ideal wakeup at \d+\.\d{9}, wakeup latency 0\.\d{9}$/);
});

test('data socket on a NIC with hardware timestamping (fakeNic): no warnings, SIOCSHWTSTAMP applied, mismatches reported', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  const plan = planSend(sendOptions({ omitHwts: false, txtime: true, deadline: true, priority: 3n }));
  const io = collectingStreams();
  const nic = fakeNic({ ifname: 'vxa', phcIndex: 0 });
  const ds = openDataSocket(plan, Buffer.from(MAC_B.replaceAll(':', ''), 'hex'), io, nic);
  t.after(() => ds.close());
  assert.deepEqual(io.stderr, []);
  // What the "driver" now holds (SIOCGHWTSTAMP through the same fake).
  assert.deepEqual(getHwTimestamping('vxa', nic), { flags: 0, txType: 1, rxFilter: HWTSTAMP_FILTER_ALL });
  assert.equal(ds.smac.length, 6);
  assert.equal(ds.socket.getPriority(), 3);
  assert.equal(ds.socket.getTxtime().flags, 3, 'REPORT_ERRORS | DEADLINE_MODE');
  const broad = collectingStreams();
  const ds2 = openDataSocket(plan, Buffer.alloc(6), broad, fakeNic({ ifname: 'vxa', phcIndex: 0, appliedRxFilter: 12 }));
  ds2.close();
  assert.deepEqual(broad.stderr, ['rx_filter 12 not 1\n', 'The current filter does not match the required\n']);
  // The real veth driver refuses: C's line and EOPNOTSUPP.
  assert.throws(() => openDataSocket(plan, Buffer.alloc(6), collectingStreams()), (e: Error & { code?: string; exitStatus?: number }) => {
    assert.equal(e.message, 'ioctl SIOCSHWTSTAMP failed: Operation not supported');
    assert.equal(e.exitStatus, 161);
    return true;
  });
});

test('worker lifecycle: stop flag mid-run, SCHED_FIFO and affinity restored, failing send reported', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  const pools = new LoopPools();
  t.after(() => pools.destroy());
  const before = await pools.probeSender();
  const sock = l2Socket(t);
  const dest = Buffer.alloc(20);
  const params = (numFrames: number, size = 64) => ({
    fd: sock.fd,
    dest,
    bufferSize: 2048,
    frame: frame(size),
    headerOffset: 14,
    numFrames,
    firstScheduled: clockGettime(CLOCK_TAI) + 100_000_000n,
    cycleTime: CYCLE,
    advanceTime: CYCLE,
    txtime: false,
    thread: { policy: 'fifo' as const, priority: 20, cpus: [0] },
  });
  // An L2 socket left unbound by dest: sendmsg uses the bound device (dest bytes all zero would fail),
  // so hand the real bound address.
  const { encodeSockaddrLl } = await import('../../src/sys/structs.js');
  const { ifNameToIndex } = await import('../../src/sys/iface.js');
  encodeSockaddrLl({ protocol: 0xdead, ifindex: ifNameToIndex('vxa'), addr: Buffer.from(MAC_B.replaceAll(':', ''), 'hex') }).copy(dest);

  const log = new SendLog(100_000, { omitHwts: true, utcTaiOffset: 0, checkTx: false, deadline: false, cycleTime: CYCLE });
  const running = new RunningLoops(pools, params(100_000), { firstWakeup: 0n }, new SendLogFiller(log, CYCLE));
  await new Promise((r) => setTimeout(r, 400));
  running.stopSender();
  const outcome = await running.finished;
  assert.equal(outcome.sender.status, 'stopped');
  assert.ok(outcome.sender.count > 100 && outcome.sender.count < 100_000, `sent ${outcome.sender.count}`);
  assert.equal(outcome.logError, null);
  assert.equal(log.timestamped, outcome.sender.count, `every packet that left was timestamped (tx ${JSON.stringify(outcome.tx)} gaveUp ${outcome.txGaveUp} missing ${log.missingTimestampLines().slice(0, 3).join('|')})`);
  assert.equal(outcome.tx?.status, 'stopped');
  assert.deepEqual(outcome.sender.restored, before, 'the task put its thread back');
  assert.deepEqual(await pools.probeSender(), before, 'the pool thread is ordinary again');
  assert.deepEqual(readThread().policy, 'other', 'the main thread was never touched');

  // A frame above the veth MTU: the kernel refuses it, the worker reports it with C's words.
  const failing = new RunningLoops(pools, params(3, 1600), null, new SendLogFiller(new SendLog(3, { omitHwts: true, utcTaiOffset: 0, checkTx: false, deadline: false, cycleTime: CYCLE }), CYCLE));
  const bad = await failing.finished;
  assert.equal(bad.sender.status, 'failed');
  assert.equal(bad.sender.error?.code, 'ISOCHRON_ERR_SEND_PACKET');
  assert.equal(bad.sender.error?.errno, -90);
  assert.equal(bad.sender.error?.message, 'Failed to send data packet: Message too long (seqid 1)');
  assert.deepEqual(bad.sender.restored, before);
});
