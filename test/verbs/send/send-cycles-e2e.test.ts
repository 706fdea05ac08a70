// The schedule at every cycle time, end to end: `isochron send --client`
// over a veth pair to `isochron rcv` in the other namespace, at 100 us,
// 1 ms, 5 ms, 50 ms and 100 ms, software timestamps (--omit-hwts), the send
// thread SCHED_FIFO as users run it. Every frame must arrive and carry its
// TX timestamp, and the wakeup latency w - (S - A) of every frame, the
// first one included, must stay below max(cycle, 20 ms).
//
// What that bound catches: the old warm-up slept real cycles past the first
// wakeup, so at 5 ms and more the first frames left 0.1-5 s late, back to
// back (a burst: every one of them late by many cycles). A frame later than
// a whole cycle is a missed cycle; at 5 ms and more none is allowed. The
// 20 ms floor leaves room for a loaded 2-CPU machine at the short cycles,
// where a late wakeup is caught up within a few cycles.
//
// With ISOCHRON_C set (a C isochron, omit-hwts branch) the C sender and
// receiver run each case the same way and their numbers are printed beside
// ours (never asserted: this is about our schedule).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { CLOCK_TAI } from '../../../src/sys/constants.js';
import { clockGettime } from '../../../src/sys/time.js';
import { execIn, spawnIn } from '../../helpers/netns.js';
import { cliEntry } from '../../helpers/paths.js';
import { sleep } from '../../helpers/daemon-support.js';
import { IP_B, vethPair } from '../../helpers/send-support.js';
import { HOG_CPU, startCpuHog } from '../../helpers/cpu-hog.js';

const C_BIN = process.env.ISOCHRON_C ?? '';
const FLOOR_NS = 20_000_000;

interface Case {
  name: string;
  /** --cycle-time as C parses it (seconds). */
  arg: string;
  cycle: number;
  frames: number;
}

const CASES: Case[] = [
  { name: '100 us', arg: '0.000100000', cycle: 100_000, frames: 200 },
  { name: '1 ms', arg: '0.001000000', cycle: 1_000_000, frames: 100 },
  { name: '5 ms', arg: '0.005000000', cycle: 5_000_000, frames: 40 },
  { name: '50 ms', arg: '0.050000000', cycle: 50_000_000, frames: 10 },
  { name: '100 ms', arg: '0.100000000', cycle: 100_000_000, frames: 8 },
];

interface Numbers {
  first: number;
  worst: number;
  /** Frames woken a whole cycle or more late. */
  missed: number;
  received: number;
  timestamped: number;
}

const cmd = (c: boolean, args: string[]): [string, string[]] => (c ? [C_BIN, args] : [process.execPath, [cliEntry, ...args]]);

/** One sender run of `c` (C or ours) against its own receiver; the numbers from the .dat it wrote. */
async function runCase(ns: { a: string; b: string }, k: Case, port: number, dir: string, c: boolean, extra: string[], out?: string): Promise<Numbers> {
  const [rbin, rargs] = cmd(c, ['rcv', '-i', 'vxb', '--omit-hwts', '--stats-port', String(port), '--quiet']);
  const rcv = spawnIn(ns.b, rbin, rargs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let rcvErr = '';
  rcv.stderr?.on('data', (b: Buffer) => (rcvErr += b.toString()));
  const rcvGone = new Promise<void>((r) => rcv.on('close', () => r()));
  try {
    const deadline = Date.now() + 15_000;
    while (spawnSync('ip', ['netns', 'exec', ns.b, 'ss', '-Htln', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim() === '') {
      if (Date.now() > deadline || rcv.exitCode !== null) throw new Error(`receiver not listening on ${port}: ${rcvErr}`);
      await sleep(50);
    }
    const file = out ?? join(dir, `${c ? 'c' : 'ours'}-${k.cycle}.dat`);
    const [sbin, sargs] = cmd(c, ['send', '-i', 'vxa', '--omit-sync', '--omit-remote-sync', '--omit-hwts', '--client', IP_B, '--stats-port', String(port),
      '--cycle-time', k.arg, '--num-frames', String(k.frames), '--frame-size', '64', '--quiet', '--output-file', file, ...extra]);
    const r = await execIn(ns.a, sbin, sargs, { timeoutMs: 60_000 });
    assert.equal(r.status, 0, `${c ? 'C' : 'our'} send at ${k.name}: ${r.stderr}\nreceiver: ${rcvErr}`);
    const { header, send, rcv: got } = readDatFile(file);
    const lat = send.map((s) => Number(s.wakeup - (s.scheduled - header.advanceTime)));
    return {
      first: lat[0] ?? Number.NaN,
      worst: Math.max(...lat),
      missed: lat.filter((l) => l >= k.cycle).length,
      received: got.filter((x, i) => x.seqid === i + 1).length,
      timestamped: send.filter((s) => s.swts > 0n).length,
    };
  } finally {
    rcv.kill('SIGKILL');
    await rcvGone;
  }
}

const ms = (ns: number): string => `${(ns / 1e6).toFixed(3)} ms`;
const line = (who: string, k: Case, n: Numbers): string =>
  `${who} ${k.name} x ${k.frames}: first wakeup ${ms(n.first)}, worst ${ms(n.worst)}, missed cycles ${n.missed}, received ${n.received}, TX-timestamped ${n.timestamped}`;

function check(k: Case, n: Numbers, why: string): void {
  const bound = Math.max(k.cycle, FLOOR_NS);
  assert.equal(n.received, k.frames, `${why}: every frame received`);
  assert.equal(n.timestamped, k.frames, `${why}: every frame TX-timestamped`);
  assert.ok(n.first < bound, `${why}: first wakeup ${ms(n.first)} late (bound ${ms(bound)})`);
  assert.ok(n.worst < bound, `${why}: worst wakeup ${ms(n.worst)} late (bound ${ms(bound)})`);
  if (k.cycle >= 5_000_000) assert.equal(n.missed, 0, `${why}: no frame a whole cycle late`);
}

function tmp(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-cycles-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('send -> rcv over veth at 100 us, 1 ms, 5 ms, 50 ms and 100 ms: every frame received and timestamped, no late first packet, no burst', async (t) => {
  const pair = await vethPair(t);
  const dir = tmp(t);
  if (!C_BIN) t.diagnostic('ISOCHRON_C not set: measuring ours only (set it to a C isochron, omit-hwts branch, to print its numbers beside ours)');
  let port = 5431;
  for (const k of CASES) {
    const fifo = ['--sched-fifo', '--sched-priority', '90'];
    const ours = await runCase({ a: pair.nsA, b: pair.nsB }, k, port++, dir, false, fifo);
    t.diagnostic(line('ours', k, ours));
    if (C_BIN) t.diagnostic(line('C   ', k, await runCase({ a: pair.nsA, b: pair.nsB }, k, port++, dir, true, fifo)));
    check(k, ours, `ours at ${k.name}`);
  }
});

test('send -> rcv at 5 ms with a CPU hog pinned to the send thread\'s CPU: first packet on time, no burst', async (t) => {
  const pair = await vethPair(t);
  const dir = tmp(t);
  const hog = await startCpuHog();
  t.after(() => hog.stop());
  // The send thread SCHED_FIFO on the hog's CPU, as a user runs it; every
  // other thread of the process (main, TX timestamps, worker start-up)
  // competes with the busy loop.
  const k: Case = { name: '5 ms', arg: '0.005000000', cycle: 5_000_000, frames: 40 };
  const pinned = ['--cpu-mask', String(1 << HOG_CPU), '--sched-fifo', '--sched-priority', '90'];
  const ours = await runCase({ a: pair.nsA, b: pair.nsB }, k, 5441, dir, false, pinned);
  t.diagnostic(`${line('ours', k, ours)} (CPU hog on CPU ${HOG_CPU})`);
  if (C_BIN) t.diagnostic(`${line('C   ', k, await runCase({ a: pair.nsA, b: pair.nsB }, k, 5442, dir, true, pinned))} (same)`);
  else t.diagnostic('ISOCHRON_C not set: measuring ours only');
  check(k, ours, 'ours at 5 ms beside a CPU hog');
});

test('send -> rcv at 5 ms with a --base-time in the past and one 12 s ahead: the phase is kept and the first packet is on time', async (t) => {
  const pair = await vethPair(t);
  const dir = tmp(t);
  const k: Case = { name: '5 ms', arg: '0.005000000', cycle: 5_000_000, frames: 10 };
  const fifo = ['--sched-fifo', '--sched-priority', '90'];
  const tai = (ns: bigint): string => `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
  let port = 5451;
  // 1.001 s after the epoch: rolled on, as by C, to the next cycle after session start + 0.5 s.
  // 12 s ahead of now: kept as is. The receiver and the sender start within that even on a
  // loaded machine (4 s was not always enough at a load average of 15-20 on 2 cores).
  for (const what of ['in the past', '12 s ahead'] as const) {
    const now = clockGettime(CLOCK_TAI);
    const base = what === 'in the past' ? 1_001_000_000n : now + 12_000_000_000n + 1_234_567n;
    const file = join(dir, `base-${port}.dat`);
    const n = await runCase({ a: pair.nsA, b: pair.nsB }, k, port++, dir, false, [...fifo, '--base-time', tai(base)], file);
    const { send } = readDatFile(file);
    t.diagnostic(`${line('ours', k, n)} (base time ${what})`);
    assert.equal((send[0].scheduled - base) % 5_000_000n, 0n, `base time ${what}: the first scheduled time keeps the base time's phase`);
    if (what === '12 s ahead') assert.equal(send[0].scheduled, base, 'a base time in the future is kept as is');
    else assert.ok(send[0].scheduled > now, 'a base time in the past moves on past the session start');
    check(k, n, `ours with a base time ${what}`);
  }
});
