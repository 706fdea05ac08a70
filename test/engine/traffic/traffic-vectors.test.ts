// The sender/receiver logic against the real C runs in the vectors: every
// dat/real_*.dat that has a real_meta/NAME.cmd, every real_meta/*.stats.jsonl
// capture and every mgmt/send_rcv_*/stats.transcript.json. The expected
// values are computed from the recorded command lines; the files only say
// whether they came out right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorsDir } from '../../helpers/paths.js';
import { ETH_P_ISOCHRON, type Transport } from '../../../src/core/frame.js';
import { RcvLog, SendLog, TsType, LogSent, LogRcv } from '../../../src/engine/traffic/logs.js';
import {
  cleanRunStdout,
  matchSenderRequests,
  numSyncChecks,
  senderMgmtSequence,
  type ObservedRequest,
  type SenderMgmtInput,
} from '../../helpers/mgmt-sequence.js';
import { monitorIntervalNs } from '../../../src/engine/syncmon/intervals.js';
import { SendSchedule, firstBaseTime, planUtcTaiOffset, resolveSchedule, scheduleBanner } from '../../../src/engine/traffic/schedule.js';
import { DatFlags } from '../../../src/engine/dat/layout.js';
import { expectedRcvLogBytes, sessionHeader, type SessionOptions } from '../../../src/engine/traffic/session.js';

const datDir = join(vectorsDir, 'dat');
const metaDir = join(datDir, 'real_meta');

// ---------------------------------------------------------------- helpers

/** The send command line of a recorded run, as argv after "send". */
function sendArgv(name: string): string[] {
  const cmd = readFileSync(join(metaDir, `${name}.cmd`), 'utf8');
  const line = cmd.split('\n').find((l) => l.startsWith('send:'));
  assert.ok(line, `${name}.cmd has no send: line`);
  const words = line.slice('send:'.length).trim().split(/\s+/);
  const at = words.indexOf('send');
  return words.slice(at + 1);
}

const SHORT: Record<string, string> = {
  '-i': '--interface', '-d': '--dmac', '-A': '--smac', '-p': '--priority', '-P': '--stats-port',
  '-b': '--base-time', '-a': '--advance-time', '-S': '--shift-time', '-c': '--cycle-time',
  '-w': '--window-size', '-n': '--num-frames', '-s': '--frame-size', '-T': '--no-ts', '-v': '--vid',
  '-C': '--client', '-q': '--quiet', '-e': '--etype', '-o': '--omit-sync', '-y': '--omit-remote-sync',
  '-Q': '--taprio', '-x': '--txtime', '-D': '--deadline', '-J': '--ip-destination', '-2': '--l2',
  '-4': '--l4', '-F': '--output-file', '-Y': '--omit-hwts', '-O': '--utc-tai-offset', '-W': '--data-port',
};
const BOOLEAN = new Set([
  '--no-ts', '--quiet', '--omit-sync', '--omit-remote-sync', '--taprio', '--txtime', '--deadline',
  '--l2', '--l4', '--omit-hwts', '--tracemark', '--sched-fifo', '--sched-rr', '--help',
]);

function parseArgs(argv: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let k = 0; k < argv.length; k++) {
    const opt = SHORT[argv[k]] ?? argv[k];
    if (BOOLEAN.has(opt)) m.set(opt, 'true');
    else m.set(opt, argv[++k]);
  }
  return m;
}

/** "sec.nsec" as the C parser reads valid input. */
function timeNs(s: string | undefined): bigint {
  if (s === undefined) return 0n;
  const neg = s.startsWith('-');
  const [sec, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const ns = BigInt(sec || '0') * 1_000_000_000n + BigInt(frac.padEnd(9, '0') || '0');
  return neg ? -ns : ns;
}

function sessionOptions(args: Map<string, string>): SessionOptions {
  const l4 = args.has('--l4');
  const transport: Transport = l4
    ? { kind: 'l4', family: (args.get('--ip-destination') ?? '').includes(':') ? 6 : 4 }
    : {
        kind: 'l2',
        dmac: new Uint8Array(6),
        smac: new Uint8Array(6),
        etype: args.has('--etype') ? Number(args.get('--etype')) : ETH_P_ISOCHRON,
        vlan: args.has('--vid') ? { vid: Number(args.get('--vid')), priority: Number(args.get('--priority') ?? 0) } : null,
      };
  return {
    numFrames: Number(args.get('--num-frames') ?? 0),
    frameSize: Number(args.get('--frame-size')),
    transport,
    omitSync: args.has('--omit-sync'),
    omitHwts: args.has('--omit-hwts'),
    noTs: args.has('--no-ts'),
    taprio: args.has('--taprio'),
    txtime: args.has('--txtime'),
    deadline: args.has('--deadline'),
    baseTime: timeNs(args.get('--base-time')),
    cycleTime: timeNs(args.get('--cycle-time')),
    shiftTime: timeNs(args.get('--shift-time')),
    advanceTime: timeNs(args.get('--advance-time')),
    windowSize: timeNs(args.get('--window-size')),
  };
}

function mgmtInput(args: Map<string, string>): SenderMgmtInput {
  return {
    client: args.has('--client'),
    transport: args.has('--l4') ? 'l4' : 'l2',
    dmacGiven: args.has('--dmac') && !/^(0+:){5}0+$/.test(args.get('--dmac') ?? ''),
    numFrames: Number(args.get('--num-frames') ?? 0),
    omitSync: args.has('--omit-sync'),
    omitRemoteSync: args.has('--omit-remote-sync'),
  };
}

interface DatFile {
  header: DataView;
  send: Buffer;
  rcv: Buffer;
}

/** Minimal .dat reader (log version 4, big-endian); the project's own lives in src/engine/dat. */
function readDat(path: string): DatFile {
  const buf = readFileSync(path);
  const header = new DataView(buf.buffer, buf.byteOffset, 96);
  const sendStart = Number(header.getBigUint64(64));
  const rcvStart = Number(header.getBigUint64(72));
  const send = buf.subarray(sendStart, sendStart + header.getUint32(80));
  const rcv = buf.subarray(rcvStart, rcvStart + header.getUint32(84));
  return { header, send, rcv };
}

function i64(b: Buffer, off: number): bigint {
  return b.readBigInt64BE(off);
}

/** Parses the "Label: value" banner lines of a recorded stderr. */
function bannerTimes(stderr: string): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const line of stderr.split('\n')) {
    const r = /^\s*(Now|First wakeup|Base time|Cycle time):\s+(-?\d+)\.(\d{9})$/.exec(line);
    if (r) m.set(r[1], BigInt(r[2]) * 1_000_000_000n + BigInt(r[3]));
  }
  return m;
}

const realRuns = readdirSync(datDir)
  .filter((f) => f.startsWith('real_') && f.endsWith('.dat'))
  .map((f) => f.slice(0, -'.dat'.length))
  .filter((n) => existsSync(join(metaDir, `${n}.cmd`)))
  .sort();

test('the vectors hold real runs with metadata', () => {
  assert.ok(realRuns.length > 0, `no dat/real_*.dat with real_meta/*.cmd under ${datDir}`);
});

// ------------------------------------------------------------ .dat header

for (const name of realRuns) {
  test(`${name}: .dat header fields follow from the send options`, () => {
    const o = sessionOptions(parseArgs(sendArgv(name)));
    const { header: h } = readDat(join(datDir, `${name}.dat`));
    const want = sessionHeader(o, expectedRcvLogBytes(o.numFrames));
    assert.equal(Buffer.from(h.buffer, h.byteOffset, 8).toString('latin1'), 'ISOCHRON');
    assert.equal(h.getUint32(8), want.version, 'version');
    assert.equal(h.getUint32(12), want.packetCount, 'packet_count');
    assert.equal(h.getUint16(16), want.frameSize, 'frame_size');
    assert.equal(h.getUint16(18), want.flags, 'flags');
    assert.equal(h.getUint32(20), 0, 'reserved');
    assert.equal(h.getBigInt64(24), want.baseTime, 'base_time');
    assert.equal(h.getBigInt64(32), want.advanceTime, 'advance_time');
    assert.equal(h.getBigInt64(40), want.shiftTime, 'shift_time');
    assert.equal(h.getBigInt64(48), want.cycleTime, 'cycle_time');
    assert.equal(h.getBigInt64(56), want.windowSize, 'window_size');
    assert.equal(h.getBigUint64(64), want.sendLogStart, 'send_log_start');
    assert.equal(h.getBigUint64(72), want.rcvLogStart, 'rcv_log_start');
    assert.equal(h.getUint32(80), want.sendLogSize, 'send_log_size');
    assert.equal(h.getUint32(84), want.rcvLogSize, 'rcv_log_size');
    assert.equal(h.getBigUint64(88), 0n, 'reserved2');
  });
}

// ------------------------------------------------------------ schedule

for (const name of realRuns) {
  test(`${name}: base time roll-forward, banner and scheduled times match the C run`, () => {
    const o = sessionOptions(parseArgs(sendArgv(name)));
    const stderr = readFileSync(join(metaDir, `${name}.send.stderr`), 'utf8');
    const times = bannerTimes(stderr);
    const now = times.get('Now');
    assert.ok(now !== undefined, 'stderr has no "Now:" line');
    const s = resolveSchedule(o);
    const sched = SendSchedule.start(s, now);
    assert.equal(sched.operBaseTime, firstBaseTime(s.baseTime, s.shiftTime, s.cycleTime, now));
    assert.equal(sched.operBaseTime, times.get('Base time'), 'Base time');
    assert.equal(sched.firstWakeup, times.get('First wakeup'), 'First wakeup');
    assert.ok(stderr.includes(scheduleBanner(now, sched)), 'banner text differs from the recording');
    // The kernel offset line comes first (--omit-sync without --utc-tai-offset).
    const offsetLine = /^Using the kernel UTC-TAI offset which is (-?\d+)$/m.exec(stderr);
    if (o.omitSync) {
      assert.ok(offsetLine, 'expected the kernel UTC-TAI offset line');
      const plan = planUtcTaiOffset(null, true, Number(offsetLine[1]));
      assert.ok(stderr.startsWith(plan.source === 'kernel' ? plan.message : '<none>'));
    }

    const { send } = readDat(join(datDir, `${name}.dat`));
    for (let k = 0; k < o.numFrames; k++) {
      const off = k * 48;
      assert.equal(send.readUInt32BE(off), k + 1, `seqid of record ${k}`);
      assert.equal(send.readUInt32BE(off + 4), 0);
      assert.equal(i64(send, off + 8), sched.scheduled(k + 1), `scheduled of seqid ${k + 1}`);
      // The sender woke at or after its target, and before sending.
      assert.ok(i64(send, off + 16) >= sched.wakeup(k + 1), `wakeup of seqid ${k + 1} before its target`);
    }
  });
}

// ------------------------------------------------------------ records

for (const name of realRuns) {
  test(`${name}: replaying the recorded timestamps through SendLog/RcvLog rebuilds both logs byte for byte`, () => {
    const args = parseArgs(sendArgv(name));
    const o = sessionOptions(args);
    const { header, send, rcv } = readDat(join(datDir, `${name}.dat`));
    const flags = header.getUint16(18);
    const stderr = readFileSync(join(metaDir, `${name}.send.stderr`), 'utf8');
    const utc = Number(/which is (-?\d+)/.exec(stderr)?.[1] ?? 0);
    const toUtc = (tai: bigint): bigint => (tai === 0n ? 0n : tai - BigInt(utc) * 1_000_000_000n);

    const slog = new SendLog(o.numFrames, {
      omitHwts: o.omitHwts, utcTaiOffset: utc, checkTx: o.taprio || o.txtime, deadline: o.deadline, cycleTime: o.cycleTime,
    });
    for (let k = 0; k < o.numFrames; k++) {
      const off = k * 48;
      const seqid = send.readUInt32BE(off);
      assert.equal(slog.logSent(seqid, i64(send, off + 8), i64(send, off + 16)), LogSent.Ok);
    }
    for (let k = 0; k < o.numFrames; k++) {
      const off = k * 48;
      const [hw, sw, schedTs] = [i64(send, off + 24), i64(send, off + 32), i64(send, off + 40)];
      if (o.omitHwts) assert.equal(hw, 0n, 'hwts with --omit-hwts');
      if (o.noTs) {
        assert.equal(sw, 0n);
        assert.equal(schedTs, 0n);
        continue;
      }
      assert.ok(schedTs !== 0n && sw !== 0n, `seqid ${k + 1} lacks software timestamps`);
      assert.ok(i64(send, off + 16) <= schedTs && schedTs <= sw, 'wakeup <= sched_ts <= swts');
      assert.deepEqual(slog.applyTxTimestamp(k, TsType.Sched, toUtc(schedTs), 0n), { kind: 'ok', completed: false, duplicate: false });
      const last = slog.applyTxTimestamp(k, TsType.Snd, toUtc(sw), 0n);
      assert.deepEqual(last, { kind: 'ok', completed: o.omitHwts, duplicate: false });
      if (!o.omitHwts) slog.applyTxTimestamp(k, TsType.Snd, 0n, hw);
    }
    assert.ok(slog.buffer.equals(send), 'sender log differs');
    if (!o.noTs) assert.ok(slog.allTimestamped);
    assert.equal((flags & DatFlags.DO_TS) !== 0, !o.noTs);

    const rlog = new RcvLog(rcv.length / 32);
    for (let k = 0; k < rcv.length / 32; k++) {
      const off = k * 32;
      const seqid = rcv.readUInt32BE(off);
      if (seqid === 0) continue; // lost
      assert.equal(seqid, k + 1);
      const [arrival, hw, sw] = [i64(rcv, off + 8), i64(rcv, off + 16), i64(rcv, off + 24)];
      assert.ok(arrival !== 0n && sw !== 0n, 'receiver arrival and swts are set');
      if (o.omitHwts) assert.equal(hw, 0n);
      assert.ok(sw >= i64(send, k * 48 + 32), 'RX software timestamp after the TX one');
      assert.equal(rlog.record(seqid, arrival, hw, toUtc(sw), utc), LogRcv.Ok);
    }
    assert.ok(rlog.buffer.equals(rcv), 'receiver log differs');
  });
}

// ------------------------------------------------------------ management

interface Message {
  action: number;
  mid: number;
  payload: Uint8Array;
}

const ACTIONS = ['GET', 'SET', 'RESPONSE', 'GET_ERROR'];

/** Splits a byte stream into management messages (header 8 + TLV header 8 + payload). */
function splitMessages(stream: Buffer): Message[] {
  const out: Message[] = [];
  let p = 0;
  while (p + 8 <= stream.length) {
    const len = stream.readUInt32BE(p + 4);
    assert.ok(p + 8 + len <= stream.length, 'truncated message in capture');
    const tlvLen = stream.readUInt32BE(p + 12);
    out.push({ action: stream[p + 1], mid: stream.readUInt16BE(p + 10), payload: stream.subarray(p + 16, p + 16 + tlvLen) });
    p += 8 + len;
  }
  assert.equal(p, stream.length, 'trailing bytes in capture');
  return out;
}

function checkConversation(label: string, input: SenderMgmtInput, c2s: Message[], s2c: Message[]): Record<string, number> {
  const observed: ObservedRequest[] = c2s.map((m) => ({ action: ACTIONS[m.action], mid: m.mid, payload: m.payload }));
  const phases = senderMgmtSequence(input);
  const match = matchSenderRequests(phases, observed);
  assert.ok(match.ok, `${label}: ${JSON.stringify(match)}`);
  // Every request got a RESPONSE for its MID with the size the sender reads.
  assert.equal(s2c.length, c2s.length, `${label}: one reply per request`);
  const wanted = phases.flatMap((ph) => ph.requests);
  for (let k = 0; k < c2s.length; k++) {
    assert.equal(ACTIONS[s2c[k].action], 'RESPONSE');
    assert.equal(s2c[k].mid, c2s[k].mid);
    const req = wanted.find((r) => r.mid === c2s[k].mid && r.action === ACTIONS[c2s[k].action]);
    assert.ok(req);
    if (req.replyLength === null) {
      const buf = Buffer.from(s2c[k].payload);
      assert.equal(buf.readUInt32BE(0), 4, 'log version');
      assert.equal(buf.length, 8 + buf.readUInt32BE(4), 'log buf_len');
    } else {
      assert.equal(s2c[k].payload.length, req.replyLength, `${label}: reply size of ${req.name}`);
    }
  }
  return match.ok ? match.rounds : {};
}

const statsCaptures = existsSync(metaDir)
  ? readdirSync(metaDir).filter((f) => f.endsWith('.stats.jsonl')).sort()
  : [];

test('the vectors hold stats connection captures', () => {
  assert.ok(statsCaptures.length > 0);
});

for (const file of statsCaptures) {
  const name = file.slice(0, -'.stats.jsonl'.length);
  test(`${name}: the sender's management conversation follows the modelled sequence`, () => {
    const args = parseArgs(sendArgv(name));
    const input = mgmtInput(args);
    const events = readFileSync(join(metaDir, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const conns = [...new Set(events.filter((e) => e.dir).map((e) => e.conn))];
    assert.equal(conns.length, 1, 'a run that kept sync uses one connection');
    const bytes = (dir: string): Buffer =>
      Buffer.concat(events.filter((e) => e.dir === dir).map((e) => Buffer.from(e.hex, 'hex')));
    const rounds = checkConversation(name, input, splitMessages(bytes('c2s')), splitMessages(bytes('s2c')));

    // The monitor polled about once per interval from session start to the last packet.
    const o = sessionOptions(args);
    const times = bannerTimes(readFileSync(join(metaDir, `${name}.send.stderr`), 'utf8'));
    const now = times.get('Now')!;
    const last = times.get('First wakeup')! + BigInt(o.numFrames - 1) * o.cycleTime;
    const interval = monitorIntervalNs(o.numFrames, o.cycleTime, numSyncChecks(input));
    const expected = Number((last - now) / interval) + 1;
    assert.ok(Math.abs(rounds.monitor - expected) <= 2, `monitor rounds ${rounds.monitor}, expected about ${expected}`);

    // stdout of the clean run, line for line.
    const dest = Buffer.from(splitMessages(bytes('s2c')).find((m) => m.mid === 7)?.payload ?? []).subarray(0, 6);
    const stdout = readFileSync(join(metaDir, `${name}.send.stdout`), 'utf8');
    assert.equal(stdout, cleanRunStdout(input, dest.length === 6 ? dest : null).join(''));
  });
}

const transcriptDirs = existsSync(join(vectorsDir, 'mgmt'))
  ? readdirSync(join(vectorsDir, 'mgmt')).filter((d) => d.startsWith('send_rcv_')).sort()
  : [];

for (const dir of transcriptDirs) {
  test(`mgmt/${dir}: transcript follows the modelled sequence`, () => {
    const base = join(vectorsDir, 'mgmt', dir);
    const cmd = readFileSync(join(base, 'commands.txt'), 'utf8').split('\n').find((l) => l.startsWith('send:'));
    assert.ok(cmd);
    const words = cmd.slice(5).trim().split(/\s+/);
    const args = parseArgs(words.slice(words.indexOf('send') + 1));
    const transcript = JSON.parse(readFileSync(join(base, 'stats.transcript.json'), 'utf8')) as Array<{
      dir: string; action: number; tlvs: Array<{ management_id: number; length: number; payload_hex: string }>;
    }>;
    const toMsg = (m: (typeof transcript)[number]): Message => ({
      action: m.action,
      mid: m.tlvs[0].management_id,
      // LOG payloads are shortened in transcripts; keep a buffer of the declared length.
      payload: m.tlvs[0].payload_hex.includes('...')
        ? (() => {
            const b = Buffer.alloc(m.tlvs[0].length);
            b.writeUInt32BE(4, 0);
            b.writeUInt32BE(m.tlvs[0].length - 8, 4);
            return b;
          })()
        : Buffer.from(m.tlvs[0].payload_hex, 'hex'),
    });
    checkConversation(
      dir,
      mgmtInput(args),
      transcript.filter((m) => m.dir === 'c2s').map(toMsg),
      transcript.filter((m) => m.dir === 's2c').map(toMsg),
    );
  });
}

test('a dmac given on the command line removes the DESTINATION_MAC query', () => {
  const input: SenderMgmtInput = { client: true, transport: 'l2', dmacGiven: true, numFrames: 3, omitSync: true, omitRemoteSync: true };
  assert.ok(!senderMgmtSequence(input).some((p) => p.name === 'destination-mac'));
});
