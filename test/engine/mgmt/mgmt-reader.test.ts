// The streaming reader: same messages whatever the TCP chunking, typed
// errors (never exceptions, never unbounded buffering) for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import {
  Action,
  decodeMessage,
  encodeMessage,
  encodeValue,
  ManagementReader,
  Mid,
  type ManagementMessage,
  type ReaderEvent,
  type ReaderOptions,
} from '../../../src/engine/mgmt/index.js';
import { captureReads, conversations, isCutShort, mgmtFiles, probeFiles, probes, rel } from './mgmt-vectors.test.js';

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

/** Feeds chunks and checks the reader's invariants after every push. */
function feed(reader: ManagementReader, chunks: Uint8Array[]): ReaderEvent[] {
  const events: ReaderEvent[] = [];
  let fatal = false;
  for (const chunk of chunks) {
    const got = reader.push(chunk);
    for (const ev of got) {
      if (ev.type === 'error') {
        assert.match(ev.error.code, /^ISOCHRON_ERR_MGMT_[A-Z_]+$/);
        assert.ok(ev.error.errno < 0);
        if (fatal) assert.equal(ev.error.code, 'ISOCHRON_ERR_MGMT_READER_CLOSED');
        if (!ev.recoverable) fatal = true;
      } else {
        assert.ok(!fatal, 'no message after a fatal error');
      }
    }
    events.push(...got);
    assert.ok(reader.bufferedBytes <= reader.maxBufferedBytes, `buffered ${reader.bufferedBytes} > ${reader.maxBufferedBytes}`);
    assert.equal(reader.failed, fatal);
  }
  return events;
}

const messagesOf = (events: ReaderEvent[]): ManagementMessage[] =>
  events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
const errorsOf = (events: ReaderEvent[]) => events.flatMap((e) => (e.type === 'error' ? [e] : []));

const streams = conversations().flatMap((c) => [
  { name: `${c.name} c2s`, lines: c.c2s, accept: 'requests' as const },
  { name: `${c.name} s2c`, lines: c.s2c, accept: 'responses' as const },
]);

test('captured streams give the same messages whatever the chunking', () => {
  assert.ok(streams.length > 0);
  for (const [k, s] of streams.entries()) {
    const whole = Buffer.concat(s.lines);
    const complete = s.lines.filter((l) => !isCutShort(l));
    // A cut-short line can only be the last one (the recording stopped).
    const tail = s.lines.length > complete.length ? s.lines[s.lines.length - 1] : undefined;
    const expected = complete.map((l) => decodeMessage(l));
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), (cuts, strict) => {
        const reader = new ManagementReader({ accept: strict ? s.accept : 'any' });
        const events = feed(reader, split(whole, cuts));
        assert.deepEqual(errorsOf(events), [], s.name);
        assert.deepEqual(messagesOf(events), expected, s.name);
        assert.equal(reader.bufferedBytes, tail?.length ?? 0);
        const end = reader.end();
        if (tail) assert.equal(end[0]?.type === 'error' && end[0].error.code, 'ISOCHRON_ERR_MGMT_TRUNCATED');
        else assert.deepEqual(end, []);
      }),
      { seed: 4242 + k, numRuns: 40 },
    );
    // One byte at a time, the worst case.
    const reader = new ManagementReader();
    assert.deepEqual(messagesOf(feed(reader, split(whole, [...whole.keys()]))), expected, s.name);
  }
});

test('the recorded TCP reads (C peers split header and payload) give the recorded messages', () => {
  const files = mgmtFiles('.capture.jsonl');
  assert.ok(files.length > 0);
  for (const file of files) {
    const reads = captureReads(file);
    const keys = [...new Set(reads.map((r) => `${r.conn}.${r.dir}`))];
    for (const key of keys) {
      const [conn, dir] = key.split('.');
      const hexFile = file.replace(/\.capture\.jsonl$/, `.conn${conn}.${dir}.hex`);
      if (!existsSync(hexFile)) continue;
      const lines = conversations().find((c) => hexFile.endsWith(`${c.name}.${dir}.hex`))?.[dir as 'c2s' | 's2c'] ?? [];
      const reader = new ManagementReader();
      const events = feed(reader, reads.filter((r) => `${r.conn}.${r.dir}` === key).map((r) => r.bytes));
      assert.deepEqual(errorsOf(events), [], `${rel(file)} ${key}`);
      assert.deepEqual(
        messagesOf(events),
        lines.filter((l) => !isCutShort(l)).map((l) => decodeMessage(l)),
        `${rel(file)} ${key}`,
      );
    }
  }
});

test('every malformed-daemon probe: typed errors only, and a clean boundary keeps the stream usable', () => {
  const files = probeFiles();
  assert.ok(files.length > 0);
  for (const file of files) {
    for (const probe of probes(file)) {
      const where = `${rel(file)} ${probe.probe}`;
      const reader = new ManagementReader({ accept: 'requests' });
      feed(reader, probe.steps.map((s) => Buffer.from(s.sent_hex, 'hex')));
      const follow = typeof probe.follow_up === 'object' ? probe.follow_up : undefined;
      if (follow) {
        const sent = Buffer.from(follow.sent_hex, 'hex');
        const wasIdle = reader.idle && !reader.failed;
        const events = feed(reader, [sent]);
        // Unlike the C daemon (quirks 19, 20, 24), a stream that was left at
        // a message boundary reads the next valid message correctly.
        if (wasIdle && !isCutShort(sent)) assert.deepEqual(messagesOf(events), [decodeMessage(sent)], where);
      }
      // What the C daemon sent back is well-formed for a reply reader.
      for (const step of [...probe.steps, ...(follow ? [follow] : [])]) {
        if (!step.received_hex) continue;
        const replies = new ManagementReader({ accept: 'responses' });
        const events = feed(replies, [Buffer.from(step.received_hex, 'hex')]);
        assert.deepEqual(errorsOf(events), [], `${where} reply`);
        assert.ok(messagesOf(events).length > 0, `${where} reply`);
        assert.ok(replies.idle, `${where} reply`);
      }
    }
  }
});

test('garbage fuzz: no exception, typed errors, bounded buffering', () => {
  const small: ReaderOptions = { maxPayload: 64, maxLogPayload: 0, maxTlvs: 2 };
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 400 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      fc.constantFrom<ReaderOptions>({}, small, { accept: 'requests' }, { accept: 'responses', maxLogPayload: 4096 }),
      (bytes, cuts, opts) => {
        const reader = new ManagementReader(opts);
        feed(reader, split(Buffer.from(bytes), cuts));
        assert.ok(Array.isArray(reader.end()));
      },
    ),
    { seed: 77, numRuns: 400 },
  );
});

test('mutated captures: no exception, typed errors, bounded buffering', () => {
  const whole = Buffer.concat(streams.flatMap((s) => s.lines));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (flips, cuts) => {
        const bytes = Buffer.from(whole);
        for (const [at, v] of flips) bytes[at % bytes.length] = v;
        feed(new ManagementReader({ maxPayload: 4096 }), split(bytes, cuts));
      },
    ),
    { seed: 99, numRuns: 150 },
  );
});

// ---- the bad-input policy, case by case (docs/management.md) ----------------

const valid = encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.NODE_ROLE, payload: encodeValue(Mid.NODE_ROLE, 'sender') }] });
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function outcome(input: Buffer, opts: ReaderOptions = {}): { codes: string[]; recoverable: boolean[]; messages: number; reader: ManagementReader } {
  const reader = new ManagementReader(opts);
  const events = feed(reader, [input]);
  const errors = errorsOf(events);
  return { codes: errors.map((e) => e.error.code), recoverable: errors.map((e) => e.recoverable), messages: messagesOf(events).length, reader };
}

test('wrong version / unknown action: payload drained, next message read (C: out of sync, quirk 19)', () => {
  for (const bad of [hex('030100000000000c 00000009 00000004 00000000'), hex('02070000 00000008 00000009 00000000')]) {
    const r = outcome(Buffer.concat([bad, valid]));
    assert.equal(r.codes.length, 1);
    assert.match(r.codes[0], /BAD_VERSION|BAD_ACTION/);
    assert.deepEqual(r.recoverable, [true]);
    assert.equal(r.messages, 1);
  }
});

test('payload_length 0 and 1..7: recoverable, stream stays in sync (C: drops the connection, quirk 21)', () => {
  let r = outcome(Buffer.concat([hex('0200000000000000'), valid]));
  assert.deepEqual([r.codes, r.recoverable, r.messages], [['ISOCHRON_ERR_MGMT_EMPTY_MESSAGE'], [true], 1]);
  r = outcome(Buffer.concat([hex('0200000000000003 aabbcc'), valid]));
  assert.deepEqual([r.codes, r.recoverable, r.messages], [['ISOCHRON_ERR_MGMT_TLV_TRUNCATED'], [true], 1]);
});

test('oversize claims are fatal before anything is buffered (C: reads the payload as headers, quirk 20)', () => {
  for (const claim of ['00002000', 'ffffffff']) {
    const r = outcome(Buffer.concat([hex(`02000000${claim}`), Buffer.alloc(100), valid]));
    assert.deepEqual(r.codes, ['ISOCHRON_ERR_MGMT_TOO_LARGE']);
    assert.deepEqual(r.recoverable, [false]);
    assert.equal(r.messages, 0);
    assert.equal(r.reader.bufferedBytes, 0);
    assert.deepEqual(r.reader.push(valid).map((e) => e.type === 'error' && e.error.code), ['ISOCHRON_ERR_MGMT_READER_CLOSED']);
  }
  // 8191 is the largest claim the C daemon takes: accepted and buffered as it arrives.
  const r = outcome(hex('020000000000 1fff 0000'.replace(/ /g, '')));
  assert.deepEqual(r.codes, []);
  assert.equal(r.reader.bufferedBytes, 10);
  // Garbage with a bad version and a big length is not drained either.
  assert.deepEqual(outcome(hex('4142434445464748')).codes, ['ISOCHRON_ERR_MGMT_TOO_LARGE']);
  assert.ok(outcome(hex('4142434445464748')).reader.failed);
  // maxBufferedBytes below maxPayload is the limit that applies.
  const tight = outcome(Buffer.concat([hex('0201000000000014'), Buffer.alloc(20)]), { maxBufferedBytes: 24 });
  assert.deepEqual(tight.codes, ['ISOCHRON_ERR_MGMT_TOO_LARGE']);
});

test('LOG replies above maxPayload are accepted, anything else that large is not', () => {
  const records = Buffer.alloc(32 * 1000, 7);
  const log = encodeMessage({ action: Action.RESPONSE, tlvs: [{ mid: Mid.LOG, payload: encodeValue(Mid.LOG, { logVersion: 4, records }) }] });
  const chunks = split(log, [3, 9, 12, 15, 4000, 20000]);
  const reader = new ManagementReader({ accept: 'responses' });
  const events = feed(reader, chunks);
  assert.deepEqual(errorsOf(events), []);
  assert.deepEqual(messagesOf(events)[0].tlvs[0].payload.subarray(8), records);
  // Same size, but not a LOG: refused once the TLV header shows it.
  const fake = Buffer.from(log);
  fake.writeUInt16BE(Mid.PACKET_COUNT, 10);
  const r = outcome(fake, { accept: 'responses' });
  assert.deepEqual([r.codes, r.recoverable], [['ISOCHRON_ERR_MGMT_TOO_LARGE'], [false]]);
  // A server never receives LOG replies, so it does not grant the allowance.
  assert.deepEqual(outcome(log, { accept: 'requests' }).codes, ['ISOCHRON_ERR_MGMT_TOO_LARGE']);
  // A request that large is refused at once.
  const bigSet = hex('0201000000010000');
  assert.deepEqual(outcome(bigSet).codes, ['ISOCHRON_ERR_MGMT_TOO_LARGE']);
  // Above maxLogPayload even a LOG is refused.
  assert.deepEqual(outcome(log, { maxLogPayload: 1000 }).codes, ['ISOCHRON_ERR_MGMT_TOO_LARGE']);
});

test('TLVs that do not add up, too many TLVs, unexpected actions: message dropped, stream goes on', () => {
  const overrun = hex('0200000000000008 00000028 00000004');
  let r = outcome(Buffer.concat([overrun, valid]));
  assert.deepEqual([r.codes, r.recoverable, r.messages], [['ISOCHRON_ERR_MGMT_TLV_TRUNCATED'], [true], 1]);
  const three = encodeMessage({ action: Action.GET, tlvs: [{ mid: 1 }, { mid: 2 }, { mid: 3 }] });
  r = outcome(Buffer.concat([three, valid]), { maxTlvs: 2 });
  assert.deepEqual([r.codes, r.recoverable, r.messages], [['ISOCHRON_ERR_MGMT_TOO_MANY_TLVS'], [true], 1]);
  const response = encodeMessage({ action: Action.RESPONSE, tlvs: [{ mid: 9, payload: Buffer.alloc(4) }] });
  r = outcome(Buffer.concat([response, valid]), { accept: 'requests' });
  assert.deepEqual([r.codes, r.recoverable, r.messages], [['ISOCHRON_ERR_MGMT_UNEXPECTED_ACTION'], [true], 1]);
  r = outcome(Buffer.concat([valid, response]), { accept: 'responses' });
  assert.deepEqual([r.codes, r.messages], [['ISOCHRON_ERR_MGMT_UNEXPECTED_ACTION'], 1]);
  // Non-MANAGEMENT TLV types and unknown MIDs are framing-valid: the server decides.
  r = outcome(hex('0200000000000008 0001 0009 00000000'));
  assert.deepEqual([r.codes, r.messages], [[], 1]);
});

test('end(): truncation is reported wherever the peer stopped (C: waits forever, quirk 25)', () => {
  for (const cut of [3, 8, 12, 19]) {
    const reader = new ManagementReader();
    feed(reader, [valid.subarray(0, cut)]);
    const [ev] = reader.end();
    assert.equal(ev.type === 'error' && ev.error.code, 'ISOCHRON_ERR_MGMT_TRUNCATED');
    assert.ok(ev.type === 'error' && ev.error.message.includes(`${cut} of ${cut < 8 ? 8 : 20}`));
  }
  const draining = new ManagementReader();
  feed(draining, [hex('030000000000000c 0000')]);
  const [drained] = draining.end();
  assert.equal(drained.type === 'error' && drained.error.code, 'ISOCHRON_ERR_MGMT_TRUNCATED');
  assert.ok(drained.type === 'error' && drained.error.message.includes('10 of 20'));
  assert.deepEqual(draining.end(), []);
});

test('push() never throws, even for a wrong argument; options are validated', () => {
  const reader = new ManagementReader();
  const events = reader.push('not bytes' as unknown as Buffer);
  assert.equal(events[0].type === 'error' && events[0].error.code, 'ISOCHRON_ERR_MGMT_INTERNAL');
  assert.ok(reader.failed);
  const u8 = new ManagementReader();
  assert.equal(messagesOf(u8.push(new Uint8Array(valid))).length, 1);
  assert.throws(() => new ManagementReader({ maxPayload: 3 }), RangeError);
  assert.throws(() => new ManagementReader({ maxTlvs: 0 }), RangeError);
  assert.throws(() => new ManagementReader({ maxLogPayload: -1 }), RangeError);
  assert.throws(() => new ManagementReader({ accept: 'all' as never }), RangeError);
});
