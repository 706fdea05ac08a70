// Our `isochron rcv` against the C sender's recorded requests: every
// mgmt/send_rcv_*/ capture is replayed (requests from stats.conn1.c2s.hex,
// data frames in between, as the C sender sent them) and every reply is
// compared with stats.conn1.s2c.hex field by field; time values are compared
// for presence only. The veth pair reuses the recorded names, MACs and
// addresses, so the DESTINATION_MAC reply must match byte for byte. The
// conversation is replayed twice on one receiver (sessions back to back),
// then SIGTERM must stop it cleanly.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorsDir } from '../../helpers/paths.js';
import { createVethPair, liveNamespaces, type VethPair } from '../../helpers/netns.js';
import { decodeMessage, Mid, midName, Action, type ManagementMessage } from '../../../src/engine/mgmt/index.js';
import { kernelTaiOffset } from '../../../src/sys/time.js';
import { connectFrom, mac, openFrameSender, startRcv } from '../../helpers/rcv-support.js';

const mgmtDir = join(vectorsDir, 'mgmt');
const cases = readdirSync(mgmtDir)
  .filter((d) => d.startsWith('send_rcv_') && existsSync(join(mgmtDir, d, 'stats.conn1.c2s.hex')))
  .sort();

const pairs: VethPair[] = [];
after(() => {
  for (const p of pairs) p.destroy();
  assert.deepEqual(liveNamespaces(), []);
});

interface Commands {
  rcvArgs: string[];
  sendArgs: string[];
}

function readCommands(dir: string): Commands {
  const text = readFileSync(join(dir, 'commands.txt'), 'utf8');
  const line = (who: string): string[] => {
    const l = text.split('\n').find((x) => x.startsWith(`${who}:`));
    assert.ok(l, `commands.txt has a ${who} line`);
    const words = l.slice(who.length + 1).trim().split(/\s+/);
    return words.slice(words.indexOf(who) + 1);
  };
  return { rcvArgs: line('rcv'), sendArgs: line('send') };
}

function opt(args: string[], names: string[]): string | undefined {
  const i = args.findIndex((a) => names.includes(a));
  return i >= 0 ? args[i + 1] : undefined;
}

/** MIDs whose payload is a clock reading: compared for presence, not value. */
const TIME_MIDS = new Set<number>([Mid.CURRENT_CLOCK_TAI, Mid.SYSMON_OFFSET, Mid.PTPMON_OFFSET]);

function compareReply(ours: ManagementMessage, theirs: ManagementMessage, where: string): void {
  assert.equal(ours.version, theirs.version, `${where}: version`);
  assert.equal(ours.action, theirs.action, `${where}: action`);
  assert.equal(ours.reserved, theirs.reserved, `${where}: reserved`);
  assert.equal(ours.tlvs.length, theirs.tlvs.length, `${where}: TLV count`);
  ours.tlvs.forEach((t, i) => {
    const c = theirs.tlvs[i];
    const w = `${where} TLV ${i} (${midName(c.mid)})`;
    assert.equal(t.tlvType, c.tlvType, `${w}: tlv_type`);
    assert.equal(t.mid, c.mid, `${w}: mid`);
    assert.equal(t.payload.length, c.payload.length, `${w}: length`);
    if (t.mid === Mid.LOG && t.payload.length >= 8) {
      assert.equal(t.payload.readUInt32BE(0), c.payload.readUInt32BE(0), `${w}: log_version`);
      assert.equal(t.payload.readUInt32BE(4), c.payload.readUInt32BE(4), `${w}: buf_len`);
      for (let off = 8; off < c.payload.length; off += 32) {
        const k = (off - 8) / 32;
        assert.equal(t.payload.readUInt32BE(off), c.payload.readUInt32BE(off), `${w}: record ${k} seqid`);
        assert.equal(t.payload.readUInt32BE(off + 4), 0, `${w}: record ${k} reserved`);
        for (const [name, at] of [['arrival', 8], ['hwts', 16], ['swts', 24]] as const) {
          const present = (b: Buffer): boolean => b.readBigInt64BE(off + at) !== 0n;
          assert.equal(present(t.payload), present(c.payload), `${w}: record ${k} ${name} present`);
        }
      }
    } else if (TIME_MIDS.has(t.mid)) {
      assert.equal(t.payload.equals(Buffer.alloc(t.payload.length)), c.payload.equals(Buffer.alloc(c.payload.length)), `${w}: time present`);
    } else {
      assert.equal(t.payload.toString('hex'), c.payload.toString('hex'), `${w}: payload`);
    }
  });
}

for (const name of cases) {
  test(`replay ${name}: our rcv answers the C sender like the C receiver`, { timeout: 120_000 }, async () => {
    const dir = join(mgmtDir, name);
    const { rcvArgs, sendArgs } = readCommands(dir);
    const rcvIf = opt(rcvArgs, ['-i', '--interface']) as string;
    const sendIf = opt(sendArgs, ['-i', '--interface']) as string;
    const rcvIp = opt(sendArgs, ['-C', '--client']) as string;
    const sendIp = rcvIp.replace(/\.(\d+)$/, (_m, last: string) => `.${Number(last) === 1 ? 2 : 1}`);
    const statsPort = Number(opt(rcvArgs, ['-P', '--stats-port']) ?? 5000);
    const l4 = rcvArgs.includes('--l4') || rcvArgs.includes('-4');
    const frameSize = Number(opt(sendArgs, ['-s', '--frame-size']) ?? 1500);
    const etype = Number(opt(sendArgs, ['-e', '--etype']) ?? 0xdead);
    const requests = readFileSync(join(dir, 'stats.conn1.c2s.hex'), 'utf8').trim().split('\n').map((h) => Buffer.from(h.trim(), 'hex'));
    const replies = readFileSync(join(dir, 'stats.conn1.s2c.hex'), 'utf8').trim().split('\n').map((h) => Buffer.from(h.trim(), 'hex'));
    assert.equal(requests.length, replies.length, 'one reply per request in the capture');

    // The recorded MACs (README: vxa 02:00:00:00:0a:01, vxb 02:00:00:00:0b:02)
    // are read back from the capture itself: the DESTINATION_MAC reply, if any.
    const macReply = replies.map((r) => decodeMessage(r)).find((m) => m.tlvs[0]?.mid === Mid.DESTINATION_MAC);
    const rcvMac = macReply ? [...macReply.tlvs[0].payload.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':') : '02:00:00:00:0b:02';
    const pair = await createVethPair({
      a: { ifname: sendIf, mac: '02:00:00:00:0a:01', ipv4: `${sendIp}/24` },
      b: { ifname: rcvIf, mac: rcvMac, ipv4: `${rcvIp}/24` },
    });
    pairs.push(pair);
    const rcv = startRcv(pair.nsB, rcvArgs);
    const frames = openFrameSender({
      ns: pair.nsA,
      ifname: sendIf,
      frameSize,
      transport: l4 ? { kind: 'l4', family: 4 } : { kind: 'l2', dmac: mac(rcvMac), smac: mac('02:00:00:00:0a:01'), etype, vlan: null },
      dest: { address: rcvIp, port: 6000 },
    });
    try {
      for (let round = 1; round <= 2; round++) {
        const client = await connectFrom(pair.nsA, rcvIp, statsPort);
        await rcv.waitStdout(new RegExp(`(Accepted connection from ::ffff:${sendIp.replaceAll('.', '\\.')}\\n[^]*){${round}}`));
        if (round === 1) {
          // Warm up the kernel's RX timestamping and prove the data path is
          // open: with no packet count set, the receiver discards and says so.
          for (let i = 0; i < 200 && !rcv.stdout().includes('Discarding seqid 4000000000'); i++) {
            frames.sendOne(4_000_000_000);
            await new Promise((r) => setTimeout(r, 20));
          }
          await rcv.waitStdout(/Discarding seqid 4000000000/);
        }
        let count = 0;
        for (let i = 0; i < requests.length; i++) {
          const req = decodeMessage(requests[i]);
          const isFinalLog = req.action === Action.GET && req.tlvs[0].mid === Mid.LOG && count > 0;
          if (isFinalLog) await frames.send(1, count);
          const got = await client.request(requests[i], 15_000);
          compareReply(got.message, decodeMessage(replies[i]), `${name} round ${round} reply ${i}`);
          if (req.action === Action.SET && req.tlvs[0].mid === Mid.PACKET_COUNT) count = Number(req.tlvs[0].payload.readBigInt64BE(0));
        }
        assert.ok(count > 0, 'the capture sets a packet count');
        client.close();
      }
    } finally {
      frames.close();
      rcv.child.kill('SIGTERM');
    }
    const exit = await rcv.exited;
    assert.deepEqual(exit, { status: 252, signal: null }, `interrupted-run status on SIGTERM; stderr: ${rcv.stderr()}`);
    assert.match(
      rcv.stderr(),
      new RegExp(`^Using the kernel UTC-TAI offset which is ${kernelTaiOffset()}\\ninterface ${rcvIf} does not have a PHC\\nisochron rcv: \\d+ received, no file written; exit 252 \\(interrupted by SIGTERM\\)\\n$`),
    );
    // Every collected log was replaced by a zeroed one: nothing left to print at exit.
    assert.doesNotMatch(rcv.stdout(), /^seqid /m);
    pair.destroy();
  });
}
