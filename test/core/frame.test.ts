// Frame layout of the C sender (src/send.c isochron_send_init_data_packet and
// do_work) and the receiver's parsing (src/rcv.c app_loop), byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  RxStatus,
  buildFrameTemplate,
  headerOffset,
  headerScheduled,
  headerWakeup,
  minimumFrameSize,
  newRxHeader,
  parseL2Frame,
  parseUdpPayload,
  datFrameSize,
  sentLength,
  vlanTci,
  writeTimespecNs,
  type Transport,
} from '../../src/core/frame.js';
import { stampFrame } from '../helpers/frames.js';
import { IsochronError } from '../../src/core/errors.js';

const DMAC = Uint8Array.from([0x02, 0, 0, 0, 0x0b, 0x02]);
const SMAC = Uint8Array.from([0x02, 0, 0, 0, 0x0a, 0x01]);
const plain: Transport = { kind: 'l2', dmac: DMAC, smac: SMAC, etype: 0xdead, vlan: null };
const tagged: Transport = { kind: 'l2', dmac: DMAC, smac: SMAC, etype: 0xdead, vlan: { vid: 100, priority: 3 } };
const udp4: Transport = { kind: 'l4', family: 4 };
const udp6: Transport = { kind: 'l4', family: 6 };

const pattern = (n: number): string => 'deadbeef'.repeat(Math.ceil(n / 4)).slice(0, n * 2);
const zeros = (n: number): string => '00'.repeat(n);

const layouts: Array<{ name: string; t: Transport; size: number; hex: string }> = [
  {
    name: 'L2 untagged, 64 octets',
    t: plain,
    size: 64,
    hex: '020000000b02' + '020000000a01' + 'dead' + zeros(20) + pattern(64 - 34),
  },
  {
    name: 'L2 VLAN 100 priority 3, etype 0xdead, 100 octets (real_l2_vid_prio_etype run)',
    t: tagged,
    size: 100,
    hex: '020000000b02' + '020000000a01' + '8100' + '6064' + 'dead' + zeros(20) + pattern(100 - 38),
  },
  {
    name: 'L2 untagged, header only',
    t: plain,
    size: 34,
    hex: '020000000b02' + '020000000a01' + 'dead' + zeros(20),
  },
  // L4: --frame-size is the UDP payload; C's pad pattern stops at the
  // reduced length (frame size - 42/62) rounded up to a word, zeros after.
  {
    name: 'L4 IPv4, 128 octets of UDP payload, pattern to 86 rounded up to 88',
    t: udp4,
    size: 128,
    hex: zeros(20) + pattern(88 - 20) + zeros(128 - 88),
  },
  {
    name: 'L4 IPv4, --frame-size 64 (kernel selftests): one pattern word, then zeros',
    t: udp4,
    size: 64,
    hex: zeros(20) + pattern(4) + zeros(64 - 24),
  },
  {
    name: 'L4 IPv6, --frame-size 64: header and zeros (reduced length 2)',
    t: udp6,
    size: 64,
    hex: zeros(20) + zeros(64 - 20),
  },
  {
    name: 'L4 IPv4, header only',
    t: udp4,
    size: 20,
    hex: zeros(20),
  },
  {
    name: 'L4 IPv4, 10000 octets: pattern to 9958 rounded up to 9960',
    t: udp4,
    size: 10000,
    hex: zeros(20) + pattern(9960 - 20) + zeros(40),
  },
  {
    name: 'L4 IPv6, 128 octets of UDP payload, pattern to 66 rounded up to 68',
    t: udp6,
    size: 128,
    hex: zeros(20) + pattern(68 - 20) + zeros(128 - 68),
  },
  {
    name: 'L2 custom etype 0x88b5, odd size',
    t: { kind: 'l2', dmac: DMAC, smac: SMAC, etype: 0x88b5, vlan: null },
    size: 61,
    hex: '020000000b02' + '020000000a01' + '88b5' + zeros(20) + pattern(61 - 34),
  },
];

for (const l of layouts) {
  test(`frame template: ${l.name}`, () => {
    const frame = buildFrameTemplate(l.size, l.t);
    assert.equal(frame.toString('hex'), l.hex);
    assert.equal(frame.length, sentLength(l.size));
    assert.equal(frame.length, l.size, '--frame-size is what the socket gets, L2 and L4 alike');
  });
}

test('.dat frame_size: L2 as given; L4 minus Ethernet+IP+UDP, cut to 16 bits (values seen from the C sender)', () => {
  assert.equal(datFrameSize(64, plain), 64);
  assert.equal(datFrameSize(100, tagged), 100);
  // Recorded from the C sender over veth: --l4 --frame-size N --> header frame_size.
  const seen: Array<[number, number, number]> = [
    [64, 22, 2], [128, 86, 66], [0, 65494, 65474], [10, 65504, 65484], [20, 65514, 65494], [9999, 9957, 9937], [10000, 9958, 9938],
  ];
  for (const [size, v4, v6] of seen) {
    assert.equal(datFrameSize(size, udp4), v4, `IPv4 ${size}`);
    assert.equal(datFrameSize(size, udp6), v6, `IPv6 ${size}`);
  }
});

test('VLAN TCI: PCP is the low 3 bits of --priority, VID the low 12 bits of --vid, no DEI', () => {
  const cases: Array<[number, number, number]> = [
    [0, 0, 0x0000],
    [3, 100, 0x6064],
    [7, 4095, 0xefff],
    [8, 5, 0x0005], // priority 8 shifts out of 16 bits in C
    [9, 4096, 0x2000], // vid 4096 masks to 0
    [-1, -2, 0xeffe],
  ];
  for (const [priority, vid, tci] of cases) assert.equal(vlanTci({ vid, priority }), tci, `p=${priority} vid=${vid}`);
});

test('frame size limits: the 10000-octet buffer, and frames too short for the header', () => {
  assert.equal(buildFrameTemplate(10000, plain).length, 10000);
  assert.throws(() => buildFrameTemplate(10001, plain), (e: unknown) => e instanceof IsochronError && e.code === 'ISOCHRON_ERR_FRAME_TOO_LARGE' && e.message === 'Frame size cannot exceed 10000 octets');
  assert.equal(minimumFrameSize(plain), 34);
  assert.equal(minimumFrameSize(tagged), 38);
  assert.equal(minimumFrameSize(udp4), 20);
  assert.equal(minimumFrameSize(udp6), 20);
  assert.equal(buildFrameTemplate(10000, udp6).length, 10000);
  assert.throws(() => buildFrameTemplate(10001, udp4), /Frame size cannot exceed 10000 octets/);
  assert.throws(() => buildFrameTemplate(19, udp6), /Frame size 19 is too small: a UDP payload \(--l4 over IPv6\) needs at least 20 octets/);
  for (const [t, size] of [[plain, 33], [tagged, 37], [udp4, 19], [udp6, 19], [udp4, -1], [udp6, 0], [plain, 10]] as const) {
    assert.throws(() => buildFrameTemplate(size, t), (e: unknown) => e instanceof IsochronError && e.code === 'ISOCHRON_ERR_FRAME_TOO_SHORT' && e.exitStatus === 234);
  }
  assert.throws(() => buildFrameTemplate(64.5, plain), /too small/);
  assert.throws(() => buildFrameTemplate(64, { ...plain, dmac: DMAC.subarray(0, 5) } as Transport), /Destination MAC address must be 6 octets, got 5/);
});

test('writeTimespecNs equals sec * 1e9 + nsec as u64, including the carry into the high word', () => {
  const view = new DataView(new ArrayBuffer(8));
  const cases: Array<[number, number]> = [
    [0, 0],
    [1795674900, 427092720],
    [4, 294967295], // 4294967295: lo just below 2^32
    [4, 294967296], // exactly 2^32
    [0xffffffff, 999999999],
  ];
  for (const [sec, nsec] of cases) {
    writeTimespecNs(view, 0, sec, nsec);
    assert.equal(view.getBigUint64(0), BigInt(sec) * 1_000_000_000n + BigInt(nsec), `${sec}.${nsec}`);
  }
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 999_999_999 }), (sec, nsec) => {
      writeTimespecNs(view, 0, sec, nsec);
      return view.getBigUint64(0) === BigInt(sec) * 1_000_000_000n + BigInt(nsec);
    }),
  );
});

const arbTransport: fc.Arbitrary<Transport> = fc.oneof(
  fc.record({
    kind: fc.constant('l2' as const),
    dmac: fc.uint8Array({ minLength: 6, maxLength: 6 }),
    smac: fc.uint8Array({ minLength: 6, maxLength: 6 }),
    etype: fc.integer({ min: 0x600, max: 0xffff }).filter((e) => e !== 0x8100),
    vlan: fc.option(fc.record({ vid: fc.integer({ min: 0, max: 4095 }), priority: fc.integer({ min: 0, max: 7 }) }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('l4' as const), family: fc.constantFrom(4 as const, 6 as const) }),
);

test('property: build -> stamp -> parse returns the stamped fields for every layout', () => {
  fc.assert(
    fc.property(
      arbTransport,
      fc.integer({ min: 0, max: 2000 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      (t, extra, seqid, scheduled, wakeup) => {
        const size = minimumFrameSize(t) + extra;
        const frame = buildFrameTemplate(size, t);
        stampFrame(frame, t, seqid, scheduled, wakeup);
        const out = newRxHeader();
        const status =
          t.kind === 'l2'
            ? parseL2Frame(frame, frame.length, { dmac: t.dmac, etype: t.etype }, out)
            : parseUdpPayload(frame, frame.length, out);
        assert.equal(status, RxStatus.Ok);
        assert.equal(out.seqid, seqid);
        assert.equal(out.headerOffset, headerOffset(t));
        assert.equal(out.vlanTagged, t.kind === 'l2' && t.vlan !== null);
        assert.equal(headerScheduled(frame, out), scheduled);
        assert.equal(headerWakeup(frame, out), wakeup);
      },
    ),
  );
});

test('receiver: destination filter first, then length, then EtherType', () => {
  const out = newRxHeader();
  const filter = { dmac: DMAC, etype: 0xdead };
  const frame = buildFrameTemplate(64, plain);
  stampFrame(frame, plain, 7, 1n, 2n);
  assert.equal(parseL2Frame(frame, 64, filter, out), RxStatus.Ok);
  assert.equal(out.seqid, 7);

  const other = Buffer.from(frame);
  other[5] ^= 1;
  assert.equal(parseL2Frame(other, 64, filter, out), RxStatus.NotForUs);
  assert.equal(parseL2Frame(other, 10, filter, out), RxStatus.NotForUs, 'a short frame for someone else is still ignored silently');
  assert.equal(parseL2Frame(frame, 4, filter, out), RxStatus.NotForUs, 'fewer than 6 bytes cannot match');
  assert.equal(parseL2Frame(frame, 33, filter, out), RxStatus.TooShort);
  assert.equal(parseL2Frame(frame, 34, filter, out), RxStatus.Ok);
  assert.equal(parseL2Frame(frame, 64, { dmac: DMAC, etype: 0x88f7 }, out), RxStatus.WrongEtype);

  // A frame whose tag stayed in-line: header at 18; too short if it ends inside it.
  const tframe = buildFrameTemplate(64, tagged);
  stampFrame(tframe, tagged, 9, 3n, 4n);
  assert.equal(parseL2Frame(tframe, 64, filter, out), RxStatus.Ok);
  assert.deepEqual(out, { seqid: 9, headerOffset: 18, vlanTagged: true });
  assert.equal(parseL2Frame(tframe, 37, filter, out), RxStatus.TooShort);
  assert.equal(parseL2Frame(tframe, 64, { dmac: DMAC, etype: 0x88b5 }, out), RxStatus.WrongEtype);

  assert.equal(parseUdpPayload(Buffer.alloc(19), 19, out), RxStatus.TooShort);
  const p = buildFrameTemplate(62, udp4);
  stampFrame(p, udp4, 0xffffffff, 5n, 6n);
  assert.equal(parseUdpPayload(p, p.length, out), RxStatus.Ok);
  assert.equal(out.seqid, 0xffffffff);
});
