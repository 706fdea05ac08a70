// Control-message parsing and struct codecs on hand-built buffers laid out
// as the kernel writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IPV6_RECVERR,
  IP_RECVERR,
  PACKET_TX_TIMESTAMP,
  SCM_TSTAMP_SCHED,
  SCM_TSTAMP_SND,
  SOL_IP,
  SOL_IPV6,
  SOL_PACKET,
  SOL_SOCKET,
  SCM_TIMESTAMPING,
  SO_EE_CODE_TXTIME_MISSED,
  SO_EE_ORIGIN_ICMP,
  SO_EE_ORIGIN_TIMESTAMPING,
  SO_EE_ORIGIN_TXTIME,
} from '../../src/sys/constants.js';
import {
  cmsgSpace,
  parseControl,
  writeCmsgHeader,
  writeTimestampingCmsg,
  writeTxtimeCmsg,
} from '../../src/sys/cmsg.js';
import {
  decodeSockaddrIn,
  decodeSockaddrLl,
  encodeSockExtendedErr,
  encodeSockaddrIn,
  encodeSockaddrLl,
  encodeSockaddrUn,
  macBytes,
  makeIfreq,
  readTimespec,
  writeTimespec,
} from '../../src/sys/structs.js';
import { formatMac } from '../../src/core/mac.js';
import { isIsochronError } from '../../src/core/errors.js';

function eeRecord(buf: Buffer, at: number, level: number, type: number, ee: Parameters<typeof encodeSockExtendedErr>[0]): number {
  const data = writeCmsgHeader(buf, at, level, type, 16);
  encodeSockExtendedErr(ee).copy(buf, data);
  return cmsgSpace(16);
}

test('SCM_TIMESTAMPING: software at ts[0], hardware at ts[2]', () => {
  const buf = Buffer.alloc(256);
  const used = writeTimestampingCmsg(buf, 0, 1_700_000_000_123_456_789n, 1_700_000_000_987_654_321n);
  assert.equal(used, 64);
  const info = parseControl(buf, 0, used);
  assert.equal(info.swTs, 1_700_000_000_123_456_789n);
  assert.equal(info.hwTs, 1_700_000_000_987_654_321n);
  assert.equal(info.tsKey, -1);
});

test('TX timestamp: SCM_TIMESTAMPING then the OPT_ID key for packet, IPv4 and IPv6 error queues', () => {
  for (const [level, type] of [[SOL_PACKET, PACKET_TX_TIMESTAMP], [SOL_IP, IP_RECVERR], [SOL_IPV6, IPV6_RECVERR]]) {
    const buf = Buffer.alloc(256);
    let at = writeTimestampingCmsg(buf, 0, 42n, 0n);
    at += eeRecord(buf, at, level, type, { errno: 42 /* ENOMSG */, origin: SO_EE_ORIGIN_TIMESTAMPING, type: 0, code: 0, info: SCM_TSTAMP_SCHED, data: 7 });
    const info = parseControl(buf, 0, at);
    assert.equal(info.swTs, 42n);
    assert.equal(info.tsKey, 7);
    assert.equal(info.tsType, SCM_TSTAMP_SCHED);
    assert.equal(info.otherError, null);
  }
});

test('the OPT_ID key is a u32: wraps past 2^31 without going negative', () => {
  const buf = Buffer.alloc(64);
  const n = eeRecord(buf, 0, SOL_PACKET, PACKET_TX_TIMESTAMP, { errno: 42, origin: SO_EE_ORIGIN_TIMESTAMPING, type: 0, code: 0, info: SCM_TSTAMP_SND, data: 0xfffffffe });
  assert.equal(parseControl(buf, 0, n).tsKey, 0xfffffffe);
});

test('txtime drop report: 64-bit launch time from ee_data:ee_info, with its code', () => {
  const txtime = 0x1234_5678_9abc_def0n;
  const buf = Buffer.alloc(64);
  const n = eeRecord(buf, 0, SOL_PACKET, PACKET_TX_TIMESTAMP, {
    errno: 62, origin: SO_EE_ORIGIN_TXTIME, type: 0, code: SO_EE_CODE_TXTIME_MISSED,
    info: Number(txtime & 0xffffffffn), data: Number(txtime >> 32n),
  });
  const info = parseControl(buf, 0, n);
  assert.equal(info.txtimeDropped, txtime);
  assert.equal(info.txtimeCode, SO_EE_CODE_TXTIME_MISSED);
});

test('other socket errors and unknown records are reported, not dropped', () => {
  const buf = Buffer.alloc(128);
  let at = eeRecord(buf, 0, SOL_IP, IP_RECVERR, { errno: 111, origin: SO_EE_ORIGIN_ICMP, type: 3, code: 3, info: 0, data: 0 });
  const d = writeCmsgHeader(buf, at, 99, 5, 4);
  buf.writeUInt32LE(1, d);
  at += cmsgSpace(4);
  const info = parseControl(buf, 0, at);
  assert.equal(info.otherError?.errno, 111);
  assert.equal(info.otherError?.origin, SO_EE_ORIGIN_ICMP);
  assert.deepEqual(info.unknown, [{ level: 99, type: 5 }]);
});

test('SCM_TXTIME round trip', () => {
  const buf = Buffer.alloc(32);
  assert.equal(writeTxtimeCmsg(buf, 0, 1_000_000_000_000_000_001n), 24);
  assert.equal(parseControl(buf, 0, 24).txtime, 1_000_000_000_000_000_001n);
});

test('length claims are checked: short payloads throw, truncated records end the walk', () => {
  const short = Buffer.alloc(64);
  writeCmsgHeader(short, 0, SOL_SOCKET, SCM_TIMESTAMPING, 32);
  assert.throws(() => parseControl(short, 0, 48), (e: unknown) => isIsochronError(e) && e.code === 'ISOCHRON_ERR_BAD_CMSG' && /short SCM_TIMESTAMPING/.test(e.message));
  const tiny = Buffer.alloc(32);
  tiny.writeBigUInt64LE(8n, 0);
  assert.throws(() => parseControl(tiny, 0, 32), /below the header size/);
  const txt = Buffer.alloc(32);
  writeCmsgHeader(txt, 0, SOL_SOCKET, 61, 4);
  assert.throws(() => parseControl(txt, 0, 24), /short SCM_TXTIME/);
  const ee = Buffer.alloc(32);
  writeCmsgHeader(ee, 0, SOL_PACKET, PACKET_TX_TIMESTAMP, 8);
  assert.throws(() => parseControl(ee, 0, 24), /short sock_extended_err/);
  // A record claiming more bytes than were received (MSG_CTRUNC) is not read.
  const trunc = Buffer.alloc(128);
  writeTimestampingCmsg(trunc, 0, 5n, 6n);
  const info = parseControl(trunc, 0, 40);
  assert.equal(info.swTs, 0n);
  // The claimed length of the control data is bounded by the buffer itself.
  assert.equal(parseControl(trunc.subarray(0, 64), 0, 10_000).swTs, 5n);
});

test('timespec: negative and large values', () => {
  const b = Buffer.alloc(16);
  for (const ns of [0n, 1n, -1n, 999_999_999n, -1_500_000_000n, 9_000_000_000_000_000_000n]) {
    writeTimespec(b, 0, ns);
    assert.equal(readTimespec(b, 0), ns);
    assert.ok(b.readBigInt64LE(8) >= 0n && b.readBigInt64LE(8) < 1_000_000_000n);
  }
});

test('sockaddr_ll layout', () => {
  const sa = encodeSockaddrLl({ protocol: 0xdead, ifindex: 7, addr: macBytes('01:80:c2:00:00:0e') });
  assert.equal(sa.toString('hex'), '1100dead0700000000000006' + '0180c200000e0000');
  const back = decodeSockaddrLl(sa);
  assert.equal(back.protocol, 0xdead);
  assert.equal(back.ifindex, 7);
  assert.equal(formatMac(back.addr), '01:80:c2:00:00:0e');
});

test('sockaddr_in / sockaddr_in6 encode and decode (inet_ntop style)', () => {
  const v4 = encodeSockaddrIn({ family: 4, address: '10.0.0.2', port: 5000 });
  assert.equal(v4.toString('hex'), '02001388' + '0a000002' + '0000000000000000');
  assert.deepEqual(decodeSockaddrIn(v4), { family: 4, address: '10.0.0.2', port: 5000 });
  const cases: Array<[string, string]> = [
    ['fd00::1', 'fd00::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80::1:2:3:4', 'fe80::1:2:3:4'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
  ];
  for (const [text, canonical] of cases) {
    const sa = encodeSockaddrIn({ family: 6, address: text, port: 319, scopeId: 3 });
    assert.equal(sa.length, 28);
    assert.deepEqual(decodeSockaddrIn(sa), { family: 6, address: canonical, port: 319, scopeId: 3 });
  }
  for (const bad of ['1::2::3', '1:2:3', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4::5:6:7:8']) {
    assert.throws(() => encodeSockaddrIn({ family: 6, address: bad, port: 1 }), /not an IPv6 address/, bad);
  }
  for (const bad of ['10.0.0', '256.1.1.1', 'a.b.c.d']) {
    assert.throws(() => encodeSockaddrIn({ family: 4, address: bad, port: 1 }), /not an IPv4 address/, bad);
  }
  assert.equal(decodeSockaddrIn(Buffer.alloc(1)), null);
  assert.equal(decodeSockaddrIn(Buffer.from([1, 0, 0, 0])), null);
});

test('names and addresses are validated before reaching the kernel', () => {
  assert.throws(() => makeIfreq('a-very-long-ifname'), (e: unknown) => isIsochronError(e) && e.code === 'ISOCHRON_ERR_IFNAME_TOO_LONG' && e.errno === -22);
  assert.throws(() => makeIfreq(''), /interface name is empty/);
  assert.equal(makeIfreq('eth0').toString('latin1', 0, 5), 'eth0\0');
  assert.throws(() => macBytes('01:02:03'), /not a MAC address/);
  assert.throws(() => macBytes(new Uint8Array(5)), /must have 6 bytes/);
  assert.equal(formatMac(macBytes(new Uint8Array([1, 2, 3, 4, 5, 0xff]))), '01:02:03:04:05:ff');
  assert.equal(formatMac(macBytes('AA:BB:CC:DD:EE:FF')), 'aa:bb:cc:dd:ee:ff');
  assert.throws(() => encodeSockaddrUn(''), /1\.\.107 bytes/);
  assert.throws(() => encodeSockaddrUn('x'.repeat(108)), /1\.\.107 bytes/);
  const un = encodeSockaddrUn('/tmp/a');
  assert.equal(un.len, 2 + 6 + 1);
});
