// Start-up cost of `isochron report` (issue 12: scripts call it many times,
// so a `--summary` of a small file should cost little more than Node itself).
// Writes a 1000-packet file with the same DatWriter generator as
// bench/report.ts, then runs, interleaved round by round so that a burst of
// load on this shared machine hits every command alike:
//   node -e 0                                   (the floor: Node's own start)
//   node bin/isochron.js report -m -F small.dat
//   isochron-report -m -F small.dat             (the argv[0] dispatch, via a symlink)
// and prints the median and p90 wall time of each and their ratio to the floor.
// The target is a median ratio of at most 1.3. Rounds: BENCH_ROUNDS (default 40).
// BENCH_BASELINE_CLI=/other/checkout/bin/isochron.js adds that build's
// `report -m` to the same rounds (a before/after on the same load).
import { spawn } from 'node:child_process';
import { openSync, closeSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateDat } from './dat-gen.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const PACKETS = 1000;
const TARGET_RATIO = 1.3;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repoRoot, 'bin', 'isochron.js');

interface Command {
  label: string;
  file: string;
  args: string[];
  samples: number[];
}

/** Wall time in ms of one run, stdout to /dev/null; rejects on a non-zero exit. */
function timeOnce(file: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const devnull = openSync('/dev/null', 'w');
    const t0 = process.hrtime.bigint();
    const child = spawn(file, args, { stdio: ['ignore', devnull, 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => {
      closeSync(devnull);
      reject(e);
    });
    child.on('close', (status) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      closeSync(devnull);
      if (status !== 0) reject(new Error(`${file} ${args.join(' ')}: exit ${status}: ${err}`));
      else resolve(ms);
    });
  });
}

/** Nearest-rank percentile of a sample (q in 0..1). */
function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-bench-startup-'));
  try {
    const file = join(dir, 'small.dat');
    generateDat(file, PACKETS);
    // An npm-style bin symlink: the program name comes from its basename.
    const reportLink = join(dir, 'isochron-report');
    symlinkSync(cli, reportLink);
    const commands: Command[] = [
      { label: 'node -e 0', file: process.execPath, args: ['-e', '0'], samples: [] },
      { label: 'isochron report -m', file: process.execPath, args: [cli, 'report', '-m', '-F', file], samples: [] },
      { label: 'isochron-report -m', file: process.execPath, args: [reportLink, '-m', '-F', file], samples: [] },
    ];
    const baseline = process.env.BENCH_BASELINE_CLI;
    if (baseline) commands.push({ label: 'baseline report -m', file: process.execPath, args: [baseline, 'report', '-m', '-F', file], samples: [] });
    // One warm-up round (page cache, first-time disk reads), not counted.
    for (const c of commands) await timeOnce(c.file, c.args);
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round so no command always follows another.
      for (let i = 0; i < commands.length; i++) {
        const c = commands[(round + i) % commands.length];
        c.samples.push(await timeOnce(c.file, c.args));
      }
    }
    const floor = commands[0];
    const floorMedian = percentile(floor.samples, 0.5);
    const floorP90 = percentile(floor.samples, 0.9);
    console.log(`${ROUNDS} interleaved rounds, ${PACKETS}-packet file, stdout to /dev/null`);
    for (const c of commands) {
      const median = percentile(c.samples, 0.5);
      const p90 = percentile(c.samples, 0.9);
      const ratio = c === floor ? '' : `  ratio median ${(median / floorMedian).toFixed(2)}x  p90 ${(p90 / floorP90).toFixed(2)}x`;
      console.log(`${c.label.padEnd(22)} median ${median.toFixed(1).padStart(7)} ms  p90 ${p90.toFixed(1).padStart(7)} ms${ratio}`);
    }
    console.log(`target: median ratio <= ${TARGET_RATIO}x of node -e 0`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
