// Sender wakeup latency: w - (S - A) for every packet (w = the wakeup the
// send thread read after clock_nanosleep, S = scheduled, A = advance), and
// missed cycles (a wakeup a whole cycle or more late), for 10 000 frames at
// 1 ms and at 100 us, 400 at 5 ms and 60 at 50 ms, SCHED_FIFO 90, pinned to
// one CPU, over a veth pair in two namespaces this script creates and
// deletes. Then ROUNDS rounds at 1 ms x 10 000 frames alternating ours and
// C: p99 and worst per round, the median p99 and the worst of each.
//
// Both senders run the same way: through their CLI with identical
// arguments, with --client to a receiver of the same kind (our rcv for ours,
// the C rcv for C), and the latencies are read from the .dat each writes,
// by the same code. Without ISOCHRON_C only ours runs; with it (a C
// isochron binary, omit-hwts branch) the C pair runs the same cases and the
// ratio is printed.
//
//   node dist/bench/sender-jitter.js            (as root; npm run build first)
//   node dist/bench/sender-jitter.js --quick    (a tenth of the frames, 2 rounds: checks it works)
//   node dist/bench/sender-jitter.js --table | --rounds   (one part only)
//   node dist/bench/sender-jitter.js --progress   (ours only: ROUNDS rounds with the live
//        status line drawn on a pseudo-terminal (util-linux script) alternating with the
//        same sender piped (no line): the line must not change the send thread's timing)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDatFile } from '../src/engine/dat/reader.js';

const QUICK = process.argv.includes('--quick');
const PARTS = process.argv.includes('--table') ? ['table'] : process.argv.includes('--rounds') ? ['rounds']
  : process.argv.includes('--progress') ? ['progress'] : ['table', 'rounds'];
const scale = (n: number): number => (QUICK ? Math.max(10, Math.round(n / 10)) : n);
const CASES = [
  { name: '1 ms', cycle: 1_000_000n, frames: scale(10_000) },
  { name: '100 us', cycle: 100_000n, frames: scale(10_000) },
  // Long cycles: few frames, so a case stays a few seconds; what they show is
  // the first wakeups (the warm-up used to push them late) and missed cycles.
  { name: '5 ms', cycle: 5_000_000n, frames: scale(400) },
  { name: '50 ms', cycle: 50_000_000n, frames: scale(60) },
];
const ROUNDS = QUICK ? 2 : 5;
const ROUND_CASE = { name: '1 ms', cycle: 1_000_000n, frames: scale(10_000) };
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

/** A shell word, for the command line `script -c` runs. */
const shellWord = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * One sender run against its receiver; latencies from the .dat the sender
 * wrote. `terminal`: the sender's stdout and stderr are a pseudo-terminal
 * (so ours draws its status line), else pipes.
 */
async function run(kind: Kind, nsA: string, nsB: string, cycle: bigint, frames: number, port: number, dir: string, terminal = false): Promise<Summary> {
  const rcv = spawn('ip', ['netns', 'exec', nsB, ...isochron(kind, ['rcv', '-i', 'vxb', '--omit-hwts', '--stats-port', String(port), '--quiet'])], { stdio: ['ignore', 'ignore', 'pipe'] });
  let rcvErr = '';
  rcv.stderr.on('data', (b: Buffer) => (rcvErr += b.toString()));
  try {
    await waitListening(nsB, port, 10_000);
    const file = join(dir, `${kind.label}-${cycle}-${port}.dat`);
    const sec = `${cycle / 1_000_000_000n}.${(cycle % 1_000_000_000n).toString().padStart(9, '0')}`;
    const send = isochron(kind, ['send', '-i', 'vxa', '--omit-sync', '--omit-remote-sync', '--omit-hwts',
      '--client', '10.199.0.2', '--stats-port', String(port), '--cycle-time', sec, '--num-frames', String(frames), '--frame-size', '64',
      '--sched-fifo', '--sched-priority', '90', '--cpu-mask', String(1 << PIN_CPU), '--quiet', '--output-file', file]);
    const argv = terminal ? ['script', '-qfec', send.map(shellWord).join(' '), '/dev/null'] : send;
    const r = spawnSync('ip', ['netns', 'exec', nsA, ...argv], { encoding: 'utf8', timeout: 120_000 });
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
  return `${label.padEnd(24)}${us(s.min)}${us(s.p50)}${us(s.p99)}${us(s.p99_9)}${us(s.max)}${String(s.missedCycles).padStart(8)}`;
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
  if (!c) console.log('ISOCHRON_C not set: measuring ours only (set it to a C isochron binary, omit-hwts branch, to compare).');
  const ours: Kind = { label: 'ours', binary: null };
  const cKind: Kind | null = c ? { label: 'C', binary: c } : null;
  let port = 5029;
  if (PARTS.includes('table')) {
    console.log(`sender wakeup latency w - (S - A) from the .dat, send --client to its own kind of rcv, SCHED_FIFO 90, pinned to CPU ${PIN_CPU}, veth, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
    console.log(`${'case (us)'.padEnd(24)}${'min'.padStart(9)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'p99_9'.padStart(9)}${'max'.padStart(9)}${'missed'.padStart(8)}`);
    const perCycle: Array<{ name: string; frames: number; mine: Summary; theirs: Summary | null }> = [];
    for (const k of CASES) {
      const mine = await run(ours, nsA, nsB, k.cycle, k.frames, port++, dir);
      console.log(row(`ours ${k.name} x ${k.frames}`, mine));
      let theirs: Summary | null = null;
      if (cKind) {
        theirs = await run(cKind, nsA, nsB, k.cycle, k.frames, port++, dir);
        console.log(row(`C ${k.name} x ${k.frames}`, theirs));
        console.log(`${'ratio ours/C'.padEnd(24)}${(['min', 'p50', 'p99', 'p99_9', 'max'] as const).map((f) => (mine[f] / Math.max(1, theirs![f])).toFixed(2).padStart(9)).join('')}`);
      }
      perCycle.push({ name: k.name, frames: k.frames, mine, theirs });
    }
    console.log('\nper cycle time: worst wakeup (us) and missed cycles, ours beside C (same run)');
    console.log(`${'cycle x frames'.padEnd(20)}${'ours worst'.padStart(12)}${'ours missed'.padStart(13)}${'C worst'.padStart(12)}${'C missed'.padStart(10)}`);
    for (const r of perCycle) {
      const cw = r.theirs ? (r.theirs.max / 1000).toFixed(1) : '-';
      const cm = r.theirs ? String(r.theirs.missedCycles) : '-';
      console.log(`${`${r.name} x ${r.frames}`.padEnd(20)}${(r.mine.max / 1000).toFixed(1).padStart(12)}${String(r.mine.missedCycles).padStart(13)}${cw.padStart(12)}${cm.padStart(10)}`);
    }
  }
  if (PARTS.includes('rounds')) {
    const k = ROUND_CASE;
    console.log(`\n${ROUNDS} rounds at ${k.name} x ${k.frames} frames${cKind ? ', alternating ours and C' : ''}: p99 and worst wakeup (us) per round`);
    const mineRounds: Summary[] = [];
    const theirRounds: Summary[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      // Alternate who goes first, so neither always gets the warmer machine.
      const order: Kind[] = cKind ? (i % 2 === 1 ? [ours, cKind] : [cKind, ours]) : [ours];
      for (const kind of order) {
        const s = await run(kind, nsA, nsB, k.cycle, k.frames, port++, dir);
        (kind === ours ? mineRounds : theirRounds).push(s);
        console.log(`round ${i} ${kind.label.padEnd(5)} p99 ${(s.p99 / 1000).toFixed(1).padStart(9)}  worst ${(s.max / 1000).toFixed(1).padStart(9)}  missed ${s.missedCycles}`);
      }
    }
    const median = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const sum = (label: string, rs: Summary[]): void => {
      if (rs.length === 0) return;
      console.log(`${label.padEnd(6)} median p99 ${(median(rs.map((r) => r.p99)) / 1000).toFixed(1).padStart(9)}  worst of all rounds ${(Math.max(...rs.map((r) => r.max)) / 1000).toFixed(1).padStart(9)}`);
    };
    sum('ours', mineRounds);
    sum('C', theirRounds);
    if (theirRounds.length > 0) {
      const p99Ratio = median(mineRounds.map((r) => r.p99)) / Math.max(1, median(theirRounds.map((r) => r.p99)));
      const worstRatio = Math.max(...mineRounds.map((r) => r.max)) / Math.max(1, Math.max(...theirRounds.map((r) => r.max)));
      console.log(`ours/C: median p99 ${p99Ratio.toFixed(2)} (target <= 1), worst ${worstRatio.toFixed(2)} (target <= 1.5)`);
    }
  }
  if (PARTS.includes('progress')) {
    const k = ROUND_CASE;
    console.log(`\n${ROUNDS} rounds at ${k.name} x ${k.frames} frames, ours, alternating the status line drawn on a pseudo-terminal and piped: p99 and worst wakeup (us)`);
    const drawn: Summary[] = [];
    const piped: Summary[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      for (const terminal of i % 2 === 1 ? [true, false] : [false, true]) {
        const s = await run(ours, nsA, nsB, k.cycle, k.frames, port++, dir, terminal);
        (terminal ? drawn : piped).push(s);
        console.log(`round ${i} ${(terminal ? 'line' : 'piped').padEnd(6)} p99 ${(s.p99 / 1000).toFixed(1).padStart(9)}  worst ${(s.max / 1000).toFixed(1).padStart(9)}  missed ${s.missedCycles}`);
      }
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    for (const [label, rs] of [['line', drawn], ['piped', piped]] as const) {
      console.log(`${label.padEnd(6)} median p99 ${(median(rs.map((r) => r.p99)) / 1000).toFixed(1).padStart(9)}  worst of all rounds ${(Math.max(...rs.map((r) => r.max)) / 1000).toFixed(1).padStart(9)}`);
    }
    console.log(`line/piped: median p99 ${(median(drawn.map((r) => r.p99)) / Math.max(1, median(piped.map((r) => r.p99)))).toFixed(2)} (target <= 1 within the run-to-run noise)`);
  }
}

await parent();
