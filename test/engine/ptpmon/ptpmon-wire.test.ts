// The PTP management wire format: the GET we send, and the strict reply
// reader fed with hand-built datagrams (hex fixtures) for every rule:
// lengths are claims to check, stale replies are skipped, error status
// TLVs and other TLV types are recognised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_PORTS,
  decodeDefaultDataSet,
  decodeGrandmasterIdentity,
  decodeMasterOffset,
  decodePortProperties,
  decodeUtcOffset,
  encodeGet,
  formatClockIdentity,
  managementErrorText,
  parseReply,
  portStateName,
  PtpMid,
  ptpMidName,
} from '../../../src/engine/ptpmon/index.js';
import { SHAPES } from '../../../src/engine/ptpmon/datasets.js';
import { mgmtTlv, response } from '../../helpers/ptpmon-fixtures.js';

const currentDs = (offsetNs: bigint): Buffer => {
  const d = Buffer.alloc(18);
  d.writeUInt16BE(1, 0);
  d.writeBigInt64BE(offsetNs * 65536n, 2);
  d.writeBigInt64BE(1500n * 65536n, 10);
  return d;
};

test('GET request: header fields, target, empty management TLV', () => {
  const b = encodeGet({
    sequenceId: 0x1234,
    domainNumber: 24,
    transportSpecific: 1,
    source: { clockIdentity: Buffer.alloc(8), portNumber: 4242 },
    target: ALL_PORTS,
    mid: PtpMid.CURRENT_DATA_SET,
  });
  assert.equal(b.length, 54);
  assert.equal(b.toString('hex'), [
    '1d', '12', '0036', '18', '00', '0000', '0000000000000000', '00000000',
    '0000000000000000', '1092', '1234', '04', '7f',
    'ffffffffffffffff', 'ffff', '00', '00', '00', '00',
    '0001', '0002', '2001',
  ].join(''));
});

test('reply reader: data of the expected MID and size', () => {
  const r = parseReply(response(7, [mgmtTlv(PtpMid.CURRENT_DATA_SET, currentDs(-1234n))]), 7, PtpMid.CURRENT_DATA_SET, SHAPES[PtpMid.CURRENT_DATA_SET]);
  assert.equal(r.kind, 'data');
  if (r.kind === 'data') assert.equal(decodeMasterOffset(r.data), -1234n);
});

test('reply reader: every claim is checked', () => {
  const shape = SHAPES[PtpMid.CURRENT_DATA_SET];
  const mid = PtpMid.CURRENT_DATA_SET;
  const good = mgmtTlv(mid, currentDs(5n));
  const cases: Array<[string, Buffer, RegExp]> = [
    ['short datagram', Buffer.alloc(20), /shorter than a management message/],
    ['not management', response(1, [good], { type: 0x00 }), /message type 0x0/],
    ['version 1', response(1, [good], { version: 0x01 }), /PTP version 1/],
    ['claim beyond datagram', response(1, [good], { claim: 200 }), /messageLength 200 but only/],
    ['claim below header', response(1, [good], { claim: 40 }), /messageLength 40 shorter/],
    ['not a response', response(1, [good], { action: 0 }), /action 0, expected RESPONSE/],
    ['TLV longer than message', response(1, [Buffer.from('00010100', 'hex')]), /claims 256 bytes/],
    ['stray bytes', response(1, [Buffer.from('0001', 'hex')]), /stray byte/],
    ['TLV without id', response(1, [Buffer.from('00010000', 'hex')]), /has no managementId/],
    ['other MID', response(1, [mgmtTlv(PtpMid.PARENT_DATA_SET, Buffer.alloc(32))]), /PARENT_DATA_SET, expected CURRENT_DATA_SET/],
    ['wrong size', response(1, [mgmtTlv(mid, Buffer.alloc(16))]), /TLV length 18 for CURRENT_DATA_SET, expected 20/],
    ['no TLV', response(1, []), /no MANAGEMENT TLV/],
    ['short error status', response(1, [Buffer.from('000200020000', 'hex')]), /MANAGEMENT_ERROR_STATUS TLV of length 2/],
  ];
  for (const [name, msg, re] of cases) {
    const r = parseReply(msg, 1, mid, shape);
    assert.equal(r.kind, 'bad', name);
    if (r.kind === 'bad') assert.match(r.detail, re, name);
  }
});

test('reply reader: stale replies, error status, skipped TLV types', () => {
  const mid = PtpMid.TIME_PROPERTIES_DATA_SET;
  const shape = SHAPES[mid];
  assert.deepEqual(parseReply(response(3, [mgmtTlv(mid, Buffer.alloc(4))]), 4, mid, shape), { kind: 'stale', sequenceId: 3 });
  const status = Buffer.from('0002000800062003' + '00000000', 'hex');
  assert.deepEqual(parseReply(response(4, [status]), 4, mid, shape), { kind: 'error-status', code: 6, mid: 0x2003 });
  const other = Buffer.from('0003000412345678', 'hex');
  const r = parseReply(response(4, [other, mgmtTlv(mid, Buffer.from('0025a0a0', 'hex'))]), 4, mid, shape);
  assert.equal(r.kind, 'data');
  if (r.kind === 'data') assert.equal(decodeUtcOffset(r.data), 37);
});

test('PORT_PROPERTIES_NP: text length decides the TLV length (padded to even)', () => {
  const mid = PtpMid.PORT_PROPERTIES_NP;
  const props = (name: string, pad: number): Buffer => {
    const d = Buffer.alloc(13 + name.length + pad);
    Buffer.from('aabbccfffe001122', 'hex').copy(d, 0);
    d.writeUInt16BE(1, 8);
    d[10] = 9;
    d[11] = 1;
    d[12] = name.length;
    d.write(name, 13, 'latin1');
    return d;
  };
  // 2 + 13 + 4 = 19 -> padded to 20.
  const ok = parseReply(response(9, [mgmtTlv(mid, props('eth0', 1))]), 9, mid, SHAPES[mid]);
  assert.equal(ok.kind, 'data');
  if (ok.kind === 'data') assert.deepEqual(decodePortProperties(ok.data), { portNumber: 1, portState: 9, timestamping: 1, iface: 'eth0' });
  const unpadded = parseReply(response(9, [mgmtTlv(mid, props('eth0', 0))]), 9, mid, SHAPES[mid]);
  assert.equal(unpadded.kind, 'bad');
  const lying = props('eth0', 1);
  lying[12] = 200;
  const r = parseReply(response(9, [mgmtTlv(mid, lying)]), 9, mid, SHAPES[mid]);
  assert.equal(r.kind, 'bad');
  if (r.kind === 'bad') assert.match(r.detail, /text of 200 bytes/);
  const tiny = parseReply(response(9, [mgmtTlv(mid, Buffer.alloc(4))]), 9, mid, SHAPES[mid]);
  assert.equal(tiny.kind, 'bad');
});

test('data set decoders and names', () => {
  const dds = Buffer.alloc(20);
  dds.writeUInt16BE(2, 2);
  dds[4] = 100;
  dds[9] = 128;
  Buffer.from('0011223344556677', 'hex').copy(dds, 10);
  dds[18] = 24;
  assert.deepEqual(decodeDefaultDataSet(dds), { numberPorts: 2, priority1: 100, priority2: 128, clockIdentity: Buffer.from('0011223344556677', 'hex'), domainNumber: 24 });
  const parent = Buffer.alloc(32);
  Buffer.from('aecf0efffe605e10', 'hex').copy(parent, 24);
  assert.equal(formatClockIdentity(decodeGrandmasterIdentity(parent)), 'aecf0e.fffe.605e10');
  // C's arithmetic shift: -1.5 ns scaled rounds to -2.
  const cds = Buffer.alloc(18);
  cds.writeBigInt64BE(-98304n, 2);
  assert.equal(decodeMasterOffset(cds), -2n);
  assert.equal(portStateName(9), 'SLAVE');
  assert.equal(portStateName(6), 'MASTER');
  assert.equal(portStateName(0), 'NONE');
  assert.equal(managementErrorText(2), 'no such ID');
  assert.equal(managementErrorText(0x1234), 'unknown');
  assert.equal(ptpMidName(0x2001), 'CURRENT_DATA_SET');
  assert.equal(ptpMidName(0x1), 'CLOCK_DESCRIPTION');
  assert.equal(ptpMidName(0x0ff0), '0x0ff0');
});
