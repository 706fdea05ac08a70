// Management round trips against a daemon on loopback: GETs per second
// and latency percentiles (one request in flight, as the orchestrator
// does), plus the daemon's idle RSS. With ISOCHRON_C (a C isochron binary)
// the C daemon is measured the same way beside ours. The C daemon writes
// each reply's header and payload in two writes, so a round trip waits on
// Nagle + delayed ACK (~40 ms): every measurement is bounded by time too,
// and the line says how many requests were done.
//
//   node dist/bench/mgmt.js [requests=20000] [seconds=10]
import { spawnSync } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeGet, encodeSet, ManagementReader, Mid } from '../src/engine/mgmt/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Summary {
  /** Requests measured (fewer than asked when the time bound hit first). */
  done: number;
  rps: number;
  p50: number;
  p99: number;
  p99_9: number;
  max: number;
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? -1);
}

/** A port nobody listens on right now (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once `path` exists (a daemonizing process wrote its pid file), or throws after `ms`. */
async function waitForFile(path: string, ms: number): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const text = readFileSync(path, 'utf8');
      if (text.trim() !== '') return text;
    } catch {
      // not there yet
    }
    if (Date.now() > until) throw new Error(`${path} did not appear within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function roundTrips(port: number, n: number, seconds: number): Promise<Summary> {
  const sock: Socket = await new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
  sock.setNoDelay(true);
  const reader = new ManagementReader({ accept: 'responses' });
  let waiting: (() => void) | null = null;
  sock.on('data', (b: Buffer) => {
    for (const ev of reader.push(b)) if (ev.type === 'message') waiting?.();
  });
  const ask = (msg: Buffer): Promise<void> =>
    new Promise((resolve) => {
      waiting = resolve;
      sock.write(msg);
    });
  try {
    await ask(encodeSet(Mid.NODE_ROLE, 'sender'));
    const req = encodeGet(Mid.TEST_STATE);
    // Warm-up: 1000 requests or 1 s, whichever comes first.
    const warmUntil = process.hrtime.bigint() + 1_000_000_000n;
    for (let i = 0; i < 1000 && process.hrtime.bigint() < warmUntil; i++) await ask(req);
    const lat = new Float64Array(n);
    const t0 = process.hrtime.bigint();
    const until = t0 + BigInt(Math.round(seconds * 1e9));
    let done = 0;
    while (done < n) {
      const s = process.hrtime.bigint();
      if (s >= until) break;
      await ask(req);
      lat[done++] = Number(process.hrtime.bigint() - s) / 1000;
    }
    const total = Number(process.hrtime.bigint() - t0) / 1e9;
    const measured = lat.subarray(0, done).sort();
    const q = (p: number): number => measured[Math.min(done - 1, Math.floor(p * done))];
    return { done, rps: done / total, p50: q(0.5), p99: q(0.99), p99_9: q(0.999), max: measured[done - 1] };
  } finally {
    sock.destroy();
  }
}

function line(name: string, s: Summary, asked: number): string {
  const count = s.done < asked ? `${s.done} of ${asked} requests (time bound)` : `${s.done} requests`;
  return `${name.padEnd(10)} ${Math.round(s.rps).toString().padStart(8)} GET/s   p50 ${s.p50.toFixed(1)} us   p99 ${s.p99.toFixed(1)} us   p99.9 ${s.p99_9.toFixed(1)} us   max ${s.max.toFixed(1)} us   ${count}`;
}

/** Stops a daemon we started; it may already be gone. */
function stop(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already exited
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20_000);
  const seconds = Number(process.argv[3] ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'isobench-'));
  try {
    console.log(`management GET round trips on loopback, at most ${n} requests or ${seconds} s each, one in flight`);
    const port = await freePort();
    const start = spawnSync(process.execPath, [join(root, 'bin', 'isochron.js'), 'daemon', '-P', String(port), '-S', '127.0.0.1', '-p', join(dir, 'pid')]);
    if (start.status !== 0) throw new Error(start.stderr.toString());
    const pid = Number(await waitForFile(join(dir, 'pid'), 5000));
    try {
      await new Promise((r) => setTimeout(r, 500));
      const idle = rssKb(pid);
      console.log(line('ours', await roundTrips(port, n, seconds), n));
      console.log(`ours idle RSS ${(idle / 1024).toFixed(1)} MB (target < 60 MB), after the run ${(rssKb(pid) / 1024).toFixed(1)} MB`);
    } finally {
      stop(pid);
    }
    const c = process.env.ISOCHRON_C;
    if (!c) {
      console.log('C daemon: ISOCHRON_C not set, not measured');
      return;
    }
    const cport = await freePort();
    const cpidFile = join(dir, 'c.pid');
    let cpid = 0;
    try {
      const r = spawnSync(c, ['daemon', '-P', String(cport), '-S', '127.0.0.1', '-p', cpidFile]);
      // Read the pid file even when the start failed: a daemon that forked
      // and then reported an error may still be running.
      cpid = Number(await waitForFile(cpidFile, r.status === 0 ? 5000 : 200).catch(() => '0'));
      if (r.status !== 0) throw new Error(`C daemon: ${r.stderr.toString()}`);
      if (!cpid) throw new Error('C daemon: no pid file');
      await new Promise((res) => setTimeout(res, 300));
      const idle = rssKb(cpid);
      console.log(line('C', await roundTrips(cport, n, seconds), n));
      console.log(`C idle RSS ${(idle / 1024).toFixed(1)} MB, after the run ${(rssKb(cpid) / 1024).toFixed(1)} MB`);
    } finally {
      if (cpid) stop(cpid);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
