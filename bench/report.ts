// Benchmark of `isochron report` on a 1 000 000-packet file written by our
// own DatWriter (realistic timestamps, every 1000th packet lost). Times
// `--summary`, `--summary --format json` (with percentiles, which hold every
// used packet's metric values) and a printf run through the real CLI with
// stdout to /dev/null, and prints wall time, packets/s and peak RSS of the
// child. With ISOCHRON_C set to a C isochron binary, each run is timed for it
// too (the JSON run against the C tool's plain `--summary`, the nearest thing
// it has) and the ratio printed.
import { spawn } from 'node:child_process';
import { openSync, closeSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchPackets } from './report-packets.js';
import { generateDat } from './dat-gen.js';

const PACKETS = Number(process.env.BENCH_PACKETS ?? 1_000_000);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repoRoot, 'bin', 'isochron.js');

interface Run {
  wallMs: number;
  maxRssMb: number | null;
  status: number | null;
}

/** Runs a command with stdout to /dev/null; peak RSS via /usr/bin/time -v when present. */
function timed(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const devnull = openSync('/dev/null', 'w');
    const useTime = existsSync('/usr/bin/time');
    const argv = useTime ? ['-v', cmd, ...args] : args;
    const t0 = process.hrtime.bigint();
    const child = spawn(useTime ? '/usr/bin/time' : cmd, argv, { stdio: ['ignore', devnull, 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      closeSync(devnull);
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      resolve({ wallMs, maxRssMb: m ? Number(m[1]) / 1024 : null, status });
    });
  });
}

function line(label: string, r: Run): string {
  const rate = (PACKETS / (r.wallMs / 1000)).toFixed(0);
  const rss = r.maxRssMb === null ? 'n/a' : `${r.maxRssMb.toFixed(1)} MB`;
  return `${label.padEnd(28)} ${r.wallMs.toFixed(0).padStart(7)} ms  ${rate.padStart(10)} pkt/s  peak RSS ${rss}  (exit ${r.status})`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-bench-'));
  try {
    const file = join(dir, 'bench.dat');
    const g0 = process.hrtime.bigint();
    generateDat(file, PACKETS);
    console.log(`generated ${PACKETS} packets with DatWriter in ${(Number(process.hrtime.bigint() - g0) / 1e6).toFixed(0)} ms`);
    const summary = ['report', '-F', file, '--summary'];
    const printf = ['report', '-F', file, '--printf-format', '%u %T %T\\n', '--printf-args', 'qSR'];
    // label, our argv, the C tool's argv for the same question
    const runs: [string, string[], string[]][] = [
      ['summary', summary, summary],
      ['summary --format json', [...summary, '--format', 'json'], summary],
      ['printf %u %T %T (qSR)', printf, printf],
    ];
    const cBin = process.env.ISOCHRON_C;
    if (!cBin) console.log('ISOCHRON_C not set: C comparison skipped');
    for (const [label, args, cArgs] of runs) {
      const ours = await timed(process.execPath, [cli, ...args]);
      console.log(line(`ours  ${label}`, ours));
      if (cBin) {
        const c = await timed(cBin, cArgs);
        console.log(line(`C     ${cArgs === args ? label : 'summary (plain)'}`, c));
        console.log(`      rate ours/C: ${(c.wallMs / ours.wallMs).toFixed(2)}x`);
      }
    }
    await benchPackets(file, cli, cBin, { timed, line });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
