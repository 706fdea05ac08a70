// What stops the send thread: runs our `isochron send` at 1 ms (SCHED_FIFO
// 90, pinned, --omit-hwts, to our rcv over veth in namespaces made and
// deleted here) and prints, per run:
//   - the stalls: frames whose wakeup w - (S - A) was more than STALL_US late
//     (seqid, lateness), from the .dat;
//   - the send thread's own counters over the run, read from outside in
//     /proc/PID/task/TID (the thread found by its SCHED_FIFO policy):
//     minor/major page faults, voluntary/involuntary context switches;
//   - every garbage collection of every isolate of the sender process
//     (node --trace-gc), with its pause, so a stall can be matched with a
//     collection (the times are ms since each isolate started).
//
//   node dist/bench/sender-stalls.js [frames] [runs]    (as root; npm run build first)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDatFile } from '../src/engine/dat/reader.js';

const FRAMES = Number(process.argv[2] ?? 2000);
const RUNS = Number(process.argv[3] ?? 3);
const STALL_US = 500;
const PIN_CPU = cpus().length > 1 ? 1 : 0;
const cli = fileURLToPath(new URL('../../bin/isochron.js', import.meta.url));

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

interface ThreadCounters {
  minflt: number;
  majflt: number;
  voluntary: number;
  involuntary: number;
}

/** The SCHED_FIFO thread of `pid` (the send thread while it runs), or -1. */
function fifoThread(pid: number): number {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return -1;
  }
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields after the comm: state is f[0] (field 3); policy is field 41.
      if (Number(f[41 - 3]) === 1) return Number(tid);
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return -1;
}

function counters(pid: number, tid: number): ThreadCounters | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    const num = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? -1);
    return { minflt: Number(f[10 - 3]), majflt: Number(f[12 - 3]), voluntary: num('voluntary_ctxt_switches'), involuntary: num('nonvoluntary_ctxt_switches') };
  } catch {
    return null;
  }
}

interface GcEvent {
  isolate: string;
  atMs: number;
  kind: string;
  pauseMs: number;
}

/** node --trace-gc lines: "[pid:0xISOLATE]   1234 ms: Scavenge 3.1 (4.0) -> 2.9 (5.0) MB, 0.52 / 0.00 ms ...". */
function parseGc(text: string): GcEvent[] {
  const out: GcEvent[] = [];
  const re = /^\[\d+:(0x[0-9a-f]+)\]\s+(\d+) ms: ([A-Za-z-]+(?: \([^)]*\))?)[^,]*, ([\d.]+)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ isolate: m[1], atMs: Number(m[2]), kind: m[3], pauseMs: Number(m[4]) });
  return out;
}

async function waitListening(ns: string, port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (spawnSync('ip', ['netns', 'exec', ns, 'ss', '-Htln', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim() !== '') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('receiver not listening');
}

async function oneRun(nsA: string, nsB: string, port: number, dir: string, n: number): Promise<void> {
  const rcv = spawn('ip', ['netns', 'exec', nsB, process.execPath, cli, 'rcv', '-i', 'vxb', '--omit-hwts', '--stats-port', String(port), '--quiet'], { stdio: 'ignore' });
  try {
    await waitListening(nsB, port);
    const file = join(dir, `run${n}.dat`);
    const send = spawn('ip', ['netns', 'exec', nsA, process.execPath, '--trace-gc', cli, 'send', '-i', 'vxa', '--omit-sync', '--omit-remote-sync', '--omit-hwts',
      '--client', '10.199.0.2', '--stats-port', String(port), '--cycle-time', '0.001', '--num-frames', String(FRAMES), '--frame-size', '64',
      '--sched-fifo', '--sched-priority', '90', '--cpu-mask', String(1 << PIN_CPU), '--quiet', '--output-file', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    send.stdout.on('data', (b: Buffer) => (out += b.toString()));
    send.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const done = new Promise<number | null>((r) => send.on('close', (code) => r(code)));
    // `ip netns exec` execs node: the child's pid is the sender's.
    const pid = send.pid as number;
    let tid = -1;
    let first: ThreadCounters | null = null;
    let last: ThreadCounters | null = null;
    // A sample 1.5 s after the thread turned SCHED_FIFO: past the warm-up
    // (which ends before the first wakeup, at most ~1 s away), in the run.
    let steady: ThreadCounters | null = null;
    let fifoAt = 0;
    let exited = false;
    void done.then(() => (exited = true));
    while (!exited) {
      if (tid < 0) {
        tid = fifoThread(pid);
        if (tid > 0) {
          first = counters(pid, tid);
          fifoAt = performance.now();
        }
      } else {
        // Until the thread restores its policy at the end of the run.
        const now = fifoThread(pid) === tid ? counters(pid, tid) : null;
        if (now) last = now;
        if (now && !steady && performance.now() - fifoAt > 1500) steady = now;
      }
      await new Promise((r) => setTimeout(r, tid < 0 ? 5 : 100));
    }
    const status = await done;
    if (status !== 0) throw new Error(`send failed (${status}): ${err}`);
    const { header, send: recs } = readDatFile(file);
    const lat = recs.map((s) => Number(s.wakeup - (s.scheduled - header.advanceTime)) / 1000);
    const sorted = [...lat].sort((a, b) => a - b);
    console.log(`run ${n}: ${FRAMES} frames at 1 ms, p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} us, p99 ${sorted[Math.floor(sorted.length * 0.99)].toFixed(1)} us, worst ${sorted[sorted.length - 1].toFixed(1)} us`);
    const stalls = lat.map((l, i) => ({ seqid: i + 1, us: l })).filter((s) => s.us > STALL_US);
    console.log(`  stalls > ${STALL_US} us: ${stalls.length}${stalls.length ? ': ' + stalls.slice(0, 20).map((s) => `#${s.seqid} ${s.us.toFixed(0)} us`).join(', ') : ''}`);
    if (first && last) {
      console.log(`  send thread ${tid} while SCHED_FIFO (first to last sample): minflt +${last.minflt - first.minflt}, majflt +${last.majflt - first.majflt}, voluntary cs +${last.voluntary - first.voluntary}, involuntary cs +${last.involuntary - first.involuntary}`);
      if (steady) console.log(`    of which in the run's steady part (from 1.5 s on): minflt +${last.minflt - steady.minflt}, majflt +${last.majflt - steady.majflt}, voluntary cs +${last.voluntary - steady.voluntary}, involuntary cs +${last.involuntary - steady.involuntary}`);
    } else {
      console.log('  send thread not sampled (the run was too short to see it as SCHED_FIFO)');
    }
    const gcs = parseGc(out);
    const byIsolate = new Map<string, GcEvent[]>();
    for (const g of gcs) byIsolate.set(g.isolate, [...(byIsolate.get(g.isolate) ?? []), g]);
    for (const [iso, list] of byIsolate) {
      const worst = list.reduce((a, b) => (b.pauseMs > a.pauseMs ? b : a));
      console.log(`  isolate ${iso}: ${list.length} GCs (${list.filter((g) => g.kind.startsWith('Scavenge')).length} scavenges), longest ${worst.pauseMs} ms (${worst.kind} at ${worst.atMs} ms)`);
    }
  } finally {
    rcv.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const tag = `bs${process.pid}`;
  const nsA = `${tag}a`;
  const nsB = `${tag}b`;
  const dir = mkdtempSync(join(tmpdir(), 'isochron-stalls-'));
  process.on('exit', () => {
    spawnSync('ip', ['netns', 'del', nsA]);
    spawnSync('ip', ['netns', 'del', nsB]);
    rmSync(dir, { recursive: true, force: true });
  });
  ip(['netns', 'add', nsA]);
  ip(['netns', 'add', nsB]);
  ip(['link', 'add', 'vxa', 'netns', nsA, 'type', 'veth', 'peer', 'name', 'vxb', 'netns', nsB]);
  for (const [ns, dev, addr] of [[nsA, 'vxa', '10.199.0.1/24'], [nsB, 'vxb', '10.199.0.2/24']]) {
    ip(['-n', ns, 'addr', 'add', addr, 'dev', dev]);
    ip(['-n', ns, 'link', 'set', dev, 'up']);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  await new Promise((r) => setTimeout(r, 1000));
  console.log(`send thread stalls: ${RUNS} runs of ${FRAMES} frames at 1 ms, SCHED_FIFO 90 pinned to CPU ${PIN_CPU}, ${cpus().length} CPUs; load average ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  for (let n = 1; n <= RUNS; n++) await oneRun(nsA, nsB, 5129 + n, dir, n);
}

await main();
