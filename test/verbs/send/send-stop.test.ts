// A stop request is honoured at any point of a run with a long cycle: the
// send thread sleeps in slices and the warm-up never sleeps, so neither the
// daemon (SET TEST_STATE 0, its owner disconnecting, SIGTERM) nor `isochron
// send` (SIGINT, SIGTERM) waits out a 10 s cycle. Real daemons and real
// senders over veth in namespaces made (and deleted) here.
//
// The bound asserted (STOP_BOUND_MS) is generous for a loaded machine; the
// point is that it is far below the cycle: the first wakeup of a 10 s cycle
// is up to 10 s away, and the old warm-up slept whole cycles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { ManagementClient, Mid, TestState } from '../../../src/engine/mgmt/index.js';
import { connectTcp } from '../../../src/sys/tcp.js';
import { createVethPair, spawnIn, withNetns, type VethPair } from '../../helpers/netns.js';
import { cliEntry } from '../../helpers/paths.js';
import { alive, sleep, startDaemonIn, stopPid } from '../../helpers/daemon-support.js';

const STOP_BOUND_MS = 5000;
const CYCLE_NS = 10_000_000_000n;

async function pair(): Promise<VethPair> {
  return createVethPair({
    a: { ifname: 'sta', mac: '02:00:00:00:0a:01', ipv4: '10.234.0.1/24' },
    b: { ifname: 'stb', mac: '02:00:00:00:0b:02', ipv4: '10.234.0.2/24' },
    prefix: 'stop',
  });
}

async function client(ns: string, port: number): Promise<ManagementClient> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const fd = await withNetns(ns, () => connectTcp({ family: 4, address: '127.0.0.1', port, timeoutMs: 2000 }));
      return new ManagementClient(new Socket({ fd, readable: true, writable: true }), { timeoutMs: 20_000 });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** Takes the sender role and sets up a run of 5 frames at a 10 s cycle, 1 us advance. */
async function setUpLongCycle(d: ManagementClient): Promise<void> {
  const sets: Array<[number, unknown]> = [
    [Mid.NODE_ROLE, 'sender'], [Mid.IF_NAME, 'sta'], [Mid.DESTINATION_MAC, '02:00:00:00:0b:02'], [Mid.SOURCE_MAC, '00:00:00:00:00:00'],
    [Mid.PRIORITY, 0], [Mid.STATS_PORT, 5000], [Mid.ADVANCE_TIME, 1000n], [Mid.SHIFT_TIME, 0n], [Mid.CYCLE_TIME, CYCLE_NS],
    [Mid.WINDOW_SIZE, 0n], [Mid.SYNC_MONITOR_ENABLED, false], [Mid.PACKET_SIZE, 128], [Mid.TS_ENABLED, true], [Mid.ETHERTYPE, 0xdead],
    [Mid.PACKET_COUNT, 5n], [Mid.UTC_OFFSET, 0], [Mid.L2_ENABLED, true], [Mid.L4_ENABLED, false], [Mid.BASE_TIME, 0n],
  ];
  for (const [mid, v] of sets) await d.set(mid as never, v as never);
}

async function timed<T>(what: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await what;
  return { value, ms: performance.now() - t0 };
}

async function waitGone(pid: number, ms: number): Promise<number> {
  const t0 = performance.now();
  while (alive(pid) && performance.now() - t0 < ms) await sleep(20);
  return performance.now() - t0;
}

test('daemon at a 10 s cycle: SET TEST_STATE 0, the owner leaving and SIGTERM each stop the run within a sleep slice', async (t) => {
  const veth = await pair();
  const tmp = mkdtempSync(join(tmpdir(), 'isostop-'));
  let pid = -1;
  const clients: ManagementClient[] = [];
  try {
    pid = await startDaemonIn(veth.nsA, ['-P', '5341', '-l', join(tmp, 'daemon.log')], join(tmp, 'pid'));
    // 1. SET TEST_STATE 0 from the owner, at several points: in the warm-up
    // (right after the start) and in the long sleep before the first wakeup.
    for (const after of [0, 300, 1500]) {
      const d = await client(veth.nsA, 5341);
      clients.push(d);
      await setUpLongCycle(d);
      await d.set(Mid.TEST_STATE, TestState.RUNNING);
      await sleep(after);
      const stop = await timed(d.set(Mid.TEST_STATE, TestState.IDLE));
      t.diagnostic(`SET TEST_STATE 0 ${after} ms into the run: answered in ${stop.ms.toFixed(0)} ms`);
      assert.equal(stop.value, TestState.IDLE);
      assert.ok(stop.ms < STOP_BOUND_MS, `SET TEST_STATE 0 answered after ${stop.ms.toFixed(0)} ms`);
      assert.equal(await d.get(Mid.TEST_STATE), TestState.IDLE);
      d.socket.destroy();
    }
    // 2. The owner disconnects mid-run: another client gets the role within the bound.
    const owner = await client(veth.nsA, 5341);
    await setUpLongCycle(owner);
    await owner.set(Mid.TEST_STATE, TestState.RUNNING);
    await sleep(1000);
    owner.socket.destroy();
    const other = await client(veth.nsA, 5341);
    clients.push(other);
    const t0 = performance.now();
    let taken = false;
    while (!taken && performance.now() - t0 < STOP_BOUND_MS) {
      try {
        await other.set(Mid.NODE_ROLE, 'sender' as never);
        taken = true;
      } catch {
        await sleep(50);
      }
    }
    const ms = performance.now() - t0;
    t.diagnostic(`owner disconnected: parameters free for another client after ${ms.toFixed(0)} ms`);
    assert.ok(taken, `parameters still locked ${ms.toFixed(0)} ms after the owner left`);
    // 3. SIGTERM mid-run: the daemon is gone within the bound.
    await setUpLongCycle(other);
    await other.set(Mid.TEST_STATE, TestState.RUNNING);
    await sleep(1000);
    process.kill(pid, 'SIGTERM');
    const gone = await waitGone(pid, STOP_BOUND_MS + 5000);
    t.diagnostic(`SIGTERM mid-run: daemon gone after ${gone.toFixed(0)} ms`);
    assert.ok(!alive(pid), 'the daemon is still alive after SIGTERM');
    assert.ok(gone < STOP_BOUND_MS, `SIGTERM took ${gone.toFixed(0)} ms`);
    pid = -1;
  } catch (err) {
    const log = existsSync(join(tmp, 'daemon.log')) ? readFileSync(join(tmp, 'daemon.log'), 'utf8') : '';
    throw new Error(`${(err as Error).message}\n--- daemon log:\n${log}`);
  } finally {
    for (const c of clients) c.socket.destroy();
    if (pid > 0) await stopPid(pid);
    veth.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
});

for (const [signal, after] of [['SIGINT', 300], ['SIGINT', 2000], ['SIGTERM', 1000]] as const) {
  test(`send at a 10 s cycle: ${signal} ${after} ms after start ends it within the bound`, async (t) => {
    const veth = await pair();
    try {
      const child = spawnIn(
        veth.nsA,
        process.execPath,
        [cliEntry, 'send', '-i', 'sta', '--dmac', '02:00:00:00:0b:02', '--omit-sync', '--omit-hwts', '--cycle-time', '10.0',
          '--advance-time', '0.000001000', '--num-frames', '5', '--frame-size', '64', '--quiet'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let err = '';
      child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      // From the banner on, the run is set up and the loops are starting.
      const t0 = performance.now();
      while (!err.includes('Cycle time:') && performance.now() - t0 < 20_000 && child.exitCode === null) await sleep(10);
      assert.match(err, /Cycle time: +10\.000000000/, err);
      await sleep(after);
      const sent = performance.now();
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_BOUND_MS + 10_000);
      await exited;
      clearTimeout(killer);
      const ms = performance.now() - sent;
      t.diagnostic(`${signal} ${after} ms after the banner: exited after ${ms.toFixed(0)} ms (signal ${String(child.signalCode)}, status ${String(child.exitCode)})`);
      assert.equal(child.signalCode, null, `killed: ${err}`);
      assert.ok(ms < STOP_BOUND_MS, `${signal} took ${ms.toFixed(0)} ms: ${err}`);
    } finally {
      veth.destroy();
    }
  });
}
