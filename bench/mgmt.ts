// Management round trips against a daemon on loopback: GETs per second
// and latency percentiles (one request in flight, as the orchestrator
// does), plus the daemon's idle RSS. With ISOCHRON_C (a C isochron binary)
// the C daemon is measured the same way beside ours.
//
//   node dist/bench/mgmt.js [requests=20000]
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeGet, encodeSet, ManagementReader, Mid } from '../src/mgmt/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  p99_9: number;
  max: number;
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? -1);
}

async function roundTrips(port: number, n: number): Promise<Summary> {
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
  await ask(encodeSet(Mid.NODE_ROLE, 'sender'));
  const req = encodeGet(Mid.TEST_STATE);
  for (let i = 0; i < 1000; i++) await ask(req); // warm-up
  const lat = new Float64Array(n);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    await ask(req);
    lat[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e9;
  sock.destroy();
  lat.sort();
  const q = (p: number): number => lat[Math.min(n - 1, Math.floor(p * n))];
  return { rps: n / total, p50: q(0.5), p99: q(0.99), p99_9: q(0.999), max: lat[n - 1] };
}

function line(name: string, s: Summary): string {
  return `${name.padEnd(10)} ${Math.round(s.rps).toString().padStart(8)} GET/s   p50 ${s.p50.toFixed(1)} us   p99 ${s.p99.toFixed(1)} us   p99.9 ${s.p99_9.toFixed(1)} us   max ${s.max.toFixed(1)} us`;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20_000);
  const dir = mkdtempSync(join(tmpdir(), 'isobench-'));
  const port = 5760;
  const start = spawnSync(process.execPath, [join(root, 'bin', 'isochron.js'), 'daemon', '-P', String(port), '-S', '127.0.0.1', '-p', join(dir, 'pid')]);
  if (start.status !== 0) throw new Error(start.stderr.toString());
  const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  try {
    await new Promise((r) => setTimeout(r, 500));
    const idle = rssKb(pid);
    const ours = await roundTrips(port, n);
    console.log(`management GET round trips on loopback, ${n} requests, one in flight`);
    console.log(line('ours', ours));
    console.log(`ours idle RSS ${(idle / 1024).toFixed(1)} MB (target < 60 MB), after the run ${(rssKb(pid) / 1024).toFixed(1)} MB`);
  } finally {
    process.kill(pid, 'SIGTERM');
  }
  const c = process.env.ISOCHRON_C;
  if (!c) {
    console.log('C daemon: ISOCHRON_C not set, not measured');
  } else {
    const cport = 5761;
    const cpidFile = join(dir, 'c.pid');
    const r = spawnSync(c, ['daemon', '-P', String(cport), '-p', cpidFile]);
    if (r.status !== 0) throw new Error(`C daemon: ${r.stderr.toString()}`);
    const cpid = Number(readFileSync(cpidFile, 'utf8'));
    try {
      await new Promise((res) => setTimeout(res, 300));
      console.log(line('C', await roundTrips(cport, n)));
      console.log(`C idle RSS ${(rssKb(cpid) / 1024).toFixed(1)} MB`);
    } finally {
      process.kill(cpid, 'SIGTERM');
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
