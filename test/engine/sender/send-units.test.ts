// The pieces of `isochron send` that need no network: option planning, the
// C stderr lines produced from the logs, the UTC-TAI offset rule, the error
// table. (The worker-thread pieces are tested under test/workers/.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendOptions } from '../../helpers/send-support.js';
import { declaredErrorCodes } from '../../../src/core/errors.js';
import { RecordRing } from '../../../workers/ring.js';
import { SendLog, TsType } from '../../../src/engine/traffic/logs.js';
import { capabilityWarnings, socketBufferSize } from '../../../src/engine/sender/data-socket.js';
import * as errors from '../../../src/engine/sender/errors.js';
import { collectingStreams } from '../../../src/core/output.js';
import { linkFlags } from '../../../src/engine/sender/link-state.js';
import { SendLogFiller } from '../../../src/engine/sender/log-filler.js';
import { ringCapacity } from '../../../src/engine/sender/worker-pools.js';
import { cpusFromMask, describeClient, planSend, sessionOptions } from '../../../src/engine/sender/plan.js';
import { StopSignal } from '../../../src/verbs/send/attempt.js';
import { SENT_RECORD_WORDS, SentRecord, TX_STAMP_RECORD_WORDS, TxStampRecord } from '../../../workers/contract.js';
import { resolveUtcTaiOffset, setSenderUtcTaiOffset } from '../../../src/engine/sender/utc-offset.js';
import { kernelTaiOffset } from '../../../src/sys/time.js';
import { SOF_TIMESTAMPING } from '../../../src/sys/constants.js';
import { sessionHeader } from '../../../src/engine/traffic/session.js';

test('cpu masks become the online CPUs they select (C walks BIT(cpu) below the online count)', () => {
  assert.equal(cpusFromMask(0n, 4), null);
  assert.deepEqual(cpusFromMask(0b1010n, 4), [1, 3]);
  assert.deepEqual(cpusFromMask(0b10000n, 4), [], 'a mask of offline CPUs selects nothing (C then fails with EINVAL)');
});

test('planSend truncates to the kernel and wire widths and maps VLAN, L4 and the client', () => {
  const l2 = planSend(sendOptions({ vid: 4196n, priority: 11n, etype: 0x1dead0n, schedRr: true, schedPriority: 30n, cpuMask: 1n }));
  // The VLAN fields keep their values: buildFrameTemplate masks them (12-bit VID, 3-bit PCP) like C.
  assert.deepEqual(l2.data, { kind: 'l2', dmac: sendOptions().destinationMac, smac: null, etype: 0xead0, vlan: { vid: 4196, priority: 11 } });
  assert.deepEqual(l2.thread, { policy: 'rr', priority: 30, cpus: [0] });
  const l4 = planSend(
    sendOptions({
      transport: 'l4',
      ipDestination: { family: 6, address: 'fd00::2', bytes: Buffer.alloc(16), device: 'vxa' },
      dataPort: 70000n,
      client: { family: 4, address: '10.0.0.2', bytes: Buffer.alloc(4), device: 'eth1' },
      statsPort: 5031n,
      schedFifo: true,
    }),
  );
  assert.equal(l4.data.kind, 'l4');
  assert.equal(l4.data.kind === 'l4' && l4.data.port, 70000 & 0xffff);
  assert.equal(l4.thread.policy, 'fifo');
  assert.ok(l4.client);
  assert.equal(describeClient(l4.client), '10.0.0.2%eth1 port 5031');
  // The .dat header of an IPv6 run stores the UDP payload size (C's L4 rule).
  const header = sessionHeader(sessionOptions({ ...l4, frameSize: 128 }, Buffer.alloc(6), Buffer.alloc(6)), 0);
  assert.equal(header.frameSize, 128 - 62);
  assert.equal(socketBufferSize(9000), 9000);
  assert.equal(socketBufferSize(64), 2048);
});

test("the driver capability lines are C's, hardware ones skipped with --omit-hwts", () => {
  const sw = SOF_TIMESTAMPING.TX_SOFTWARE | SOF_TIMESTAMPING.RX_SOFTWARE | SOF_TIMESTAMPING.SOFTWARE;
  assert.deepEqual(capabilityWarnings(sw, false), [
    'Driver not capable of SOF_TIMESTAMPING_TX_HARDWARE, continuing anyway\n',
    'Driver not capable of SOF_TIMESTAMPING_RX_HARDWARE, continuing anyway\n',
  ]);
  assert.deepEqual(capabilityWarnings(sw, true), []);
  assert.equal(capabilityWarnings(0, true).length, 3);
});

function rings(): { sent: RecordRing; tx: RecordRing } {
  return { sent: RecordRing.create(SENT_RECORD_WORDS, 64), tx: RecordRing.create(TX_STAMP_RECORD_WORDS, 64) };
}

function pushSent(r: RecordRing, seqid: number, scheduled: bigint, wakeup: bigint): void {
  const b = r.reserve();
  r.data[b + SentRecord.Seqid] = BigInt(seqid);
  r.data[b + SentRecord.Scheduled] = scheduled;
  r.data[b + SentRecord.Wakeup] = wakeup;
  r.commit();
}

function pushTx(r: RecordRing, key: number, type: number, sw: bigint, hw: bigint, dropped = 0n, code = 0): void {
  const b = r.reserve();
  r.data[b + TxStampRecord.Key] = BigInt(key);
  r.data[b + TxStampRecord.Type] = BigInt(type);
  r.data[b + TxStampRecord.Sw] = sw;
  r.data[b + TxStampRecord.Hw] = hw;
  r.data[b + TxStampRecord.TxtimeDropped] = dropped;
  r.data[b + TxStampRecord.TxtimeCode] = BigInt(code);
  r.commit();
}

const S = 1_795_674_900_000_000_000n;
const CYCLE = 1_000_000n;

test('the log filler applies sender records before TX timestamps and completes packets', () => {
  const log = new SendLog(2, { omitHwts: true, utcTaiOffset: 37, checkTx: false, deadline: false, cycleTime: CYCLE });
  const seen: number[] = [];
  const f = new SendLogFiller(log, CYCLE, (seqid) => seen.push(seqid));
  const { sent, tx } = rings();
  pushSent(sent, 1, S, S - CYCLE + 50_000n);
  pushTx(tx, 0, TsType.Sched, S - CYCLE, 0n);
  pushTx(tx, 0, TsType.Snd, S - CYCLE + 1n, 0n);
  assert.equal(f.drainTx(tx, sent), null);
  assert.equal(log.timestamped, 1);
  assert.deepEqual(seen, [1]);
  assert.equal(log.buffer.readBigInt64BE(32), S - CYCLE + 1n + 37_000_000_000n, 'swts converted to TAI');
  pushSent(sent, 1, S, S);
  assert.equal(f.drainSent(sent)?.message, 'There already exists a packet logged at index 0');
  pushSent(sent, 9, S, S);
  assert.equal(f.drainSent(sent)?.message, 'Could not log send packet at index 8');
  pushTx(tx, 5, TsType.Snd, 1n, 0n);
  assert.equal(f.drainTx(tx, sent)?.message, 'received timestamp for unknown key 5');
  // C stops at this one ("received duplicate timestamp for packet key 0
  // already fully timestamped"); we keep the first and count the rest.
  pushTx(tx, 0, TsType.Snd, 1n, 0n);
  pushTx(tx, 0, TsType.Sched, 2n, 0n);
  assert.equal(f.drainTx(tx, sent), null);
  assert.equal(f.faults.duplicateTimestamps, 2);
  assert.equal(log.buffer.readBigInt64BE(32), S - CYCLE + 1n + 37_000_000_000n, 'first swts kept');
  assert.equal(log.timestamped, 1);
  assert.equal(f.sent, 3);
  assert.equal(f.stamps, 5);
  assert.deepEqual(f.finishFaults(1), { duplicateTimestamps: 2, missingTimestamps: 0, prematureTx: 0, lateTx: 0, txtimeDrops: 0 });
});

test('hardware TX timestamps out of their cycle give C\'s premature/late lines (--taprio/--txtime, --fail-fast)', () => {
  const log = new SendLog(3, { omitHwts: false, utcTaiOffset: 0, checkTx: true, deadline: false, cycleTime: CYCLE });
  const f = new SendLogFiller(log, CYCLE, undefined, { failFast: true });
  const { sent, tx } = rings();
  for (let k = 1; k <= 3; k++) pushSent(sent, k, S + BigInt(k - 1) * CYCLE, S - CYCLE);
  pushTx(tx, 0, TsType.Snd, 1n, S - 1n);
  assert.equal(
    f.drainTx(tx, sent)?.message,
    'Premature transmission detected for seqid 1 scheduled for 1795674900.000000000: TX hwts 1795674899.999999999',
  );
  pushTx(tx, 1, TsType.Snd, 1n, S + CYCLE + 2n * CYCLE + 5n);
  assert.equal(
    f.drainTx(tx, sent)?.message,
    'Late transmission by 2 cycles detected for seqid 2 scheduled for 1795674900.001000000: TX hwts 1795674900.003000005',
  );
  pushTx(tx, 2, TsType.Snd, 1n, S + 2n * CYCLE + 10n);
  assert.equal(f.drainTx(tx, sent), null, 'within its cycle');
  assert.equal(f.faults.prematureTx, 1);
  assert.equal(f.faults.lateTx, 1);
});

test('keeping going, premature/late TX are counted, recorded, and C\'s line kept for the first of each kind', () => {
  const log = new SendLog(4, { omitHwts: false, utcTaiOffset: 0, checkTx: true, deadline: false, cycleTime: CYCLE });
  const f = new SendLogFiller(log, CYCLE);
  const { sent, tx } = rings();
  for (let k = 1; k <= 4; k++) pushSent(sent, k, S + BigInt(k - 1) * CYCLE, S - CYCLE);
  pushTx(tx, 0, TsType.Snd, 1n, S - 1n);
  pushTx(tx, 1, TsType.Snd, 1n, S - 2n);
  pushTx(tx, 2, TsType.Snd, 1n, S + 2n * CYCLE + 3n * CYCLE);
  pushTx(tx, 3, TsType.Snd, 1n, S + 3n * CYCLE + 5n);
  assert.equal(f.drainTx(tx, sent), null);
  assert.deepEqual({ premature: f.faults.prematureTx, late: f.faults.lateTx }, { premature: 2, late: 1 });
  assert.deepEqual(f.faultNotes, [
    'Premature transmission detected for seqid 1 scheduled for 1795674900.000000000: TX hwts 1795674899.999999999',
    'Late transmission by 3 cycles detected for seqid 3 scheduled for 1795674900.002000000: TX hwts 1795674900.005000000',
  ]);
  assert.equal(log.buffer.readBigInt64BE(2 * 48 + 24), S + 5n * CYCLE, 'the late hwts is in the log, as the report will read it');
});

test('a txtime drop report names the packet from the log (postmortem), or says it is unknown', () => {
  const log = new SendLog(2, { omitHwts: true, utcTaiOffset: 0, checkTx: false, deadline: false, cycleTime: CYCLE });
  const f = new SendLogFiller(log, 200_000n, undefined, { failFast: true });
  const { sent, tx } = rings();
  pushSent(sent, 1, S, S - 150_000n);
  pushTx(tx, -1, -1, 0n, 0n, S, 2);
  assert.equal(
    f.drainTx(tx, sent)?.message,
    'packet with txtime 1795674900.000000000 dropped due to missed deadline\n' +
      'TXTIME postmortem: seqid 1 scheduled for 1795674900.000000000, wakeup at 1795674899.999850000, ideal wakeup at 1795674899.999800000, wakeup latency 0.000050000',
  );
  assert.deepEqual(f.txtimeDropLines(S + 7n, 1), [
    'packet with txtime 1795674900.000000007 dropped due to invalid params\n',
    "don't recognize packet with txtime 1795674900.000000007\n",
  ]);
  // Keeping going: counted, C's lines kept once, the dropped packet not counted as missing too.
  const keep = new SendLogFiller(log, 200_000n);
  pushTx(tx, -1, -1, 0n, 0n, S, 2);
  pushTx(tx, -1, -1, 0n, 0n, S, 2);
  assert.equal(keep.drainTx(tx, sent), null);
  assert.equal(keep.faultNotes.length, 1);
  assert.match(keep.faultNotes[0] ?? '', /^packet with txtime 1795674900\.000000000 dropped due to missed deadline\nTXTIME postmortem: seqid 1 /);
  assert.deepEqual(keep.finishFaults(1), { duplicateTimestamps: 0, missingTimestamps: 0, prematureTx: 0, lateTx: 0, txtimeDrops: 2 });
});

test('StopSignal wakes sleepers and runs hooks registered before or after the stop', async () => {
  const s = new StopSignal();
  const calls: string[] = [];
  const off = s.on(() => calls.push('a'));
  const sleeping = s.sleep(10_000);
  s.trigger();
  await sleeping;
  s.on(() => calls.push('late'));
  off();
  assert.deepEqual(calls, ['a', 'late']);
  const t0 = Date.now();
  await new StopSignal().sleep(5, Promise.resolve());
  assert.ok(Date.now() - t0 < 1000);
});

test('UTC-TAI offset: the option is written to the kernel, else the kernel value is announced (C wording)', () => {
  const io = collectingStreams();
  const set: number[] = [];
  assert.equal(resolveUtcTaiOffset(37, io, (v) => set.push(v)), 37);
  assert.deepEqual(set, [37]);
  assert.deepEqual(io.stderr, []);
  const k = kernelTaiOffset();
  assert.equal(resolveUtcTaiOffset(null, io), k);
  assert.deepEqual(io.stderr, [`Using the kernel UTC-TAI offset which is ${k}\n`]);
  // Writing the value it already has changes nothing on the machine, but runs the real adjtimex.
  setSenderUtcTaiOffset(k);
  assert.equal(kernelTaiOffset(), k);
});

test('interface flags: loopback is up and running, a missing interface names itself', () => {
  assert.deepEqual(linkFlags('lo'), { up: true, running: true });
  assert.throws(() => linkFlags('nosuchif0'), (e: Error & { code?: string; exitStatus?: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_SEND_INTERFACE_QUERY');
    assert.equal(e.exitStatus, 237);
    assert.match(e.message, /^Failed to query port nosuchif0 admin state: No such device/);
    return true;
  });
  assert.throws(() => linkFlags('a-name-longer-than-15'), /Failed to query port/);
});

test('ring capacities: whole runs fit, bounded by the largest ring', () => {
  assert.equal(ringCapacity(0, 1), 1 << 16);
  assert.equal(ringCapacity(10, 2), 1024);
  assert.equal(ringCapacity(1e7, 2), 1 << 18);
});

test('every send error has a stable ISOCHRON_ERR_SEND_ code and the exit status of its errno', () => {
  const defs = Object.values(errors).filter((v): v is typeof errors.SendInterfaceDown => typeof v === 'function' && 'code' in v);
  assert.ok(defs.length >= 15);
  for (const d of defs) {
    assert.match(d.code, /^ISOCHRON_ERR_SEND_[A-Z_]+$/);
    assert.equal(declaredErrorCodes().get(d.code), d.errno);
  }
  assert.equal(errors.SendInterfaceDown('vxa').exitStatus, 156);
  assert.equal(errors.SendInterfaceDown('vxa').message, 'Interface vxa is administratively down');
  assert.equal(errors.SendNoHwts('Operation not supported').exitStatus, 161);
  assert.equal(errors.SendInterrupted().exitStatus, 252);
});
