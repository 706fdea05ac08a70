// The `report --packets jsonl` part of bench/report.ts: our per-packet export
// of a file against the C tool's --printf-format printing the same columns
// it can print (seqid and the eight timestamps) with the same JSON keys; C
// has no metric variables, so ours writes eight columns more per row. The
// issue's target: within 1.5x C's time, peak RSS under 200 MB. Each side runs
// BENCH_RUNS times (default 3), interleaved, because the machine is shared;
// the median wall time and the highest peak RSS are printed.

/** One timed child run, as bench/report.ts measures it. */
export interface TimedRun {
  wallMs: number;
  maxRssMb: number | null;
  status: number | null;
}

export interface PacketsBenchIo {
  /** Runs a command with stdout to /dev/null and measures it. */
  timed(cmd: string, args: string[]): Promise<TimedRun>;
  /** One printed result line. */
  line(label: string, r: TimedRun): string;
}

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const TARGET_TIME_RATIO = 1.5;
const TARGET_RSS_MB = 200;

/** The --packets jsonl columns that the C printf has variables for, with their letters. */
const C_COLUMNS: [string, string, string][] = [
  ['seqid', 'q', '%u'], ['scheduled', 'S', '%d'], ['wakeup', 'w', '%d'], ['tx-hw-timestamp', 'T', '%d'],
  ['tx-sw-timestamp', 't', '%d'], ['tx-sched-timestamp', 's', '%d'], ['arrival', 'a', '%d'],
  ['rx-hw-timestamp', 'R', '%d'], ['rx-sw-timestamp', 'r', '%d'],
];

function median(runs: TimedRun[]): TimedRun {
  const walls = runs.map((r) => r.wallMs).sort((a, b) => a - b);
  const rss = runs.map((r) => r.maxRssMb).filter((m): m is number => m !== null);
  return {
    wallMs: walls[Math.floor((walls.length - 1) / 2)],
    maxRssMb: rss.length ? Math.max(...rss) : null,
    status: runs.find((r) => r.status !== 0)?.status ?? 0,
  };
}

/** Times `report --packets jsonl` on `file` (and the C printf when cBin is set); prints the numbers. */
export async function benchPackets(file: string, cli: string, cBin: string | undefined, io: PacketsBenchIo): Promise<void> {
  const format = `{${C_COLUMNS.map(([key, , d]) => `"${key}":${d}`).join(',')}}\\n`;
  const printf = ['report', '-F', file, '--printf-format', format, '--printf-args', C_COLUMNS.map(([, l]) => l).join('')];
  const packets = ['report', '-F', file, '--packets', 'jsonl'];
  const ours: TimedRun[] = [];
  const oursPrintf: TimedRun[] = [];
  const c: TimedRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(await io.timed(process.execPath, [cli, ...packets]));
    oursPrintf.push(await io.timed(process.execPath, [cli, ...printf]));
    if (cBin) c.push(await io.timed(cBin, printf));
  }
  console.log(`--packets jsonl: median of ${RUNS} run(s) (BENCH_RUNS), interleaved`);
  const o = median(ours);
  console.log(io.line('ours  packets jsonl', o));
  console.log(io.line('ours  printf, same columns as JSON', median(oursPrintf)));
  const rssOk = o.maxRssMb === null ? 'n/a' : o.maxRssMb < TARGET_RSS_MB ? 'yes' : 'NO';
  if (!cBin) {
    console.log(`ISOCHRON_C not set: no C printf to compare --packets jsonl with (peak RSS under ${TARGET_RSS_MB} MB: ${rssOk})`);
    return;
  }
  const m = median(c);
  console.log(io.line('C     printf, same columns as JSON', m));
  const ratio = o.wallMs / m.wallMs;
  console.log(`      time ours/C: ${ratio.toFixed(2)}x (target <= ${TARGET_TIME_RATIO}x: ${ratio <= TARGET_TIME_RATIO ? 'yes' : 'NO'}),` +
    ` peak RSS under ${TARGET_RSS_MB} MB: ${rssOk}`);
}
