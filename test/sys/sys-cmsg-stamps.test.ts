// parseControlStamps (the TX timestamp loop's allocation-free parser) on
// hand-built control buffers laid out as the kernel writes them: it must
// say exactly what parseControl says, in numbers, refilling one object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  IPV6_RECVERR,
  IP_RECVERR,
  PACKET_TX_TIMESTAMP,
  SCM_TIMESTAMPING,
  SCM_TSTAMP_SCHED,
  SCM_TSTAMP_SND,
  SOL_IP,
  SOL_IPV6,
  SOL_PACKET,
  SOL_SOCKET,
  SO_EE_CODE_TXTIME_MISSED,
  SO_EE_ORIGIN_ICMP,
  SO_EE_ORIGIN_TIMESTAMPING,
  SO_EE_ORIGIN_TXTIME,
} from '../../src/sys/constants.js';
import {
  cmsgSpace,
  emptyControlStamps,
  parseControl,
  parseControlStamps,
  writeCmsgHeader,
  writeTimestampingCmsg,
  writeTxtimeCmsg,
  type ControlInfo,
  type ControlStamps,
} from '../../src/sys/cmsg.js';
import { encodeSockExtendedErr } from '../../src/sys/structs.js';
import { stampsFromControl } from '../../workers/tx-timestamp-loop.js';
import { isIsochronError } from '../../src/core/errors.js';

const N = 1_000_000_000n;
const ns = (t: { sec: number; nsec: number }): bigint => BigInt(t.sec) * N + BigInt(t.nsec);

function eeRecord(buf: Buffer, at: number, level: number, type: number, ee: Parameters<typeof encodeSockExtendedErr>[0]): number {
  const data = writeCmsgHeader(buf, at, level, type, 16);
  encodeSockExtendedErr(ee).copy(buf, data);
  return cmsgSpace(16);
}

/** The facts both parsers report, in one shape, for comparison. */
function factsOfInfo(c: ControlInfo): unknown {
  return { sw: c.swTs, hw: c.hwTs, key: c.tsKey, type: c.tsType, dropped: c.txtimeDropped, code: c.txtimeCode, other: c.otherError !== null, unknown: c.unknown.length };
}
function factsOfStamps(s: ControlStamps): unknown {
  assert.ok(s.sw.nsec >= 0 && s.sw.nsec < 1e9 && s.hw.nsec >= 0 && s.hw.nsec < 1e9);
  return {
    sw: ns(s.sw),
    hw: ns(s.hw),
    key: s.tsKey,
    type: s.tsType,
    dropped: (BigInt(s.txtimeDroppedHi) << 32n) + BigInt(s.txtimeDroppedLo),
    code: s.txtimeCode,
    other: s.otherError,
    unknown: s.unknown,
  };
}

test('a TX timestamp entry: SCM_TIMESTAMPING then the OPT_ID key, as numbers', () => {
  const buf = Buffer.alloc(256);
  let at = writeTimestampingCmsg(buf, 0, 1_795_674_900_123_456_789n, 1_795_674_900_000_000_001n);
  at += eeRecord(buf, at, SOL_PACKET, PACKET_TX_TIMESTAMP, { errno: 42, origin: SO_EE_ORIGIN_TIMESTAMPING, type: 0, code: 0, info: SCM_TSTAMP_SCHED, data: 0xffff_fffe });
  const out = emptyControlStamps();
  const sw = out.sw;
  assert.equal(parseControlStamps(buf, 0, at, out), out);
  assert.deepEqual(out.sw, { sec: 1_795_674_900, nsec: 123_456_789 });
  assert.deepEqual(out.hw, { sec: 1_795_674_900, nsec: 1 });
  assert.equal(out.tsKey, 0xffff_fffe, 'the key is a u32');
  assert.equal(out.tsType, SCM_TSTAMP_SCHED);
  assert.equal(out.sw, sw, 'the nested pairs are reused, not replaced');

  // Reused for the next entry: what that entry lacks is reset.
  const next = Buffer.alloc(64);
  const len = eeRecord(next, 0, SOL_IP, IP_RECVERR, { errno: 0, origin: SO_EE_ORIGIN_TIMESTAMPING, type: 0, code: 0, info: SCM_TSTAMP_SND, data: 7 });
  parseControlStamps(next, 0, len, out);
  assert.deepEqual(factsOfStamps(out), { sw: 0n, hw: 0n, key: 7, type: SCM_TSTAMP_SND, dropped: 0n, code: 0, other: false, unknown: 0 });
});

test('txtime drop reports, other errors, SCM_TXTIME and unknown records', () => {
  const buf = Buffer.alloc(256);
  const launch = 1_795_674_900_999_999_999n;
  let at = eeRecord(buf, 0, SOL_IPV6, IPV6_RECVERR, {
    errno: 0, origin: SO_EE_ORIGIN_TXTIME, type: 0, code: SO_EE_CODE_TXTIME_MISSED, info: Number(launch & 0xffff_ffffn), data: Number(launch >> 32n),
  });
  at += eeRecord(buf, at, SOL_IP, IP_RECVERR, { errno: 111, origin: SO_EE_ORIGIN_ICMP, type: 3, code: 3, info: 0, data: 0 });
  at += writeTxtimeCmsg(buf, at, 5n);
  writeCmsgHeader(buf, at, 1234, 5, 4);
  at += cmsgSpace(4);
  const out = parseControlStamps(buf, 0, at, emptyControlStamps());
  assert.deepEqual(factsOfStamps(out), { sw: 0n, hw: 0n, key: -1, type: -1, dropped: launch, code: SO_EE_CODE_TXTIME_MISSED, other: true, unknown: 1 });
  assert.deepEqual(factsOfStamps(out), factsOfInfo(parseControl(buf, 0, at)));
});

test('length claims: the same errors as parseControl, truncated records end the walk', () => {
  const out = emptyControlStamps();
  const short = Buffer.alloc(64);
  writeCmsgHeader(short, 0, SOL_SOCKET, SCM_TIMESTAMPING, 32);
  assert.throws(() => parseControlStamps(short, 0, 48, out), (e: unknown) => isIsochronError(e) && e.code === 'ISOCHRON_ERR_BAD_CMSG' && /short SCM_TIMESTAMPING/.test(e.message));
  const tiny = Buffer.alloc(32);
  tiny.writeBigUInt64LE(8n, 0);
  assert.throws(() => parseControlStamps(tiny, 0, 32, out), /below the header size/);
  const txt = Buffer.alloc(32);
  writeCmsgHeader(txt, 0, SOL_SOCKET, 61, 4);
  assert.throws(() => parseControlStamps(txt, 0, 24, out), /short SCM_TXTIME/);
  const ee = Buffer.alloc(32);
  writeCmsgHeader(ee, 0, SOL_PACKET, PACKET_TX_TIMESTAMP, 8);
  assert.throws(() => parseControlStamps(ee, 0, 24, out), /short sock_extended_err/);
  const trunc = Buffer.alloc(128);
  writeTimestampingCmsg(trunc, 0, 5n, 6n);
  assert.deepEqual(parseControlStamps(trunc, 0, 40, out).sw, { sec: 0, nsec: 0 });
  assert.deepEqual(parseControlStamps(trunc.subarray(0, 64), 0, 10_000, out).sw, { sec: 0, nsec: 5 });
  // A cmsg_len whose high half is set claims more than any buffer: truncated, not an error.
  const huge = Buffer.alloc(64);
  writeTimestampingCmsg(huge, 0, 5n, 6n);
  huge.writeUInt32LE(1, 4);
  assert.equal(parseControlStamps(huge, 0, 64, out).sw.nsec, 0);
  assert.equal(parseControl(huge, 0, 64).swTs, 0n);
});

/** One random control record, written at `at`; returns its space. */
type Rec =
  | { kind: 'ts'; sw: bigint; hw: bigint }
  | { kind: 'ee'; where: 0 | 1 | 2; origin: number; info: number; data: number; code: number }
  | { kind: 'txtime'; v: bigint }
  | { kind: 'unknown'; level: number; type: number; len: number };
const WHERE = [[SOL_PACKET, PACKET_TX_TIMESTAMP], [SOL_IP, IP_RECVERR], [SOL_IPV6, IPV6_RECVERR]] as const;
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const rec: fc.Arbitrary<Rec> = fc.oneof(
  fc.record({ kind: fc.constant('ts' as const), sw: fc.bigInt({ min: 0n, max: 2n ** 32n * N - 1n }), hw: fc.bigInt({ min: 0n, max: 2n ** 32n * N - 1n }) }),
  fc.record({
    kind: fc.constant('ee' as const),
    where: fc.constantFrom(0 as const, 1 as const, 2 as const),
    origin: fc.constantFrom(SO_EE_ORIGIN_TIMESTAMPING, SO_EE_ORIGIN_TXTIME, SO_EE_ORIGIN_ICMP, 0, 5),
    info: u32,
    data: u32,
    code: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('txtime' as const), v: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
  fc.record({ kind: fc.constant('unknown' as const), level: fc.integer({ min: 0, max: 300 }), type: fc.integer({ min: 100, max: 200 }), len: fc.integer({ min: 0, max: 40 }) }),
);

function write(buf: Buffer, at: number, r: Rec): number {
  switch (r.kind) {
    case 'ts':
      return writeTimestampingCmsg(buf, at, r.sw, r.hw);
    case 'ee':
      return eeRecord(buf, at, WHERE[r.where][0], WHERE[r.where][1], { errno: 0, origin: r.origin, type: 0, code: r.code, info: r.info, data: r.data });
    case 'txtime':
      return writeTxtimeCmsg(buf, at, r.v);
    case 'unknown':
      writeCmsgHeader(buf, at, r.level, r.type, r.len);
      return cmsgSpace(r.len);
  }
}

test('property: on any sequence of kernel-shaped records, cut anywhere, both parsers report the same facts', () => {
  const reused = emptyControlStamps();
  fc.assert(
    fc.property(fc.array(rec, { maxLength: 6 }), fc.nat(), (recs, cutSeed) => {
      const buf = Buffer.alloc(512);
      let len = 0;
      for (const r of recs) len += write(buf, len, r);
      const cut = len === 0 ? 0 : cutSeed % (len + 1);
      const info = parseControl(buf, 0, cut);
      assert.deepEqual(factsOfStamps(parseControlStamps(buf, 0, cut, reused)), factsOfInfo(info));
      // The fallback conversion of the TX loop (fake sources) says the same.
      assert.deepEqual(factsOfStamps(stampsFromControl(info, emptyControlStamps())), factsOfInfo(info));
    }),
    { numRuns: 3000 },
  );
});
