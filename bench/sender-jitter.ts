// Sender wakeup latency: w - (S - A) for every packet (w = the wakeup the
// send thread read after clock_nanosleep, S = scheduled, A = advance), and
// missed cycles (a wakeup a whole cycle or more late), for 10 000 frames at
// 1 ms and at 100 us, SCHED_FIFO 90, pinned to one CPU, over a veth pair in
// two namespaces this script creates and deletes. With ISOCHRON_C set, the C
// sender runs the same cases on the same setup (against the C receiver,
// latencies read from its .dat) and the ratio is printed.
//
//   node dist/bench/sender-jitter.js            (as root; npm run build first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SendOptions } from '../src/cli/options/send.js';

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

// ---------------------------------------------------------------- child

async function child(cycle: bigint): Promise<void> {
  const { planSend } = await import('../src/send/plan.js');
  const { sendWithPlan } = await import('../src/send/run.js');
  const { collectingIo } = await import('../src/send/io.js');
  const options: SendOptions = {
    interface: 'vxa', destinationMac: Buffer.from('02000000000b02', 'hex').subarray(0, 6), sourceMac: null,
    priority: 0n, statsPort: 5000n, baseTime: 0n, advanceTime: cycle, shiftTime: 0n, cycleTime: cycle,
    windowSize: 0n, numFrames: BigInt(FRAMES), frameSize: 64n, timestamping: true, vid: null, client: null,
    quiet: true, etype: 0xdeadn, omitSync: true, omitRemoteSync: true, tracemark: false, taprio: false,
    txtime: false, deadline: false, schedPriority: 90n, schedFifo: true, schedRr: false, utcTaiOffset: null,
    ipDestination: null, transport: 'l2', dataPort: 6000n, domainNumber: 0n, transportSpecific: 0n,
    unixDomainSocket: '/var/run/ptp4l', syncThreshold: null, numReadings: 5n, outputFile: 'isochron.dat',
    cpuMask: 1n << BigInt(PIN_CPU), omitHwts: true,
  };
  const latencies: number[] = [];
  let late = 0;
  await sendWithPlan(planSend(options), {
    io: collectingIo(),
    session: {
      onSent: (_seqid, scheduled, wakeup) => {
        const l = Number(wakeup - (scheduled - cycle));
        latencies.push(l);
        if (l >= Number(cycle)) late++;
      },
    },
  });
  process.stdout.write(JSON.stringify(summarize(latencies, late)));
}

// ---------------------------------------------------------------- parent

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

function ours(ns: string, cycle: bigint): Summary {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, self, '--child', String(cycle)], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Summary;
}

async function theirs(c: string, nsA: string, nsB: string, cycle: bigint, dir: string): Promise<Summary> {
  const { readDatFile } = await import('../src/dat/reader.js');
  const { spawn } = await import('node:child_process');
  const rcv = spawn('ip', ['netns', 'exec', nsB, c, 'rcv', '-i', 'vxb', '--omit-hwts', '--stats-port', '5029', '--quiet'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1000));
  const file = join(dir, `c-${cycle}.dat`);
  const sec = `0.${cycle.toString().padStart(9, '0')}`;
  const r = spawnSync('ip', ['netns', 'exec', nsA, c, 'send', '-i', 'vxa', '--omit-sync', '--omit-remote-sync', '--omit-hwts',
    '--client', '10.199.0.2', '--stats-port', '5029', '--cycle-time', sec, '--num-frames', String(FRAMES), '--frame-size', '64',
    '--sched-fifo', '--sched-priority', '90', '--cpu-mask', String(1 << PIN_CPU), '--quiet', '--output-file', file], { encoding: 'utf8', timeout: 120_000 });
  rcv.kill('SIGKILL');
  if (r.status !== 0) throw new Error(`C send failed (${r.status}): ${r.stderr}`);
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
  console.log(`sender wakeup latency w - (S - A), ${FRAMES} frames, SCHED_FIFO 90, pinned to CPU ${PIN_CPU}, veth, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
  console.log(`${'case (us)'.padEnd(18)}${'min'.padStart(9)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'p99_9'.padStart(9)}${'max'.padStart(9)}${'missed'.padStart(8)}`);
  for (const k of CASES) {
    const mine = ours(nsA, k.cycle);
    console.log(row(`ours ${k.name}`, mine));
    if (c) {
      const cs = await theirs(c, nsA, nsB, k.cycle, dir);
      console.log(row(`C ${k.name}`, cs));
      console.log(`${'ratio ours/C'.padEnd(18)}${(['min', 'p50', 'p99', 'p99_9', 'max'] as const).map((f) => (mine[f] / Math.max(1, cs[f])).toFixed(2).padStart(9)).join('')}`);
    }
  }
  if (!c) console.log('ISOCHRON_C is unset: no C sender to compare with (set it to a C isochron binary, omit-hwts branch).');
}

if (process.argv[2] === '--child') await child(BigInt(process.argv[3]));
else await parent();
