// Send/receive logs and the receiver's per-client bookkeeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogRcv, LogSent, RcvLog, SendLog, TsType, MAX_LOG_BYTES } from '../../../src/engine/traffic/logs.js';
import { RcvSession } from '../../../src/engine/traffic/rcv-session.js';

const S = 1_000_000_000n;
const base = { omitHwts: false, utcTaiOffset: 37, checkTx: false, deadline: false, cycleTime: 1_000_000n };

test('SendLog.logSent fills a zeroed 48-byte record and refuses reuse and out-of-range seqids', () => {
  const log = new SendLog(3, base);
  assert.equal(log.buffer.length, 144);
  assert.equal(log.logSent(2, 10n * S, 9n * S), LogSent.Ok);
  assert.equal(log.buffer.subarray(48, 96).toString('hex'),
    '00000002' + '00000000' + (10n * S).toString(16).padStart(16, '0') + (9n * S).toString(16).padStart(16, '0') + '00'.repeat(24));
  assert.equal(log.seqidAt(1), 2);
  assert.equal(log.logSent(2, 1n, 1n), LogSent.SlotTaken);
  assert.equal(log.logSent(0, 1n, 1n), LogSent.OutOfRange);
  assert.equal(log.logSent(4, 1n, 1n), LogSent.OutOfRange, 'C lets index == count through; we do not');
  assert.equal(new SendLog(0, base).logSent(1, 1n, 1n), LogSent.NotLogged);
  assert.throws(() => new SendLog(MAX_LOG_BYTES, base), (e: Error & { code?: string }) => e.code === 'ISOCHRON_ERR_LOG_COUNT_TOO_LARGE');
  assert.throws(() => new RcvLog(-1), /Cannot keep a log of -1 packets/);
});

test('TX timestamps: SCHED -> sched_ts, SND -> swts (UTC to TAI), hw raw; complete counting', () => {
  const log = new SendLog(2, base);
  log.logSent(1, 100n * S, 99n * S);
  log.logSent(2, 101n * S, 100n * S);
  assert.deepEqual(log.applyTxTimestamp(0, TsType.Sched, 62n * S, 0n), { kind: 'ok', completed: false, duplicate: false });
  assert.deepEqual(log.applyTxTimestamp(0, TsType.Snd, 63n * S, 0n), { kind: 'ok', completed: false, duplicate: false });
  assert.deepEqual(log.applyTxTimestamp(0, TsType.Snd, 0n, 98n * S), { kind: 'ok', completed: true, duplicate: false }, 'hw-only message (OPT_TX_SWHW)');
  const rec = log.buffer.subarray(0, 48);
  assert.equal(rec.readBigInt64BE(24), 98n * S, 'hwts unconverted');
  assert.equal(rec.readBigInt64BE(32), 100n * S, 'swts = sw + 37 s');
  assert.equal(rec.readBigInt64BE(40), 99n * S, 'sched_ts = sw + 37 s');
  assert.equal(log.timestamped, 1);
  // A bridge port's clone of the frame: the first stamp of each kind stays.
  assert.deepEqual(log.applyTxTimestamp(0, TsType.Snd, 1n, 0n), { kind: 'ok', completed: false, duplicate: true });
  assert.deepEqual(log.applyTxTimestamp(0, TsType.Sched, 1n, 0n), { kind: 'ok', completed: false, duplicate: true });
  assert.deepEqual(log.applyTxTimestamp(0, TsType.Snd, 0n, 5n), { kind: 'ok', completed: false, duplicate: true });
  assert.equal(rec.readBigInt64BE(24), 98n * S, 'first hwts kept');
  assert.equal(rec.readBigInt64BE(32), 100n * S, 'first swts kept');
  assert.equal(rec.readBigInt64BE(40), 99n * S, 'first sched_ts kept');
  assert.equal(log.timestamped, 1, 'a duplicate does not count the packet again');
  assert.deepEqual(log.applyTxTimestamp(2, TsType.Snd, 1n, 0n), { kind: 'unknown-key' });
  assert.deepEqual(log.applyTxTimestamp(-1, TsType.Snd, 1n, 0n), { kind: 'unknown-key' });
  assert.deepEqual(log.applyTxTimestamp(1, TsType.Ack, 5n, 0n), { kind: 'ok', completed: false, duplicate: false }, 'ACK reports are ignored');
  assert.equal(log.allTimestamped, false);
  assert.deepEqual(log.missingTimestampLines(), ['seqid 2 missing timestamps: hw, sw, sched, \n']);
});

test('--omit-hwts: software timestamps complete a packet; missing list omits "hw"', () => {
  const log = new SendLog(3, { ...base, omitHwts: true, utcTaiOffset: 0 });
  log.logSent(1, 10n, 9n);
  log.logSent(2, 20n, 19n);
  log.applyTxTimestamp(0, TsType.Sched, 11n, 0n);
  assert.deepEqual(log.applyTxTimestamp(0, TsType.Snd, 12n, 0n), { kind: 'ok', completed: true, duplicate: false });
  log.applyTxTimestamp(1, TsType.Snd, 21n, 0n);
  // Slot 3 was never sent: the listing stops there, like C.
  assert.deepEqual(log.missingTimestampLines(), ['seqid 2 missing timestamps: sched, \n']);
  assert.equal(log.incompleteCount(3), 1, 'seqid 2 only: slot 3 was never sent');
  assert.equal(log.incompleteCount(3, new Set([1])), 0, 'a skipped slot (etf drop) is not counted');
  assert.equal(log.incompleteCount(1), 0);
  assert.deepEqual(log.printLines(), [
    '[0.000000010] seqid 1 txtstamp 0.000000000 swts 0.000000012\n',
    '[0.000000020] seqid 2 txtstamp 0.000000000 swts 0.000000021\n',
    '[0.000000000] seqid 0 txtstamp 0.000000000 swts 0.000000000\n',
  ]);
});

test('--taprio/--txtime: a hardware timestamp outside its cycle is reported', () => {
  const log = new SendLog(2, { ...base, utcTaiOffset: 0, checkTx: true, cycleTime: 100n });
  log.logSent(1, 1000n, 900n);
  log.logSent(2, 1100n, 1000n);
  assert.deepEqual(log.applyTxTimestamp(0, TsType.Snd, 0n, 999n), {
    kind: 'tx-check', check: { kind: 'premature' }, seqid: 1, scheduled: 1000n, duplicate: false, completed: false,
  });
  assert.deepEqual(log.applyTxTimestamp(1, TsType.Snd, 0n, 1350n), {
    kind: 'tx-check', check: { kind: 'late', cycles: 2n }, seqid: 2, scheduled: 1100n, duplicate: false, completed: false,
  });
  assert.equal(log.buffer.readBigInt64BE(48 + 24), 1350n, 'the late hardware timestamp is recorded');
  const dl = new SendLog(1, { ...base, utcTaiOffset: 0, checkTx: true, deadline: true, cycleTime: 100n });
  dl.logSent(1, 1000n, 900n);
  assert.deepEqual(dl.applyTxTimestamp(0, TsType.Snd, 0n, 990n), { kind: 'ok', completed: false, duplicate: false });
});

test('RcvLog: 32-byte records, discard above the count, seqid 0 refused, print lines', () => {
  const log = new RcvLog(3);
  assert.equal(log.record(2, 5n * S, 0n, 4n * S, 37), LogRcv.Ok);
  assert.equal(log.buffer.subarray(32, 64).toString('hex'),
    '00000002' + '00000000' + (5n * S).toString(16).padStart(16, '0') + '00'.repeat(8) + (41n * S).toString(16).padStart(16, '0'));
  assert.equal(log.record(3, 6n * S, 7n * S, 0n, 37), LogRcv.Ok);
  assert.equal(log.buffer.readBigInt64BE(64 + 24), 0n, 'missing sw timestamp stays 0 (C would store 37 s)');
  assert.equal(log.record(4, 1n, 1n, 1n, 0), LogRcv.Discard);
  assert.equal(log.record(0, 1n, 1n, 1n, 0), LogRcv.ZeroSeqid);
  assert.equal(log.complete, false);
  assert.deepEqual(log.printLines(), ['seqid 2\n', 'seqid 3 rxtstamp 7.000000000 swts 0.000000000\n']);
  log.record(1, 1n, 0n, 1n, 0);
  assert.equal(log.complete, true);
});

test('RcvSession: drain on a fresh connection, then hold GET LOG until all packets are in', () => {
  const s = new RcvSession();
  // The sender's drain: no count yet, so 0 of 0 is "all" and an empty log goes out.
  const drain = s.getLog();
  assert.equal(drain.kind, 'send-log');
  assert.equal(drain.kind === 'send-log' && drain.log.buffer.length, 0);
  s.setPacketCount(3);
  assert.equal(s.timerArmed, true);
  assert.equal(s.packetCount, 3);
  assert.deepEqual(s.packet(1, 10n, 0n, 9n, 0), { kind: 'logged', action: { kind: 'none' } });
  assert.deepEqual(s.getLog(), { kind: 'hold' });
  assert.deepEqual(s.packet(9, 10n, 0n, 9n, 0), { kind: 'discarded', stdout: 'Discarding seqid 9\n' });
  assert.deepEqual(s.packet(0, 10n, 0n, 9n, 0), { kind: 'zero-seqid' });
  s.packet(2, 11n, 0n, 10n, 0);
  const last = s.packet(3, 12n, 0n, 11n, 0);
  assert.equal(last.kind, 'logged');
  const action = last.kind === 'logged' ? last.action : null;
  assert.ok(action && action.kind === 'send-log');
  assert.equal(action.stderr, null);
  assert.deepEqual([0, 1, 2].map((k) => action.log.buffer.readUInt32BE(k * 32)), [1, 2, 3]);
  assert.equal(s.currentLog.buffer.every((b) => b === 0), true, 'a fresh zeroed log replaces the sent one');
  assert.equal(s.receivedCount, 3);
  // Asking again answers at once with the (zeroed) log.
  assert.equal(s.getLog().kind, 'send-log');
});

test('RcvSession: timeout while the client waits sends what arrived, with the C message', () => {
  const s = new RcvSession();
  s.setPacketCount(4);
  s.packet(1, 10n, 0n, 9n, 0);
  s.packet(1, 10n, 0n, 9n, 0); // duplicates count, like C
  assert.equal(s.receivedCount, 2);
  assert.deepEqual(s.getLog(), { kind: 'hold' });
  const t = s.timerExpired();
  assert.equal(t.kind, 'send-log');
  assert.equal(t.kind === 'send-log' && t.stderr, 'Timed out waiting for data packets, received 2 out of 4 expected\n');
  assert.equal(s.timerArmed, false);
});

test('RcvSession: timeout before GET LOG only marks the session; client close resets it but keeps records', () => {
  const s = new RcvSession();
  s.setPacketCount(2);
  s.packet(2, 10n, 0n, 9n, 0);
  assert.deepEqual(s.timerExpired(), { kind: 'none' });
  assert.equal(s.getLog().kind, 'send-log', 'after a timeout GET LOG is answered at once');
  s.setPacketCount(2);
  s.packet(1, 10n, 0n, 9n, 0);
  s.clientClosed();
  assert.equal(s.packetCount, 0);
  assert.equal(s.receivedCount, 0);
  assert.deepEqual(s.currentLog.printLines(), ['seqid 1\n'], 'printed at exit, as in the orchestrate_nots recording');
  assert.deepEqual(s.packet(1, 1n, 0n, 1n, 0), { kind: 'discarded', stdout: 'Discarding seqid 1\n' });
});
