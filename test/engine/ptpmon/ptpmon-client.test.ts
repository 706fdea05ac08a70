// The ptp4l client against peers that are not ptp4l: nothing at the path,
// a socket file nobody reads, a peer that stays silent, and a fake peer
// answering garbage, stale and error replies. Each gives a typed error
// (never a crash or a hang); the real ptp4l is in ptpmon-ptp4l.test.ts.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtpmonClient, PtpMid } from '../../../src/engine/ptpmon/index.js';
import { realDevice } from '../../../src/engine/ptpmon/real-dev.js';
import { UnixDgramSocket } from '../../../src/sys/unix.js';
import { mgmtTlv, response } from '../../helpers/ptpmon-fixtures.js';
import { libc } from '../../../src/sys/libc.js';
import { AF_UNIX, SOCK_DGRAM } from '../../../src/sys/constants.js';
import { encodeSockaddrUn } from '../../../src/sys/structs.js';

const dir = mkdtempSync(join(tmpdir(), 'isochron-ptpmon-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const path = (name: string): string => join(dir, `${name}${n++}`);
/** Closed after each test, also when an assertion failed (a live fake peer would keep the file running). */
const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});

/** A fake ptp4l: answers each request with what `reply` makes of it (null: silence). */
function fakePeer(reply: (req: Buffer) => Buffer[] | null): { path: string; requests: Buffer[]; close(): void } {
  const p = path('peer');
  const sock = UnixDgramSocket.open({ bufferSize: 2048 });
  sock.bind(p);
  const requests: Buffer[] = [];
  let open = true;
  void (async () => {
    while (open) {
      const got = await sock.recvAsync(50).catch(() => null);
      if (!got || !open) continue;
      requests.push(got);
      for (const d of reply(got) ?? []) sock.sendTo(d, clientPathOf.get(p) as string);
    }
  })();
  const peer = {
    path: p,
    requests,
    close: () => {
      if (!open) return;
      open = false;
      setTimeout(() => sock.close(), 100);
    },
  };
  opened.push(peer);
  return peer;
}
const clientPathOf = new Map<string, string>();

function client(peer: string, o: Partial<{ timeoutMs: number; domainNumber: number }> = {}): PtpmonClient {
  const localPath = path('client');
  clientPathOf.set(peer, localPath);
  const c = PtpmonClient.open({ udsPath: peer, localPath, domainNumber: o.domainNumber ?? 0, transportSpecific: 0, timeoutMs: o.timeoutMs ?? 300 });
  opened.push(c);
  return c;
}

const seqOf = (req: Buffer): number => req.readUInt16BE(30);
const timeProps = (req: Buffer): Buffer => response(seqOf(req), [mgmtTlv(PtpMid.TIME_PROPERTIES_DATA_SET, Buffer.from('0025a0a0', 'hex'))]);

test('no ptp4l: ENOENT, with what to do next; the local socket file is removed on close', async () => {
  const c = client(join(dir, 'nothing-here'));
  await assert.rejects(c.masterOffset(), (e: Error & { code: string; errno: number; exitStatus: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_PTPMON_NOT_RUNNING');
    assert.equal(e.errno, -2);
    assert.equal(e.exitStatus, 254);
    assert.match(e.message, /ptp4l is not running at .*nothing-here \(sendto: No such file or directory\): start ptp4l .*--uds_address/);
    return true;
  });
  assert.ok(existsSync(c.localPath));
  c.close();
  assert.ok(!existsSync(c.localPath));
  assert.equal(c.closed, true);
  await assert.rejects(c.utcOffset(), { code: 'ISOCHRON_ERR_PTPMON_CLOSED' });
});

test('a socket file nobody reads (ptp4l died): ECONNREFUSED, same advice', async () => {
  const dead = path('dead');
  // Bound, then closed without unlinking: what a killed ptp4l leaves behind.
  const fd = libc().socket(AF_UNIX, SOCK_DGRAM, 0);
  const { addr, len } = encodeSockaddrUn(dead);
  assert.equal(libc().bind(fd, addr, len), 0);
  libc().close(fd);
  assert.ok(existsSync(dead));
  const c = client(dead);
  await assert.rejects(c.masterOffset(), (e: Error & { code: string; errno: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_PTPMON_NOT_RUNNING');
    assert.equal(e.errno, -111);
    assert.match(e.message, /Connection refused/);
    return true;
  });
  c.close();
});

test('a peer that never answers: ETIMEDOUT naming domain and transport', async () => {
  const peer = fakePeer(() => null);
  const c = client(peer.path, { timeoutMs: 200, domainNumber: 7 });
  const t0 = Date.now();
  await assert.rejects(c.masterOffset(), (e: Error & { code: string; errno: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_PTPMON_TIMEOUT');
    assert.equal(e.errno, -110);
    assert.match(e.message, /did not answer GET CURRENT_DATA_SET within 200 ms: .*--domain-number 7 and --transport-specific 0/);
    return true;
  });
  assert.ok(Date.now() - t0 >= 190);
  assert.equal(peer.requests.length, 1);
  assert.equal(peer.requests[0][4], 7);
  c.close();
  peer.close();
});

test('garbage, truncated and oversized replies: EBADMSG, and the client keeps working', async () => {
  const answers: Array<(req: Buffer) => Buffer[]> = [
    () => [Buffer.from('hello, not ptp')],
    (req) => [response(seqOf(req), [mgmtTlv(PtpMid.TIME_PROPERTIES_DATA_SET, Buffer.from('0025a0a0', 'hex'))], { claim: 500 })],
    () => [Buffer.alloc(1800, 0x0d)],
    (req) => [timeProps(req)],
  ];
  let i = 0;
  const peer = fakePeer((req) => answers[i++](req));
  const c = client(peer.path);
  await assert.rejects(c.utcOffset(), (e: Error & { code: string; errno: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_PTPMON_BAD_REPLY');
    assert.equal(e.errno, -74);
    assert.match(e.message, /malformed reply from .* to GET TIME_PROPERTIES_DATA_SET: 14 bytes, shorter/);
    return true;
  });
  await assert.rejects(c.utcOffset(), /messageLength 500 but only 58 bytes arrived/);
  await assert.rejects(c.utcOffset(), /datagram larger than a PTP message \(1500 bytes\)/);
  assert.equal(await c.utcOffset(), 37);
  c.close();
  peer.close();
});

test('a stale reply is skipped; an error status TLV is a typed error', async () => {
  let i = 0;
  const peer = fakePeer((req) => {
    i++;
    if (i === 1) return [response((seqOf(req) + 100) & 0xffff, [mgmtTlv(PtpMid.TIME_PROPERTIES_DATA_SET, Buffer.from('0001a0a0', 'hex'))]), timeProps(req)];
    return [response(seqOf(req), [Buffer.from('000200080002c004' + '00000000', 'hex')])];
  });
  const c = client(peer.path);
  assert.equal(await c.utcOffset(), 37);
  await assert.rejects(c.utcOffset(), (e: Error & { code: string; errno: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_PTPMON_MGMT_ERROR');
    assert.equal(e.errno, -71);
    assert.equal(e.message, 'Server returned error code 2 (no such ID) for MID 49156 (GET TIME_PROPERTIES_DATA_SET)');
    return true;
  });
  c.close();
  peer.close();
});

test('port state by name: walks the ports, names the ones it saw when none matches', async () => {
  const peer = fakePeer((req) => {
    const mid = req.readUInt16BE(52);
    if (mid === PtpMid.DEFAULT_DATA_SET) {
      const d = Buffer.alloc(20);
      d.writeUInt16BE(2, 2);
      Buffer.from('0011223344556677', 'hex').copy(d, 10);
      return [response(seqOf(req), [mgmtTlv(mid, d)])];
    }
    const port = req.readUInt16BE(42);
    assert.equal(req.subarray(34, 42).toString('hex'), '0011223344556677');
    const name = port === 1 ? 'ethA' : 'ethB';
    const d = Buffer.alloc(13 + name.length + 1);
    d.writeUInt16BE(port, 8);
    d[10] = port === 1 ? 6 : 9;
    d[12] = name.length;
    d.write(name, 13, 'latin1');
    return [response(seqOf(req), [mgmtTlv(mid, d)])];
  });
  const c = client(peer.path);
  assert.equal(await c.portStateByName('ethB'), 9);
  assert.equal(await c.portStateByName('ethA'), 6);
  await assert.rejects(c.portStateByName('ethC'), (e: Error & { code: string; errno: number }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_PTPMON_PORT_NOT_FOUND');
    assert.equal(e.errno, -19);
    assert.match(e.message, /Interface ethC not found among the 2 port\(s\) reported by ptp4l: ethA, ethB/);
    return true;
  });
  c.close();
  peer.close();
});

test('concurrent queries are serialised on the one socket', async () => {
  const peer = fakePeer((req) => [timeProps(req)]);
  const c = client(peer.path);
  const all = await Promise.all([c.utcOffset(), c.utcOffset(), c.utcOffset()]);
  assert.deepEqual(all, [37, 37, 37]);
  assert.deepEqual(peer.requests.map(seqOf), [0, 1, 2]);
  c.close();
  peer.close();
});

test('option checks: path lengths, timeout, bind failure', () => {
  assert.throws(() => PtpmonClient.open({ udsPath: 'x'.repeat(108), domainNumber: 0, transportSpecific: 0, localPath: path('c') }), {
    code: 'ISOCHRON_ERR_PTPMON_PATH_TOO_LONG',
  });
  assert.throws(() => PtpmonClient.open({ udsPath: '/run/ptp4l', domainNumber: 0, transportSpecific: 0, localPath: '' }), /Local UDS path/);
  assert.throws(() => PtpmonClient.open({ udsPath: '/run/ptp4l', domainNumber: 0, transportSpecific: 0, localPath: path('c'), timeoutMs: 0 }), RangeError);
  assert.throws(() => PtpmonClient.open({ udsPath: '/run/ptp4l', domainNumber: 0, transportSpecific: 0, localPath: join(dir, 'no/such/dir/sock') }), (e: Error & { code: string }) => {
    assert.equal(e.code, 'ISOCHRON_ERR_PTPMON_SOCKET');
    assert.match(e.message, /^failed to open ptpmon: bind\(/);
    return true;
  });
  // The default local path is C's /var/run/isochron.PID.
  const c = PtpmonClient.open({ udsPath: '/run/ptp4l-nothing', domainNumber: 0, transportSpecific: 0 });
  assert.match(c.localPath, new RegExp(`^/var/run/isochron\\.${process.pid}`));
  c.close();
});

test('VLAN uppers resolve to their real device through sysfs', () => {
  const sys = mkdtempSync(join(tmpdir(), 'isochron-sysfs-'));
  try {
    const { mkdirSync, writeFileSync } = fs;
    mkdirSync(join(sys, 'eth0.100', 'lower_eth0'), { recursive: true });
    writeFileSync(join(sys, 'eth0.100', 'uevent'), 'DEVTYPE=vlan\nINTERFACE=eth0.100\n');
    mkdirSync(join(sys, 'eth0'));
    writeFileSync(join(sys, 'eth0', 'uevent'), 'INTERFACE=eth0\n');
    mkdirSync(join(sys, 'odd'));
    writeFileSync(join(sys, 'odd', 'uevent'), 'DEVTYPE=vlan\n');
    assert.equal(realDevice('eth0.100', sys), 'eth0');
    assert.equal(realDevice('eth0', sys), 'eth0');
    assert.equal(realDevice('odd', sys), 'odd');
    assert.equal(realDevice('ghost', sys), 'ghost');
    assert.equal(realDevice('lo'), 'lo');
  } finally {
    rmSync(sys, { recursive: true, force: true });
  }
});

test('close() while a query waits: the query rejects as closed at once, not after its deadline', async () => {
  const peer = fakePeer(() => null);
  const c = client(peer.path, { timeoutMs: 2000 });
  const t0 = Date.now();
  const pending = c.masterOffset();
  setTimeout(() => c.close(), 50);
  await assert.rejects(pending, { code: 'ISOCHRON_ERR_PTPMON_CLOSED' });
  assert.ok(Date.now() - t0 < 1500, `rejected after ${Date.now() - t0} ms`);
});
