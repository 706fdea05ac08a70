// The codec against the recorded captures: every message decodes and
// re-encodes to the same bytes, transcripts agree with our decoding, and
// typed values round-trip for every MID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Action,
  actionName,
  checkTlv,
  decodeErrorPayload,
  decodeMessage,
  decodeValue,
  encodeErrorPayload,
  encodeMessage,
  encodeValue,
  isKnownMid,
  Mid,
  MID_COUNT,
  MID_TABLE,
  midName,
  payloadSize,
  tlvError,
  tlvValue,
  type ManagementMessage,
  type MidValue,
} from '../../../src/engine/mgmt/index.js';
import { isIsochronError } from '../../../src/core/errors.js';
import { mgmtWasm } from '../../../src/engine/mgmt/wasm.js';
import { hexLines, isCutShort, mgmtFiles, rel, transcripts, type TranscriptMessage } from './mgmt-vectors.test.js';

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => isIsochronError(err) && err.code === code);
}

test('every captured message decodes and re-encodes to the same bytes', () => {
  const files = mgmtFiles('.hex');
  assert.ok(files.length > 0);
  let complete = 0;
  for (const file of files) {
    for (const [i, bytes] of hexLines(file).entries()) {
      const where = `${rel(file)} line ${i + 1}`;
      if (isCutShort(bytes)) {
        // The recording stopped mid-message: a typed truncation, not a crash.
        throwsCode(() => decodeMessage(bytes), 'ISOCHRON_ERR_MGMT_TRUNCATED');
        continue;
      }
      const msg = decodeMessage(bytes);
      assert.deepEqual(encodeMessage(msg), bytes, where);
      complete++;
    }
  }
  assert.ok(complete > 0);
});

/** The typed reading of a TLV, given what was asked (responses depend on the request). */
function typedRoundTrip(msg: ManagementMessage, request: ManagementMessage | undefined, where: string): void {
  for (const tlv of msg.tlvs) {
    if (!isKnownMid(tlv.mid)) continue;
    if (msg.action === Action.RESPONSE && request?.action === Action.GET_ERROR) {
      const err = tlvError(tlv);
      assert.deepEqual(encodeErrorPayload(err.rc, err.extack), tlv.payload, `${where}: GET_ERROR reply`);
      continue;
    }
    const verdict = checkTlv(msg.action, tlv);
    assert.ok(verdict.ok, `${where}: ${verdict.ok ? '' : verdict.error.message}`);
    if (msg.action === Action.GET || msg.action === Action.GET_ERROR || verdict.empty) continue;
    const value = tlvValue(tlv);
    assert.deepEqual(encodeValue(tlv.mid as Mid, value as never), tlv.payload, `${where}: ${midName(tlv.mid)}`);
  }
}

test('transcripts: header fields, names, payloads and typed values agree with our decoding', () => {
  const all = transcripts();
  assert.ok(all.length > 0);
  for (const { file, messages } of all) {
    const hexFiles = new Map<string, Buffer[]>();
    const linesOf = (m: TranscriptMessage): Buffer[] => {
      const key = `${file.replace(/\.transcript\.json$/, '')}.conn${m.conn}.${m.dir}.hex`;
      if (!hexFiles.has(key)) hexFiles.set(key, hexLines(key));
      return hexFiles.get(key)!;
    };
    const decoded = new Map<string, ManagementMessage>();
    for (const m of messages) {
      const where = `${rel(file)} ${m.dir} #${m.index}`;
      const bytes = linesOf(m)[m.index];
      assert.ok(bytes, `${where}: no line in the .hex file`);
      if (m.hex !== undefined) assert.equal(bytes.toString('hex'), m.hex, where);
      if (m.hex_head !== undefined) assert.equal(bytes.subarray(0, m.hex_head.length / 2).toString('hex'), m.hex_head, where);
      if (m.truncated || isCutShort(bytes)) {
        throwsCode(() => decodeMessage(bytes), 'ISOCHRON_ERR_MGMT_TRUNCATED');
        continue;
      }
      const msg = decodeMessage(bytes);
      decoded.set(`${m.conn}.${m.dir}.${m.index}`, msg);
      assert.equal(msg.version, m.version, where);
      assert.equal(msg.action, m.action, where);
      assert.equal(actionName(msg.action), m.action_name, where);
      assert.equal(msg.reserved, m.reserved, where);
      assert.equal(bytes.length - 8, m.payload_length, where);
      assert.equal(msg.tlvs.length, m.tlvs.length, where);
      m.tlvs.forEach((t, k) => {
        const tlv = msg.tlvs[k];
        assert.equal(tlv.tlvType, t.tlv_type, where);
        assert.equal(tlv.mid, t.management_id, where);
        assert.equal(midName(tlv.mid), t.mid_name, where);
        assert.equal(tlv.payload.length, t.length, where);
        if (t.payload_hex !== undefined && !t.payload_hex.includes('...')) assert.equal(tlv.payload.toString('hex'), t.payload_hex, where);
        if (t.log) {
          const log = decodeValue(Mid.LOG, tlv.payload);
          assert.equal(log.logVersion, t.log.log_version, where);
          assert.equal(log.records.length, t.log.buf_len, where);
          if (t.log.rcv_records_32B !== undefined) assert.equal(log.records.length / 32, t.log.rcv_records_32B, where);
        }
      });
    }
    for (const m of messages) {
      const msg = decoded.get(`${m.conn}.${m.dir}.${m.index}`);
      if (!msg) continue;
      const request = m.dir === 's2c' ? decoded.get(`${m.conn}.c2s.${m.index}`) : undefined;
      typedRoundTrip(msg, request, `${rel(file)} ${m.dir} #${m.index}`);
    }
  }
});

test('the WASM layout table agrees with the typed table for every MID', () => {
  const w = mgmtWasm();
  assert.equal(w.midCount(), MID_COUNT);
  assert.equal(MID_TABLE.length, MID_COUNT);
  for (let mid = 0; mid < MID_COUNT; mid++) {
    assert.equal(w.midKind(mid), MID_TABLE[mid].kind, midName(mid));
  }
  assert.equal(w.midKind(MID_COUNT), 0);
  assert.equal(w.midKind(-1), 0);
  assert.equal(midName(MID_COUNT), 'UNKNOWN');
  assert.equal(midName(200), 'UNKNOWN');
  assert.equal(actionName(7), 'UNKNOWN');
  // Sizes straight from the C structs (management.h, ptpmon.h).
  const sizes: Record<string, number | null> = {
    LOG: null, SYSMON_OFFSET: 24, PTPMON_OFFSET: 8, UTC_OFFSET: 2, PORT_STATE: 1, GM_CLOCK_IDENTITY: 8,
    PACKET_COUNT: 8, DESTINATION_MAC: 8, SOURCE_MAC: 8, NODE_ROLE: 4, PACKET_SIZE: 4, IF_NAME: 16, PRIORITY: 4,
    STATS_PORT: 2, BASE_TIME: 8, ADVANCE_TIME: 8, SHIFT_TIME: 8, CYCLE_TIME: 8, WINDOW_SIZE: 8, SYSMON_ENABLED: 4,
    PTPMON_ENABLED: 4, UDS: 108, DOMAIN_NUMBER: 4, TRANSPORT_SPECIFIC: 4, NUM_READINGS: 4, TS_ENABLED: 4, VID: 4,
    ETHERTYPE: 4, QUIET_ENABLED: 4, TAPRIO_ENABLED: 4, TXTIME_ENABLED: 4, DEADLINE_ENABLED: 4, IP_DESTINATION: 36,
    L2_ENABLED: 4, L4_ENABLED: 4, DATA_PORT: 2, SCHED_FIFO_ENABLED: 4, SCHED_RR_ENABLED: 4, SCHED_PRIORITY: 4,
    CPU_MASK: 8, TEST_STATE: 4, SYNC_MONITOR_ENABLED: 4, PORT_LINK_STATE: 4, CURRENT_CLOCK_TAI: 8, OPER_BASE_TIME: 8,
  };
  assert.equal(Object.keys(sizes).length, MID_COUNT);
  for (const [name, size] of Object.entries(sizes)) assert.equal(payloadSize(Mid[name as keyof typeof Mid]), size, name);
  throwsCode(() => payloadSize(77 as Mid), 'ISOCHRON_ERR_MGMT_UNKNOWN_MID');
});

// ---- typed values -----------------------------------------------------------

const s64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const ifname = fc.stringMatching(/^[a-z0-9.]{0,15}$/);
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'));
const s32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });
const state = fc.constantFrom(0, 1, 2);
const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6();

/** An arbitrary for every MID's value type (compile-time complete over MidValueMap). */
const arbitraries: { [M in Mid]: fc.Arbitrary<MidValue<M>> } = {
  [Mid.LOG]: fc.record({ logVersion: fc.constant(4), records: fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)) }),
  [Mid.SYSMON_OFFSET]: fc.record({ offset: s64, time: u64, delay: s64 }),
  [Mid.PTPMON_OFFSET]: s64,
  [Mid.UTC_OFFSET]: u16,
  [Mid.PORT_STATE]: u8,
  [Mid.GM_CLOCK_IDENTITY]: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b)),
  [Mid.PACKET_COUNT]: s64,
  [Mid.DESTINATION_MAC]: mac,
  [Mid.SOURCE_MAC]: mac,
  [Mid.NODE_ROLE]: fc.constantFrom('sender' as const, 'receiver' as const),
  [Mid.PACKET_SIZE]: s32,
  [Mid.IF_NAME]: ifname,
  [Mid.PRIORITY]: s32,
  [Mid.STATS_PORT]: u16,
  [Mid.BASE_TIME]: s64,
  [Mid.ADVANCE_TIME]: s64,
  [Mid.SHIFT_TIME]: s64,
  [Mid.CYCLE_TIME]: s64,
  [Mid.WINDOW_SIZE]: s64,
  [Mid.SYSMON_ENABLED]: fc.boolean(),
  [Mid.PTPMON_ENABLED]: fc.boolean(),
  [Mid.UDS]: fc.stringMatching(/^[/a-z0-9_.-]{0,107}$/),
  [Mid.DOMAIN_NUMBER]: u8,
  [Mid.TRANSPORT_SPECIFIC]: u8,
  [Mid.NUM_READINGS]: s32,
  [Mid.TS_ENABLED]: fc.boolean(),
  [Mid.VID]: u16,
  [Mid.ETHERTYPE]: u16,
  [Mid.QUIET_ENABLED]: fc.boolean(),
  [Mid.TAPRIO_ENABLED]: fc.boolean(),
  [Mid.TXTIME_ENABLED]: fc.boolean(),
  [Mid.DEADLINE_ENABLED]: fc.boolean(),
  [Mid.IP_DESTINATION]: fc.oneof(
    fc.record({ family: fc.constant(2), address: ipv4, ifname }),
    fc.record({ family: fc.constant(10), address: ipv6, ifname }),
  ),
  [Mid.L2_ENABLED]: fc.boolean(),
  [Mid.L4_ENABLED]: fc.boolean(),
  [Mid.DATA_PORT]: u16,
  [Mid.SCHED_FIFO_ENABLED]: fc.boolean(),
  [Mid.SCHED_RR_ENABLED]: fc.boolean(),
  [Mid.SCHED_PRIORITY]: s32,
  [Mid.CPU_MASK]: u64,
  [Mid.TEST_STATE]: state as fc.Arbitrary<MidValue<typeof Mid.TEST_STATE>>,
  [Mid.SYNC_MONITOR_ENABLED]: fc.boolean(),
  [Mid.PORT_LINK_STATE]: state as fc.Arbitrary<MidValue<typeof Mid.PORT_LINK_STATE>>,
  [Mid.CURRENT_CLOCK_TAI]: s64,
  [Mid.OPER_BASE_TIME]: s64,
};

/** Canonical text of an address, so "::ffff:1.2.3.4" and its hex form compare equal. */
function canonical<M extends Mid>(mid: M, v: MidValue<M>): unknown {
  if (mid === Mid.IP_DESTINATION) {
    const ip = v as MidValue<typeof Mid.IP_DESTINATION>;
    return { ...ip, address: decodeValue(Mid.IP_DESTINATION, encodeValue(Mid.IP_DESTINATION, ip)).address };
  }
  if (mid === Mid.DESTINATION_MAC || mid === Mid.SOURCE_MAC) return (v as string).toLowerCase();
  return v;
}

test('every MID: typed value -> payload -> same value, with the fixed size', () => {
  for (let m = 0; m < MID_COUNT; m++) {
    const mid = m as Mid;
    fc.assert(
      fc.property(arbitraries[mid], (value) => {
        const payload = encodeValue(mid, value);
        const size = payloadSize(mid);
        if (size !== null) assert.equal(payload.length, size);
        const back = decodeValue(mid, payload);
        if (mid === Mid.IP_DESTINATION) {
          assert.deepEqual(back, canonical(mid, value as never));
          // Canonical text encodes to the same bytes.
          assert.deepEqual(encodeValue(mid, back as never), payload);
        } else {
          // fc.record builds null-prototype objects; compare own properties.
          const plain = typeof value === 'object' && !Buffer.isBuffer(value) ? { ...value } : value;
          assert.deepEqual(back, plain);
        }
      }),
      { seed: 0x15c0 + m, numRuns: 60 },
    );
  }
});

test('layouts: reserved bytes are zero, strings NUL-padded, be16/be32/be64 big-endian', () => {
  assert.equal(encodeValue(Mid.ETHERTYPE, 0xdead).toString('hex'), 'dead0000');
  assert.equal(encodeValue(Mid.VID, 100).toString('hex'), '00640000');
  assert.equal(encodeValue(Mid.TEST_STATE, 1).toString('hex'), '01000000');
  assert.equal(encodeValue(Mid.L2_ENABLED, true).toString('hex'), '01000000');
  assert.equal(encodeValue(Mid.NODE_ROLE, 'receiver').toString('hex'), '00000001');
  assert.equal(encodeValue(Mid.STATS_PORT, 5031).toString('hex'), '13a7');
  assert.equal(encodeValue(Mid.PORT_STATE, 8).toString('hex'), '08');
  assert.equal(encodeValue(Mid.CYCLE_TIME, 5_000_000n).toString('hex'), '00000000004c4b40');
  assert.equal(encodeValue(Mid.BASE_TIME, -1n).toString('hex'), 'ffffffffffffffff');
  assert.equal(encodeValue(Mid.PACKET_SIZE, -2).toString('hex'), 'fffffffe');
  assert.equal(encodeValue(Mid.DESTINATION_MAC, '02:00:00:00:0B:02').toString('hex'), '020000000b020000');
  assert.equal(encodeValue(Mid.IF_NAME, 'vxa').toString('hex'), '767861' + '00'.repeat(13));
  const ip = encodeValue(Mid.IP_DESTINATION, { family: 2, address: '10.199.0.2', ifname: 'vxa' });
  assert.equal(ip.toString('hex'), '00000002' + '0ac70002' + '00'.repeat(12) + '767861' + '00'.repeat(13));
  assert.deepEqual(decodeValue(Mid.IP_DESTINATION, Buffer.alloc(36)), { family: 0, address: '', ifname: '' });
  assert.deepEqual(encodeValue(Mid.IP_DESTINATION, { family: 0, address: '', ifname: '' }), Buffer.alloc(36));
  // Garbage after a C string's NUL is not part of the value (C copies with strcpy).
  const dirty = Buffer.from('767861' + '00' + 'ff'.repeat(12), 'hex');
  assert.equal(decodeValue(Mid.IF_NAME, dirty), 'vxa');
  assert.equal(decodeValue(Mid.IF_NAME, Buffer.from('a'.repeat(16))), 'a'.repeat(16));
  // Any nonzero enabled byte reads as true, like the C bool.
  assert.equal(decodeValue(Mid.TS_ENABLED, Buffer.from('07000000', 'hex')), true);
  assert.equal(decodeValue(Mid.CPU_MASK, Buffer.from('ffffffffffffffff', 'hex')), 2n ** 64n - 1n);
  assert.deepEqual(decodeValue(Mid.IP_DESTINATION, Buffer.concat([Buffer.from('0000000a', 'hex'), Buffer.alloc(32)])).address, '::');
  assert.equal(decodeValue(Mid.IP_DESTINATION, encodeValue(Mid.IP_DESTINATION, { family: 10, address: '1:0:0:2:0:0:0:3', ifname: '' })).address, '1:0:0:2::3');
  assert.equal(decodeValue(Mid.IP_DESTINATION, encodeValue(Mid.IP_DESTINATION, { family: 10, address: '1:2:3:4:5:6:7:8', ifname: '' })).address, '1:2:3:4:5:6:7:8');
  assert.equal(decodeValue(Mid.IP_DESTINATION, encodeValue(Mid.IP_DESTINATION, { family: 10, address: '::ffff:10.0.0.1', ifname: '' })).address, '::ffff:a00:1');
});

test('bad values and bad payloads give typed errors', () => {
  const bad = 'ISOCHRON_ERR_MGMT_BAD_VALUE';
  throwsCode(() => encodeValue(Mid.IF_NAME, 'a'.repeat(16)), bad); // no room for the NUL
  throwsCode(() => encodeValue(Mid.IF_NAME, 'a\0b'), bad);
  throwsCode(() => encodeValue(Mid.IF_NAME, 5 as unknown as string), bad);
  throwsCode(() => encodeValue(Mid.UDS, 'x'.repeat(108)), bad);
  throwsCode(() => encodeValue(Mid.DESTINATION_MAC, '02:00:00:00:0b'), bad);
  throwsCode(() => encodeValue(Mid.STATS_PORT, 70000), bad);
  throwsCode(() => encodeValue(Mid.PRIORITY, 1.5), bad);
  throwsCode(() => encodeValue(Mid.DOMAIN_NUMBER, -1), bad);
  throwsCode(() => encodeValue(Mid.TEST_STATE, 3 as never), bad);
  throwsCode(() => encodeValue(Mid.NODE_ROLE, 'both' as never), bad);
  throwsCode(() => encodeValue(Mid.L4_ENABLED, 1 as never), bad);
  throwsCode(() => encodeValue(Mid.BASE_TIME, 2n ** 63n), bad);
  throwsCode(() => encodeValue(Mid.CPU_MASK, -1n), bad);
  throwsCode(() => encodeValue(Mid.CYCLE_TIME, 5 as never), bad);
  throwsCode(() => encodeValue(Mid.GM_CLOCK_IDENTITY, Buffer.alloc(7)), bad);
  throwsCode(() => encodeValue(Mid.SYSMON_OFFSET, null as never), bad);
  throwsCode(() => encodeValue(Mid.IP_DESTINATION, { family: 2, address: '::1', ifname: '' }), bad);
  throwsCode(() => encodeValue(Mid.IP_DESTINATION, { family: 10, address: '1.2.3.4', ifname: '' }), bad);
  throwsCode(() => encodeValue(Mid.IP_DESTINATION, { family: 7, address: '1.2.3.4', ifname: '' }), bad);
  throwsCode(() => encodeValue(Mid.IP_DESTINATION, null as never), bad);
  throwsCode(() => encodeValue(Mid.LOG, { logVersion: 4 } as never), bad);
  throwsCode(() => encodeValue(99 as Mid, 1 as never), 'ISOCHRON_ERR_MGMT_UNKNOWN_MID');
  throwsCode(() => decodeValue(99 as Mid, Buffer.alloc(4)), 'ISOCHRON_ERR_MGMT_UNKNOWN_MID');

  const len = 'ISOCHRON_ERR_MGMT_BAD_PAYLOAD_LENGTH';
  throwsCode(() => decodeValue(Mid.PACKET_COUNT, Buffer.alloc(4)), len);
  throwsCode(() => decodeValue(Mid.NODE_ROLE, Buffer.alloc(0)), len);
  throwsCode(() => decodeValue(Mid.NODE_ROLE, Buffer.from('00000002', 'hex')), bad);
  throwsCode(() => decodeValue(Mid.PORT_LINK_STATE, Buffer.from('03000000', 'hex')), bad);
  throwsCode(() => decodeValue(Mid.LOG, Buffer.alloc(7)), 'ISOCHRON_ERR_MGMT_BAD_LOG');
  throwsCode(() => decodeValue(Mid.LOG, Buffer.from('0000000400000010', 'hex')), 'ISOCHRON_ERR_MGMT_BAD_LOG');
  throwsCode(() => decodeErrorPayload(Buffer.alloc(3)), len);
  throwsCode(() => encodeErrorPayload(2 ** 31, ''), bad);
});

test('GET_ERROR payloads: rc + text, text cut at a NUL and at the C extack size', () => {
  assert.deepEqual(decodeErrorPayload(encodeErrorPayload(-95, 'Unhandled GET for MID IF_NAME')), { rc: -95, extack: 'Unhandled GET for MID IF_NAME' });
  assert.deepEqual(decodeErrorPayload(Buffer.from('ffffffea41420043', 'hex')), { rc: -22, extack: 'AB' });
  assert.equal(encodeErrorPayload(0, '').length, 4);
  const long = encodeErrorPayload(-22, 'é'.repeat(600)); // 1200 bytes of UTF-8
  assert.ok(long.length - 4 <= 1019);
  assert.equal(decodeErrorPayload(long).extack, 'é'.repeat(509));
});

test('decodeMessage: typed errors for every framing problem', () => {
  const ok = encodeMessage({ action: Action.GET, tlvs: [{ mid: Mid.TEST_STATE }] });
  throwsCode(() => decodeMessage(ok.subarray(0, 5)), 'ISOCHRON_ERR_MGMT_TRUNCATED');
  throwsCode(() => decodeMessage(ok.subarray(0, 12)), 'ISOCHRON_ERR_MGMT_TRUNCATED');
  throwsCode(() => decodeMessage(Buffer.concat([ok, Buffer.alloc(1)])), 'ISOCHRON_ERR_MGMT_TRAILING_BYTES');
  throwsCode(() => decodeMessage(encodeMessage({ version: 1, action: 0, tlvs: [{ mid: 9 }] })), 'ISOCHRON_ERR_MGMT_BAD_VERSION');
  throwsCode(() => decodeMessage(encodeMessage({ action: 7, tlvs: [{ mid: 9 }] })), 'ISOCHRON_ERR_MGMT_BAD_ACTION');
  throwsCode(() => decodeMessage(encodeMessage({ action: 0, tlvs: [] })), 'ISOCHRON_ERR_MGMT_EMPTY_MESSAGE');
  throwsCode(() => decodeMessage(Buffer.from('0200000000000003000000', 'hex')), 'ISOCHRON_ERR_MGMT_TLV_TRUNCATED');
  // TLV length beyond payload_length (the C daemon walks off its buffer here, quirk 24).
  throwsCode(() => decodeMessage(Buffer.from('020000000000000800000028ffffffff', 'hex')), 'ISOCHRON_ERR_MGMT_TLV_TRUNCATED');
  // A TLV shorter than payload_length leaves 8 bytes: a second TLV.
  const two = decodeMessage(Buffer.from('020000000000001000000028000000000000000000000000', 'hex'));
  assert.deepEqual(two.tlvs.map((t) => t.mid), [40, 0]);
  // ...and 5 leftover bytes are not a TLV.
  throwsCode(() => decodeMessage(Buffer.from('020000000000000d000000280000000000000000ff', 'hex')), 'ISOCHRON_ERR_MGMT_TLV_TRUNCATED');
  const many = encodeMessage({ action: 0, tlvs: Array.from({ length: 5 }, () => ({ mid: 1 })) });
  throwsCode(() => decodeMessage(many, { maxTlvs: 4 }), 'ISOCHRON_ERR_MGMT_TOO_MANY_TLVS');
  assert.equal(decodeMessage(many).tlvs.length, 5);
  throwsCode(() => encodeMessage({ action: 256, tlvs: [] }), 'ISOCHRON_ERR_MGMT_BAD_VALUE');
  throwsCode(() => encodeMessage({ action: 0, tlvs: [{ mid: 70000 }] }), 'ISOCHRON_ERR_MGMT_BAD_VALUE');
});

test('checkTlv: the per-MID validation a server applies (quirks 18, 23)', () => {
  const tlv = (mid: number, n: number) => ({ tlvType: 0, mid, payload: Buffer.alloc(n) });
  const codeOf = (action: number, mid: number, n: number) => {
    const v = checkTlv(action, tlv(mid, n));
    return v.ok ? (v.empty ? 'empty' : 'ok') : v.error.code;
  };
  assert.equal(codeOf(Action.SET, Mid.PACKET_COUNT, 8), 'ok');
  assert.equal(codeOf(Action.SET, Mid.PACKET_COUNT, 4), 'ISOCHRON_ERR_MGMT_BAD_PAYLOAD_LENGTH');
  assert.match((checkTlv(Action.SET, tlv(Mid.PACKET_COUNT, 4)) as { error: Error }).error.message, /Expected 8 bytes for SET of MID PACKET_COUNT, got 4/);
  assert.equal(codeOf(Action.SET, Mid.LOG, 8), 'ISOCHRON_ERR_MGMT_BAD_PAYLOAD_LENGTH');
  assert.equal(codeOf(Action.GET, Mid.LOG, 0), 'ok');
  assert.equal(codeOf(Action.GET, Mid.LOG, 4), 'ISOCHRON_ERR_MGMT_BAD_PAYLOAD_LENGTH');
  assert.equal(codeOf(Action.GET_ERROR, 45, 0), 'ISOCHRON_ERR_MGMT_UNKNOWN_MID');
  assert.match((checkTlv(Action.GET, tlv(200, 0)) as { error: Error }).error.message, /Unrecognized MID 200/);
  assert.equal(codeOf(Action.RESPONSE, Mid.NODE_ROLE, 0), 'empty');
  assert.equal(codeOf(Action.RESPONSE, Mid.NODE_ROLE, 4), 'ok');
  assert.equal(codeOf(Action.RESPONSE, Mid.NODE_ROLE, 5), 'ISOCHRON_ERR_MGMT_BAD_PAYLOAD_LENGTH');
  assert.equal(codeOf(Action.RESPONSE, Mid.LOG, 8), 'ok');
  assert.equal(codeOf(Action.RESPONSE, Mid.LOG, 4), 'ISOCHRON_ERR_MGMT_BAD_PAYLOAD_LENGTH');
  assert.equal(codeOf(9, Mid.LOG, 0), 'ISOCHRON_ERR_MGMT_BAD_ACTION');
});
