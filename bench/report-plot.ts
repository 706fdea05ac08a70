// Benchmark of report's plots and histogram on a 1 000 000-packet file
// written by our own DatWriter: realistic timestamps, every 1000th packet
// lost, every 500th TX timestamp late (a deadline miss) and every 100 000th
// packet a far outlier. Runs the real CLI and prints, per run, wall time,
// peak RSS of the child (via /usr/bin/time when present) and the size of
// the file written. The target: the HTML page of 1 000 000 packets
// in under 10 s and under 10 MB. The C tool has no plots: no comparison.
import { spawn } from 'node:child_process';
import { openSync, closeSync, mkdtempSync, rmSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DatWriter } from '../src/engine/dat/writer.js';
import { DatFlags } from '../src/engine/dat/layout.js';

const PACKETS = Number(process.env.BENCH_PACKETS ?? 1_000_000);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repoRoot, 'bin', 'isochron.js');

function generate(path: string): void {
  let x = 4242;
  const rnd = (lo: number, hi: number): bigint => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return BigInt(lo + (x % (hi - lo + 1)));
  };
  const base = 1_795_674_900_000_000_000n;
  const cycle = 1_000_000n;
  const advance = 25_000n;
  const w = DatWriter.create(path, {
    packetCount: PACKETS, frameSize: 64, flags: DatFlags.OMIT_SYNC | DatFlags.DO_TS,
    baseTime: base, advanceTime: advance, shiftTime: 0n, cycleTime: cycle, windowSize: 0n,
  }, { sendSlots: PACKETS, rcvSlots: PACKETS });
  for (let i = 1; i <= PACKETS; i++) {
    const scheduled = base + BigInt(i - 1) * cycle;
    const wakeup = scheduled - advance + rnd(2_000, 12_000) + (i % 500 === 0 ? 20_000n : 0n);
    const schedTs = wakeup + rnd(3_000, 6_000);
    const swts = schedTs + rnd(1_000, 3_000);
    const hwts = swts + rnd(500, 1_500);
    w.putSend({ seqid: i, scheduled, wakeup, hwts, swts, schedTs });
    if (i % 1000 === 0) continue;
    const rxHw = hwts + rnd(1_500, 4_000) + (i % 100_000 === 0 ? 5_000_000n : 0n);
    w.putRcv({ seqid: i, arrival: rxHw + rnd(10_000, 40_000), hwts: rxHw, swts: rxHw + rnd(2_000, 9_000) });
  }
  w.close();
}

interface Run {
  wallMs: number;
  /** User + system CPU time of the child (from /usr/bin/time): on a loaded machine closer to the unloaded wall time. */
  cpuMs: number | null;
  maxRssMb: number | null;
  status: number | null;
}

/** Runs the CLI with stdout to /dev/null; peak RSS via /usr/bin/time -v when present. */
function timed(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const devnull = openSync('/dev/null', 'w');
    const useTime = existsSync('/usr/bin/time');
    const argv = useTime ? ['-v', process.execPath, cli, ...args] : [cli, ...args];
    const t0 = process.hrtime.bigint();
    const child = spawn(useTime ? '/usr/bin/time' : process.execPath, argv, { stdio: ['ignore', devnull, 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      closeSync(devnull);
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const user = /User time \(seconds\): ([\d.]+)/.exec(err);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
      if (status !== 0) process.stderr.write(err);
      resolve({
        wallMs: Number(process.hrtime.bigint() - t0) / 1e6,
        cpuMs: user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : null,
        maxRssMb: m ? Number(m[1]) / 1024 : null,
        status,
      });
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-bench-plot-'));
  try {
    const file = join(dir, 'bench.dat');
    const g0 = process.hrtime.bigint();
    generate(file);
    console.log(`generated ${PACKETS} packets with DatWriter in ${(Number(process.hrtime.bigint() - g0) / 1e6).toFixed(0)} ms`);
    const html = join(dir, 'plot.html');
    const svg = join(dir, 'plot.svg');
    const runs: [string, string[], string | undefined][] = [
      ['summary --format json', ['report', '-F', file, '--format', 'json'], undefined],
      ['--histogram path-delay', ['report', '-F', file, '--histogram', 'path-delay'], undefined],
      ['--plot plot.svg', ['report', '-F', file, '--plot', svg], svg],
      ['--plot plot.html', ['report', '-F', file, '--plot', html], html],
    ];
    for (const [label, args, out] of runs) {
      const r = await timed(args);
      const rss = r.maxRssMb === null ? 'n/a' : `${r.maxRssMb.toFixed(1)} MB`;
      const size = out && existsSync(out) ? `  file ${(statSync(out).size / 1e6).toFixed(2)} MB` : '';
      const cpu = r.cpuMs === null ? '' : `  CPU ${r.cpuMs.toFixed(0)} ms`;
      console.log(`${label.padEnd(24)} ${r.wallMs.toFixed(0).padStart(7)} ms${cpu}  peak RSS ${rss}${size}  (exit ${r.status})`);
    }
    console.log('target: --plot plot.html of 1 000 000 packets in under 10 000 ms and under 10 MB');
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times grow with it; CPU times much less)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
