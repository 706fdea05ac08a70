// Sender wakeup latency: w - (S - A) for every packet (w = the wakeup the
// send thread read after clock_nanosleep, S = scheduled, A = advance), and
// missed cycles (a wakeup a whole cycle or more late), for 10 000 frames at
// 1 ms and at 100 us, SCHED_FIFO 90, pinned to one CPU, over a veth pair in
// two namespaces this script creates and deletes.
//
// Both senders run the same way: through their CLI with identical
// arguments, with --client to a receiver of the same kind (our rcv for ours,
// the C rcv for C), and the latencies are read from the .dat each writes,
// by the same code. Without ISOCHRON_C only ours runs; with it (a C
// isochron binary, omit-hwts branch) the C pair runs the same cases and the
// ratio is printed.
//
//   node dist/bench/sender-jitter.js            (as root; npm run build first)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDatFile } from '../src/dat/reader.js';

const FRAMES = 10_000;
const CASES = [
  { name: '1 ms', cycle: 1_000_000n },
  { name: '100 us', cycle: 100_000n },
];
const PIN_CPU = cpus().length > 1 ? 1 : 0;

interface Summary {
  min: number;
  p50: number;
  p99: number;
  p99_9: number;
  max: number;
  mean: number;
  missedCycles: number;
  count: number;
}

function summarize(latencies: number[], late: number): Summary {
  const s = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return {
    min: s[0],
    p50: at(0.5),
    p99: at(0.99),
    p99_9: at(0.999),
    max: s[s.length - 1],
    mean: Math.round(s.reduce((a, b) => a + b, 0) / s.length),
    missedCycles: late,
    count: s.length,
  };
}

// ---------------------------------------------------------------- runs

const ourCli = fileURLToPath(new URL('../../bin/isochron.js', import.meta.url));

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

/** The command line that starts an isochron of this kind: ours through node, C directly. */
function isochron(kind: Kind, args: string[]): string[] {
  return kind.binary === null ? [process.execPath, ourCli, ...args] : [kind.binary, ...args];
}

interface Kind {
  label: string;
  /** null: ours. */
  binary: string | null;
}

async function waitListening(ns: string, port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const r = spawnSync('ip', ['netns', 'exec', ns, 'ss', '-Htln', `sport = :${port}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no receiver listening on port ${port} in ${ns} after ${ms} ms`);
}

/** One sender run against its receiver; latencies from the .dat the sender wrote. */
async function run(kind: Kind, nsA: string, nsB: string, cycle: bigint, port: number, dir: string): Promise<Summary> {
  const rcv = spawn('ip', ['netns', 'exec', nsB, ...isochron(kind, ['rcv', '-i', 'vxb', '--omit-hwts', '--stats-port', String(port), '--quiet'])], { stdio: ['ignore', 'ignore', 'pipe'] });
  let rcvErr = '';
  rcv.stderr.on('data', (b: Buffer) => (rcvErr += b.toString()));
  try {
    await waitListening(nsB, port, 10_000);
    const file = join(dir, `${kind.label}-${cycle}.dat`);
    const sec = `0.${cycle.toString().padStart(9, '0')}`;
    const r = spawnSync('ip', ['netns', 'exec', nsA, ...isochron(kind, ['send', '-i', 'vxa', '--omit-sync', '--omit-remote-sync', '--omit-hwts',
      '--client', '10.199.0.2', '--stats-port', String(port), '--cycle-time', sec, '--num-frames', String(FRAMES), '--frame-size', '64',
      '--sched-fifo', '--sched-priority', '90', '--cpu-mask', String(1 << PIN_CPU), '--quiet', '--output-file', file])], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${kind.label} send failed (${r.status ?? r.signal}): ${r.stderr}\nreceiver: ${rcvErr}`);
    return latencies(file, cycle);
  } finally {
    rcv.kill('SIGKILL');
  }
}

/** w - (S - A) of every sent packet in a .dat, and the wakeups a cycle or more late. */
function latencies(file: string, cycle: bigint): Summary {
  const { send, header } = readDatFile(file);
  const lat = send.filter((s) => s.seqid !== 0).map((s) => Number(s.wakeup - (s.scheduled - header.advanceTime)));
  return summarize(lat, lat.filter((l) => l >= Number(cycle)).length);
}

function row(label: string, s: Summary): string {
  const us = (ns: number): string => (ns / 1000).toFixed(1).padStart(9);
  return `${label.padEnd(18)}${us(s.min)}${us(s.p50)}${us(s.p99)}${us(s.p99_9)}${us(s.max)}${String(s.missedCycles).padStart(8)}`;
}

async function parent(): Promise<void> {
  const tag = `bj${process.pid}`;
  const nsA = `${tag}a`;
  const nsB = `${tag}b`;
  const dir = mkdtempSync(join(tmpdir(), 'isochron-bench-'));
  const cleanup = (): void => {
    spawnSync('ip', ['netns', 'del', nsA]);
    spawnSync('ip', ['netns', 'del', nsB]);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  ip(['netns', 'add', nsA]);
  ip(['netns', 'add', nsB]);
  ip(['link', 'add', 'vxa', 'netns', nsA, 'address', '02:00:00:00:0a:01', 'type', 'veth', 'peer', 'name', 'vxb', 'netns', nsB, 'address', '02:00:00:00:0b:02']);
  for (const [ns, dev, addr] of [[nsA, 'vxa', '10.199.0.1/24'], [nsB, 'vxb', '10.199.0.2/24']]) {
    ip(['-n', ns, 'addr', 'add', addr, 'dev', dev]);
    ip(['-n', ns, 'link', 'set', dev, 'up']);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const c = process.env.ISOCHRON_C;
  console.log(`sender wakeup latency w - (S - A) from the .dat, ${FRAMES} frames, send --client to its own kind of rcv, SCHED_FIFO 90, pinned to CPU ${PIN_CPU}, veth, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
  console.log(`${'case (us)'.padEnd(18)}${'min'.padStart(9)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'p99_9'.padStart(9)}${'max'.padStart(9)}${'missed'.padStart(8)}`);
  let port = 5029;
  for (const k of CASES) {
    const mine = await run({ label: 'ours', binary: null }, nsA, nsB, k.cycle, port++, dir);
    console.log(row(`ours ${k.name}`, mine));
    if (c) {
      const cs = await run({ label: 'C', binary: c }, nsA, nsB, k.cycle, port++, dir);
      console.log(row(`C ${k.name}`, cs));
      console.log(`${'ratio ours/C'.padEnd(18)}${(['min', 'p50', 'p99', 'p99_9', 'max'] as const).map((f) => (mine[f] / Math.max(1, cs[f])).toFixed(2).padStart(9)).join('')}`);
    }
  }
  if (!c) console.log('ISOCHRON_C is unset: no C sender to compare with (set it to a C isochron binary, omit-hwts branch).');
}

await parent();
