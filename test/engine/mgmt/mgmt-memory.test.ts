// Memory a management peer can make a daemon or a receiver use, measured
// on real processes (children in namespaces created and deleted here), RSS
// sampled from /proc/PID/status:
//  - receiver: SET PACKET_COUNT 134217727 + GET LOG (40 bytes), the reply
//    (4 GiB of log) never read: the log is untouched zero pages and the
//    reply streams from it, so the receiver stays small;
//  - daemon: 4 clients GET LOG of a 4 000 000-packet test and do not read:
//    one log, shared, streamed; back near the idle size once they leave;
//  - daemon: 200 000 GETs queued behind a slow SET PTPMON_ENABLED (no
//    ptp4l), never read: at most a few dozen requests are read ahead.
// Each phase is bounded in time; the numbers are printed for the record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { Action, encodeGet, encodeSet, ManagementClient, Mid, TestState } from '../../../src/engine/mgmt/index.js';
import { connectTcp } from '../../../src/sys/tcp.js';
import { createVethPair, withNetns } from '../../helpers/netns.js';
import { rssKb, sleep, startDaemonIn, stopPid } from '../../helpers/daemon-support.js';
import { connectFrom, startRcv } from '../../helpers/rcv-support.js';

const MB = 1024;

/** A socket opened inside ns that is never read (no 'data' listener, paused). */
async function silentPeer(ns: string, address: string, port: number): Promise<Socket> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const fd = await withNetns(ns, () => connectTcp({ family: 4, address, port, timeoutMs: 2000 }));
      const s = new Socket({ fd, readable: true, writable: true });
      s.pause();
      s.on('error', () => undefined);
      return s;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

async function clientIn(ns: string, address: string, port: number): Promise<ManagementClient> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const fd = await withNetns(ns, () => connectTcp({ family: 4, address, port, timeoutMs: 2000 }));
      return new ManagementClient(new Socket({ fd, readable: true, writable: true }), { timeoutMs: 15_000 });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** Peak VmRSS (kB) of pid over ms, sampled every 100 ms. */
async function peakRss(pid: number, ms: number): Promise<number> {
  let peak = rssKb(pid);
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await sleep(100);
    peak = Math.max(peak, rssKb(pid));
  }
  return peak;
}

/** Polls until VmRSS is at most limit kB (true) or the deadline passes (false). */
async function rssFallsTo(pid: number, limitKb: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (rssKb(pid) <= limitKb) return true;
    await sleep(200);
  }
  return rssKb(pid) <= limitKb;
}

const mb = (kb: number): string => `${(kb / MB).toFixed(1)} MB`;

test('receiver: SET PACKET_COUNT 134217727 + GET LOG never read stays under 400 MB; the reply is the whole log, streamed', async () => {
  const pair = await createVethPair({ a: { ifname: 'mma', ipv4: '10.241.0.1/24' }, b: { ifname: 'mmb', ipv4: '10.241.0.2/24' } });
  const rcv = startRcv(pair.nsB, ['-i', 'mmb', '--omit-hwts', '--stats-port', '5271', '--quiet']);
  const pid = rcv.child.pid as number;
  try {
    // Ready (and the probing client gone) before the baseline.
    (await connectFrom(pair.nsA, '10.241.0.2', 5271)).close();
    await sleep(300);
    const idle = rssKb(pid);
    const attacker = await silentPeer(pair.nsA, '10.241.0.2', 5271);
    const count = 134_217_727n;
    const attack = Buffer.concat([encodeSet(Mid.PACKET_COUNT, count), encodeGet(Mid.LOG)]);
    assert.equal(attack.length, 40);
    attacker.write(attack);
    // The reply is held for the 5 s data timeout, then streamed: watch both.
    const peak = await peakRss(pid, 8000);
    console.log(`receiver RSS: idle ${mb(idle)}, peak through the 40-byte attack ${mb(peak)}`);
    assert.ok(peak < 400 * MB, `receiver peaked at ${mb(peak)}`);
    // What the attacker gets is the real reply: SET echo, then a LOG of count * 32 bytes.
    const head = await new Promise<Buffer>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const t = setTimeout(() => reject(new Error(`only ${got.length} reply bytes`)), 5000);
      attacker.on('data', (b: Buffer) => {
        got = Buffer.concat([got, b]);
        if (got.length >= 48) {
          clearTimeout(t);
          attacker.pause();
          resolve(got);
        }
      });
      attacker.resume();
    });
    // 24 bytes of SET echo, then the LOG reply's message header, TLV header, version and buf_len.
    const logReply = head.subarray(24);
    assert.equal(logReply[1], Action.RESPONSE);
    assert.equal(logReply.readUInt32BE(4), 8 + 8 + Number(count) * 32, 'message payload_length');
    assert.equal(logReply.readUInt16BE(10), Mid.LOG);
    assert.equal(logReply.readUInt32BE(12), 8 + Number(count) * 32, 'TLV length');
    assert.equal(logReply.readUInt32BE(16), 4, 'log_version');
    assert.equal(logReply.readUInt32BE(20), Number(count) * 32, 'buf_len');
    attacker.destroy();
    // The receiver serves the next client.
    const next = await connectFrom(pair.nsA, '10.241.0.2', 5271);
    try {
      const r = await next.request(encodeGet(Mid.DESTINATION_MAC));
      assert.equal(r.message.action, Action.RESPONSE);
      assert.equal(r.message.tlvs[0].mid, Mid.DESTINATION_MAC);
      assert.ok(r.message.tlvs[0].payload.length > 0, 'a value, not an error');
    } finally {
      next.close();
    }
    console.log(`receiver RSS after the attacker left: ${mb(rssKb(pid))}`);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- rcv stdout:\n${rcv.stdout().slice(-2000)}\n--- rcv stderr:\n${rcv.stderr().slice(-2000)}`);
  } finally {
    rcv.child.kill('SIGKILL');
    await rcv.exited;
    pair.destroy();
  }
});

test('receiver: a client that reads a 10 000 000-packet LOG (320 MB) gets it all; the receiver stays under 400 MB, also after', async () => {
  const pair = await createVethPair({ a: { ifname: 'mra', ipv4: '10.244.0.1/24' }, b: { ifname: 'mrb', ipv4: '10.244.0.2/24' } });
  const rcv = startRcv(pair.nsB, ['-i', 'mrb', '--omit-hwts', '--stats-port', '5274', '--quiet']);
  const pid = rcv.child.pid as number;
  try {
    (await connectFrom(pair.nsA, '10.244.0.2', 5274)).close();
    await sleep(300);
    const idle = rssKb(pid);
    const count = 10_000_000;
    const expected = 24 + 24 + count * 32;
    const reader = await silentPeer(pair.nsA, '10.244.0.2', 5274);
    let received = 0;
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 100);
    try {
      const done = new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`received ${received} of ${expected} bytes`)), 40_000);
        reader.on('data', (b: Buffer) => {
          received += b.length;
          if (received >= expected) {
            clearTimeout(t);
            resolve();
          }
        });
        reader.on('close', () => reject(new Error(`closed after ${received} of ${expected} bytes`)));
      });
      reader.resume();
      reader.write(Buffer.concat([encodeSet(Mid.PACKET_COUNT, BigInt(count)), encodeGet(Mid.LOG)]));
      await done;
    } finally {
      clearInterval(sampler);
    }
    assert.equal(received, expected);
    reader.destroy();
    await sleep(500);
    const after = rssKb(pid);
    console.log(`receiver RSS: idle ${mb(idle)}, peak while a client read a 320 MB LOG ${mb(peak)}, after it left ${mb(after)}`);
    assert.ok(peak < 400 * MB, `receiver peaked at ${mb(peak)}`);
    assert.ok(after < 400 * MB, `receiver kept ${mb(after)}`);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- rcv stderr:\n${rcv.stderr().slice(-2000)}`);
  } finally {
    rcv.child.kill('SIGKILL');
    await rcv.exited;
    pair.destroy();
  }
});

/** A sender role configured as the orchestrator does, on the veth end `ifname`. */
async function configureSender(c: ManagementClient, ifname: string, count: bigint, cycle: bigint): Promise<void> {
  await c.set(Mid.NODE_ROLE, 'sender');
  await c.set(Mid.IF_NAME, ifname);
  await c.set(Mid.DESTINATION_MAC, '02:00:00:00:0b:02');
  await c.set(Mid.PACKET_SIZE, 64);
  await c.set(Mid.CYCLE_TIME, cycle);
  await c.set(Mid.PACKET_COUNT, count);
  await c.set(Mid.TS_ENABLED, false);
  await c.set(Mid.SYNC_MONITOR_ENABLED, false);
  await c.set(Mid.L2_ENABLED, true);
}

test('daemon: 4 clients GET LOG of a 4 000 000-packet test and never read: under 1.5x the log, back near idle after', async () => {
  const pair = await createVethPair({ a: { ifname: 'mda', ipv4: '10.242.0.1/24' }, b: { ifname: 'mdb', mac: '02:00:00:00:0b:02', ipv4: '10.242.0.2/24' } });
  const tmp = mkdtempSync(join(tmpdir(), 'isomem-'));
  let pid = -1;
  const peers: Socket[] = [];
  let owner: ManagementClient | undefined;
  try {
    pid = await startDaemonIn(pair.nsA, ['-P', '5372', '-l', join(tmp, 'log')], join(tmp, 'pid'));
    owner = await clientIn(pair.nsA, '127.0.0.1', 5372);
    const count = 4_000_000n;
    const logBytes = Number(count) * 48;
    await configureSender(owner, 'mda', count, 1_000_000n);
    await owner.set(Mid.TEST_STATE, TestState.RUNNING);
    await sleep(1000);
    assert.equal(await owner.get(Mid.TEST_STATE), TestState.RUNNING);
    const idle = rssKb(pid);
    for (let i = 0; i < 4; i++) {
      const p = await silentPeer(pair.nsA, '127.0.0.1', 5372);
      p.write(encodeGet(Mid.LOG));
      peers.push(p);
    }
    const peak = await peakRss(pid, 5000);
    console.log(`daemon RSS: running a ${mb(logBytes / 1024)} log ${mb(idle)}, peak with 4 non-reading GET LOG clients ${mb(peak)}`);
    assert.ok(peak < (1.5 * logBytes) / 1024, `daemon peaked at ${mb(peak)}, 1.5x the log is ${mb((1.5 * logBytes) / 1024)}`);
    // Not one copy of the log per client: growth well under one log.
    assert.ok(peak - idle < 64 * MB, `daemon grew by ${mb(peak - idle)} (the log is ${mb(logBytes / 1024)})`);
    // The daemon still answers, the owner still owns its test.
    assert.equal(await owner.get(Mid.TEST_STATE), TestState.RUNNING);
    for (const p of peers) p.destroy();
    const back = await rssFallsTo(pid, idle + 16 * MB, 20_000);
    console.log(`daemon RSS after the 4 clients left: ${mb(rssKb(pid))}`);
    assert.ok(back, `daemon RSS ${mb(rssKb(pid))} did not return near ${mb(idle)}`);
    assert.equal(await owner.set(Mid.TEST_STATE, TestState.IDLE), TestState.IDLE);
  } catch (err) {
    const log = existsSync(join(tmp, 'log')) ? readFileSync(join(tmp, 'log'), 'utf8') : '';
    throw new Error(`${(err as Error).message}\n--- daemon log:\n${log.slice(-3000)}`);
  } finally {
    for (const p of peers) p.destroy();
    owner?.socket.destroy();
    if (pid > 0) await stopPid(pid);
    pair.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('daemon: 200 000 GETs queued behind a slow SET PTPMON_ENABLED, never read: under 100 MB of growth, others still served', async () => {
  const pair = await createVethPair({ a: { ifname: 'mqa', ipv4: '10.243.0.1/24' }, b: { ifname: 'mqb', ipv4: '10.243.0.2/24' } });
  const tmp = mkdtempSync(join(tmpdir(), 'isomem-'));
  let pid = -1;
  let flood: Socket | undefined;
  try {
    pid = await startDaemonIn(pair.nsA, ['-P', '5373', '-l', join(tmp, 'log')], join(tmp, 'pid'));
    const probe = await clientIn(pair.nsA, '127.0.0.1', 5373);
    await probe.get(Mid.CURRENT_CLOCK_TAI);
    const idle = rssKb(pid);
    flood = await silentPeer(pair.nsA, '127.0.0.1', 5373);
    // No ptp4l at this path: the SET waits for it (retries) before failing.
    const slow = Buffer.concat([encodeSet(Mid.NODE_ROLE, 'sender'), encodeSet(Mid.UDS, join(tmp, 'no-ptp4l')), encodeSet(Mid.PTPMON_ENABLED, true)]);
    const gets = Buffer.concat(Array.from({ length: 200_000 }, () => encodeGet(Mid.CURRENT_CLOCK_TAI)));
    flood.write(slow);
    flood.write(gets);
    const peak = await peakRss(pid, 8000);
    console.log(`daemon RSS: idle ${mb(idle)}, peak with 200 000 unread queued GETs ${mb(peak)} (+${mb(peak - idle)})`);
    assert.ok(peak - idle < 100 * MB, `daemon grew by ${mb(peak - idle)}`);
    // Another client is answered meanwhile.
    const t0 = Date.now();
    assert.ok((await probe.get(Mid.CURRENT_CLOCK_TAI)) > 0n);
    const waited = Date.now() - t0;
    console.log(`another client answered in ${waited} ms while the flood waits`);
    assert.ok(waited < 2000, `another client answered in ${waited} ms while the flood waits`);
    flood.destroy();
    probe.socket.destroy();
    // What stays is V8 heap grown while answering 200 000 GETs (garbage,
    // not kept requests): Node does not hand heap pages back at once.
    await sleep(1000);
    const after = rssKb(pid);
    console.log(`daemon RSS after the flood left: ${mb(after)} (+${mb(after - idle)})`);
    assert.ok(after - idle < 100 * MB, `daemon kept ${mb(after - idle)} after the flood left`);
  } catch (err) {
    const log = existsSync(join(tmp, 'log')) ? readFileSync(join(tmp, 'log'), 'utf8') : '';
    throw new Error(`${(err as Error).message}\n--- daemon log:\n${log.slice(-3000)}`);
  } finally {
    flood?.destroy();
    if (pid > 0) await stopPid(pid);
    pair.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
});
