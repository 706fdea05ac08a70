// `--l4 --frame-size 64`, the kernel selftests' command, on the wire: two
// namespaces joined by a veth pair, our receiver on one end, and an AF_PACKET
// capture beside it that sees what the sender put on the link. The C sender
// (src/send.c) sends --frame-size octets of UDP payload over IPv4 and IPv6
// alike and stores --frame-size - 42 / - 62 (16 bits) in the .dat header; we
// must do the same. With ISOCHRON_C the C sender runs the same command and
// its frames and header are compared with ours.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { PacketSocket } from '../../../src/sys/packet.js';
import { execIn, withNetns } from '../../helpers/netns.js';
import { cliIn, IP6_B, IP_B, startReceiver, vethPair } from '../../helpers/send-support.js';

const FRAMES = 20;
const DATA_PORT = 6000;
const STATS_PORT = '5031';
const ETH_P_ALL = 0x0003;

interface Captured {
  /** Whole Ethernet frame length. */
  frameLength: number;
  /** IPv4 total length or IPv6 payload length. */
  ipLength: number;
  udpLength: number;
  payload: Buffer;
}

/** The UDP datagrams to DATA_PORT in what the capture holds, oldest first. */
function drainUdp(sock: PacketSocket, family: 4 | 6): Captured[] {
  const out: Captured[] = [];
  for (let r = sock.recv(0); r !== null; r = sock.recv(0)) {
    const d = r.data;
    const etype = d.readUInt16BE(12);
    let udp: number;
    let ipLength: number;
    if (family === 4 && etype === 0x0800 && d[23] === 17) {
      udp = 14 + (d[14] & 0xf) * 4;
      ipLength = d.readUInt16BE(16);
    } else if (family === 6 && etype === 0x86dd && d[20] === 17) {
      udp = 14 + 40;
      ipLength = d.readUInt16BE(18);
    } else {
      continue;
    }
    if (d.readUInt16BE(udp + 2) !== DATA_PORT) continue;
    const udpLength = d.readUInt16BE(udp + 4);
    out.push({ frameLength: r.length, ipLength, udpLength, payload: Buffer.from(d.subarray(udp + 8, udp + udpLength)) });
  }
  return out;
}

/** What C puts after the 20-octet header for a 64-octet payload (pattern up to 64 - 42/62, word-rounded). */
function expectedTail(family: 4 | 6): string {
  return family === 4 ? 'deadbeef' + '00'.repeat(40) : '00'.repeat(44);
}

async function runAndCapture(
  t: TestContext,
  nsSend: string,
  nsCapture: string,
  run: () => Promise<{ status: number | null; stderr: string }>,
  family: 4 | 6,
): Promise<Captured[]> {
  const capture = withNetns(nsCapture, () => PacketSocket.open({ ifname: 'vxb', ethertype: ETH_P_ALL, bufferSize: 11000 }));
  t.after(() => capture.close());
  const res = await run();
  assert.equal(res.status, 0, `${nsSend}: ${res.stderr}`);
  return drainUdp(capture, family);
}

function checkWire(frames: Captured[], family: 4 | 6, who: string): void {
  assert.equal(frames.length, FRAMES, `${who}: ${frames.length} UDP datagrams captured`);
  frames.forEach((f, i) => {
    assert.equal(f.udpLength, 8 + 64, `${who} frame ${i}: UDP length`);
    assert.equal(f.payload.length, 64, `${who} frame ${i}: UDP payload`);
    assert.equal(f.ipLength, family === 4 ? 20 + 8 + 64 : 8 + 64, `${who} frame ${i}: IP length`);
    assert.equal(f.frameLength, family === 4 ? 14 + 20 + 8 + 64 : 14 + 40 + 8 + 64, `${who} frame ${i}: frame length`);
    assert.equal(f.payload.readUInt32BE(16), i + 1, `${who} frame ${i}: seqid`);
    assert.equal(f.payload.subarray(20).toString('hex'), expectedTail(family), `${who} frame ${i}: padding`);
  });
}

for (const family of [4, 6] as const) {
  test(`--l4 --frame-size 64 over IPv${family}: 64 octets of UDP payload on the wire, C's frame_size in the .dat`, { timeout: 120_000 }, async (t) => {
    const pair = await vethPair(t);
    await startReceiver(t, pair.nsB, ['-i', 'vxb', '--omit-hwts', '--stats-port', STATS_PORT, '--l4', '--quiet']);
    const dir = mkdtempSync(join(tmpdir(), 'isochron-l4wire-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const dest = family === 4 ? IP_B : IP6_B;
    const args = (file: string): string[] => [
      'send', '-i', 'vxa', '--omit-sync', '--omit-remote-sync', '--omit-hwts', '--cycle-time', '0.001',
      '--num-frames', String(FRAMES), '--client', dest, '--stats-port', STATS_PORT,
      '--l4', '--ip-destination', dest, '--frame-size', '64', '--output-file', file,
    ];

    const ours = join(dir, 'ours.dat');
    const frames = await runAndCapture(t, pair.nsA, pair.nsB, () => cliIn(pair.nsA, args(ours)), family);
    checkWire(frames, family, 'ours');
    const dat = readDatFile(ours);
    assert.equal(dat.header.frameSize, family === 4 ? 22 : 2, 'C stores --frame-size minus Ethernet+IP+UDP');
    assert.equal(dat.header.packetCount, FRAMES);
    assert.equal(dat.header.flags, 0x23);
    assert.equal(dat.header.sendLogSize, FRAMES * 48);
    assert.equal(dat.header.rcvLogSize, FRAMES * 32);
    assert.deepEqual(dat.rcv.map((r) => r.seqid), Array.from({ length: FRAMES }, (_, i) => i + 1), 'our receiver kept every frame');

    const c = process.env.ISOCHRON_C;
    if (!c) {
      t.diagnostic('ISOCHRON_C not set: the C sender was not run; checked against the values read from its source and recorded from it');
      return;
    }
    const theirs = join(dir, 'c.dat');
    const cFrames = await runAndCapture(t, pair.nsA, pair.nsB, () => execIn(pair.nsA, c, args(theirs), { timeoutMs: 60_000 }), family);
    checkWire(cFrames, family, 'C');
    cFrames.forEach((f, i) => assert.ok(f.payload.subarray(20).equals(frames[i].payload.subarray(20)), `frame ${i}: same bytes after the header`));
    assert.deepEqual(readDatFile(theirs).header, dat.header, '.dat header equal to the C sender\'s');
  });
}
