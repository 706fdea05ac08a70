// The send loop alone, to tell what a stall of the send thread is: the real
// runSendLoop in a worker thread (SCHED_FIFO 90, pinned), its real warm-up
// and young-generation settling, then FRAMES frames at 1 ms into an AF_UNIX
// datagram pair whose peer drops them (no network, no other thread of ours
// running). Over the run proper (from just before the first wakeup):
//   - every collection of the worker's isolate (v8.GCProfiler: exact, and
//     synchronous, so it works while the loop holds the thread);
//   - the thread's own context switches and page faults (/proc/thread-self):
//     voluntary switches beyond one per sleep mean the thread blocked (a
//     page fault waiting on the mmap lock, a mutex); involuntary ones mean
//     it was preempted while running;
//   - the stalls: wakeups more than STALL_US late.
// A stall with no collection, no extra blocking and no preemption is a
// wakeup the CPU did not give the thread in time (another real-time task or
// kernel work on that CPU): the machine, not the loop.
//
//   node dist/bench/send-loop-stalls.js [frames] [runs]    (as root; npm run build first)
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { GCProfiler } from 'node:v8';
import { runSendLoop, settleYoungGeneration, warmUp } from '../workers/send-loop.js';
import { DiscardSink } from '../workers/discard-sink.js';
import { RecordRing } from '../workers/ring.js';
import { LoopControl } from '../workers/control.js';
import { TaiClock, tsFromNs } from '../workers/timespec.js';
import { SENT_RECORD_WORDS, type SendLoopParams } from '../workers/contract.js';
import { clockGettime } from '../src/sys/time.js';
import { CLOCK_TAI } from '../src/sys/constants.js';
import { setAffinity, setScheduler } from '../src/sys/sched.js';
import type { TimestampSource } from '../src/sys/boundary.js';

const STALL_US = 500;
const PIN_CPU = cpus().length > 1 ? 1 : 0;

interface Counters {
  voluntary: number;
  involuntary: number;
  minflt: number;
  majflt: number;
}

function threadCounters(): Counters {
  const status = readFileSync('/proc/thread-self/status', 'utf8');
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const num = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? -1);
  return { voluntary: num('voluntary_ctxt_switches'), involuntary: num('nonvoluntary_ctxt_switches'), minflt: Number(f[10 - 3]), majflt: Number(f[12 - 3]) };
}

interface RunReport {
  frames: number;
  p50: number;
  p99: number;
  worst: number;
  stalls: Array<[number, number]>;
  late: number;
  gcs: Array<{ type: string; costUs: number }>;
  counters: Counters;
}

function worker(frames: number): RunReport {
  setScheduler('fifo', 90);
  setAffinity([PIN_CPU]);
  const out = DiscardSink.open(2048);
  const warm = DiscardSink.open(2048);
  try {
    const src: TimestampSource = {
      get txBuffer() {
        return out.source.txBuffer;
      },
      sendPrepared: (len: number, txtime?: bigint) => {
        const n = out.source.sendPrepared(len, txtime);
        out.drain();
        return n;
      },
      recv: () => null,
      recvErrQueue: () => null,
      close: () => undefined,
    };
    const ring = RecordRing.create(SENT_RECORD_WORDS, frames + 16);
    const p: SendLoopParams = { frame: Buffer.alloc(64, 0xa5), headerOffset: 14, numFrames: frames, firstScheduled: clockGettime(CLOCK_TAI) + 600_000_000n, cycleTime: 1_000_000n, advanceTime: 500_000n, txtime: false };
    const firstWakeup = p.firstScheduled - p.advanceTime;
    const clock = new TaiClock();
    // The loop's own preparation, done here so the profiler sees only the run:
    // runSendLoop then finds its first wakeup within the margin and skips it.
    warmUp(p, clock, warm);
    settleYoungGeneration(clock, tsFromNs(firstWakeup));
    while (clockGettime(CLOCK_TAI) < firstWakeup - 45_000_000n) {
      // Spin to just inside the margin.
    }
    const c0 = threadCounters();
    const prof = new GCProfiler();
    prof.start();
    runSendLoop(src, p, ring, new LoopControl(), clock, null);
    const gc = prof.stop();
    const c1 = threadCounters();
    const lat: number[] = [];
    for (let i = 0; i < ring.readable(); i++) {
      const at = ring.peek(i);
      lat.push(Number(ring.data[at + 2] - (ring.data[at + 1] - p.advanceTime)) / 1000);
    }
    const s = [...lat].sort((a, b) => a - b);
    return {
      frames: lat.length,
      p50: s[s.length >> 1],
      p99: s[Math.floor(s.length * 0.99)],
      worst: s[s.length - 1],
      stalls: lat.map((l, i): [number, number] => [i + 1, l]).filter(([, l]) => l > STALL_US),
      late: lat.filter((l) => l >= 1000).length,
      gcs: gc.statistics.map((g) => ({ type: String(g.gcType), costUs: g.cost })),
      counters: { voluntary: c1.voluntary - c0.voluntary, involuntary: c1.involuntary - c0.involuntary, minflt: c1.minflt - c0.minflt, majflt: c1.majflt - c0.majflt },
    };
  } finally {
    out.close();
    warm.close();
  }
}

async function main(): Promise<void> {
  const frames = Number(process.argv[2] ?? 3000);
  const runs = Number(process.argv[3] ?? 3);
  console.log(`send loop alone: ${runs} runs of ${frames} frames at 1 ms into a discard socket, SCHED_FIFO 90 pinned to CPU ${PIN_CPU}; load average ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  for (let n = 1; n <= runs; n++) {
    const r = await new Promise<RunReport>((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { frames } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const c = r.counters;
    // One sleep per frame, except frames whose wakeup was already past (late by a cycle or more).
    const extraBlocks = c.voluntary - (r.frames - r.late);
    console.log(`run ${n}: p50 ${r.p50.toFixed(1)} us, p99 ${r.p99.toFixed(1)} us, worst ${r.worst.toFixed(0)} us; stalls > ${STALL_US} us: ${r.stalls.length}${r.stalls.length ? ` (${r.stalls.slice(0, 6).map(([q, l]) => `#${q} ${l.toFixed(0)} us`).join(', ')})` : ''}`);
    console.log(`  its isolate's GCs in the run: ${r.gcs.length}${r.gcs.length ? ` (${r.gcs.map((g) => `${g.type} ${g.costUs.toFixed(0)} us`).join(', ')})` : ''}; thread: voluntary switches ${c.voluntary} (${extraBlocks >= 0 ? '+' : ''}${extraBlocks} beyond one per sleep), involuntary ${c.involuntary}, minor faults ${c.minflt}, major ${c.majflt}`);
  }
}

if (isMainThread) await main();
else parentPort?.postMessage(worker((workerData as { frames: number }).frames));
