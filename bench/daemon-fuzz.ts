// Seeded mutation fuzzing of a running `isochron daemon`: messages built
// from the recorded orchestrator requests and probes plus a request for
// every MID, mutated (bit flips, random bytes, truncation, extension,
// splices, length/MID/action rewrites), sent in batches over many
// connections. Each connection is half-closed after its batch: the daemon
// must answer what it can and close; a connection still open after
// `hangMs` is a hang. The daemon must stay alive and keep its memory.
//
//   node dist/bench/daemon-fuzz.js [messages=1000000] [seed=1]
// The test (test/verbs/daemon/daemon-fuzz.test.ts) runs 100 000.
import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Action, encodeGet, encodeMessage, MID_COUNT, Mid } from '../src/engine/mgmt/index.js';

export interface FuzzOptions {
  port: number;
  host?: string;
  messages: number;
  seed: number;
  perConnection?: number;
  /** Connections in flight at once. */
  parallel?: number;
  hangMs?: number;
}

export interface FuzzResult {
  messages: number;
  connections: number;
  hangs: number;
  bytesSent: number;
  bytesReceived: number;
  ms: number;
}

/** mulberry32: small, seedable, good enough for mutation choices. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seed messages: the recorded requests and probes, and GET/SET/GET_ERROR of every MID. */
export function corpus(vectorsDir: string): Buffer[] {
  const out: Buffer[] = [];
  const mgmt = join(vectorsDir, 'mgmt');
  if (existsSync(mgmt)) {
    for (const d of readdirSync(mgmt)) {
      const dir = join(mgmt, d);
      if (!statSync(dir).isDirectory()) continue;
      for (const f of readdirSync(dir)) {
        if (f.endsWith('.c2s.hex')) {
          for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) if (l.trim()) out.push(Buffer.from(l.trim(), 'hex'));
        }
        if (f === 'probes.json') {
          for (const p of JSON.parse(readFileSync(join(dir, f), 'utf8')) as Array<{ steps: Array<{ sent_hex: string }> }>) {
            for (const s of p.steps) out.push(Buffer.from(s.sent_hex, 'hex'));
          }
        }
      }
    }
  }
  for (let mid = 0; mid < MID_COUNT + 2; mid++) {
    out.push(encodeGet(mid), encodeGet(mid, Action.GET_ERROR));
    out.push(encodeMessage({ action: Action.SET, tlvs: [{ mid, payload: Buffer.alloc(mid % 13) }] }));
  }
  return out;
}

/**
 * A SET UTC_OFFSET that the daemon would accept writes the kernel's TAI
 * offset when a test starts: keep the fuzzer from touching the host clock.
 */
function touchesHostClock(m: Buffer): boolean {
  return m.length >= 16 && m[1] === Action.SET && m.readUInt16BE(10) === Mid.UTC_OFFSET;
}

export function mutate(seeds: Buffer[], rnd: () => number): Buffer {
  const pick = (): Buffer => seeds[Math.floor(rnd() * seeds.length)];
  let m = Buffer.from(pick());
  const rounds = 1 + Math.floor(rnd() * 3);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rnd() * Math.max(1, m.length));
    switch (Math.floor(rnd() * 9)) {
      case 0: // bit flip
        if (m.length) m[at] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1: // random byte
        if (m.length) m[at] = Math.floor(rnd() * 256);
        break;
      case 2: // truncate
        m = m.subarray(0, at);
        break;
      case 3: // extend with random bytes
        m = Buffer.concat([m, Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 16) }, () => Math.floor(rnd() * 256)))]);
        break;
      case 4: // splice with another seed
        m = Buffer.concat([m.subarray(0, at), pick().subarray(Math.floor(rnd() * 8))]);
        break;
      case 5: // payload_length claim
        if (m.length >= 8) m.writeUInt32BE(rnd() < 0.5 ? Math.floor(rnd() * 64) : Math.floor(rnd() * 0xffffffff), 4);
        break;
      case 6: // MID
        if (m.length >= 12) m.writeUInt16BE(rnd() < 0.8 ? Math.floor(rnd() * 50) : Math.floor(rnd() * 0x10000), 10);
        break;
      case 7: // action / version
        if (m.length >= 2) m[rnd() < 0.5 ? 1 : 0] = Math.floor(rnd() * 6);
        break;
      default: // TLV length claim
        if (m.length >= 16) m.writeUInt32BE(Math.floor(rnd() * 200), 12);
    }
  }
  return touchesHostClock(m) ? encodeGet(Mid.CURRENT_CLOCK_TAI) : m;
}

function oneConnection(o: Required<FuzzOptions>, batch: Buffer): Promise<{ hung: boolean; received: number }> {
  return new Promise((resolve) => {
    let received = 0;
    let settled = false;
    const s = connect({ port: o.port, host: o.host });
    const finish = (hung: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ hung, received });
    };
    const timer = setTimeout(() => finish(true), o.hangMs);
    s.on('data', (b: Buffer) => (received += b.length));
    s.on('error', () => finish(false));
    s.on('close', () => finish(false));
    s.on('connect', () => s.end(batch));
  });
}

export async function fuzz(opts: FuzzOptions, vectorsDir: string): Promise<FuzzResult> {
  const o: Required<FuzzOptions> = { host: '127.0.0.1', perConnection: 100, parallel: 16, hangMs: 10_000, ...opts };
  const rnd = prng(o.seed);
  const seeds = corpus(vectorsDir);
  const start = Date.now();
  let sent = 0;
  let connections = 0;
  let hangs = 0;
  let bytesSent = 0;
  let bytesReceived = 0;
  const worker = async (): Promise<void> => {
    while (sent < o.messages) {
      const n = Math.min(o.perConnection, o.messages - sent);
      sent += n;
      const batch = Buffer.concat(Array.from({ length: n }, () => mutate(seeds, rnd)));
      bytesSent += batch.length;
      const r = await oneConnection(o, batch);
      connections++;
      bytesReceived += r.received;
      if (r.hung) hangs++;
    }
  };
  await Promise.all(Array.from({ length: o.parallel }, worker));
  return { messages: sent, connections, hangs, bytesSent, bytesReceived, ms: Date.now() - start };
}

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const vectors = process.env.ISOCHRON_VECTORS ?? join(root, '..', 'shared', 'vectors');
  const dir = mkdtempSync(join(tmpdir(), 'isofuzz-'));
  const port = 5400 + Math.floor(Math.random() * 500);
  const start = spawnSync(process.execPath, [join(root, 'bin', 'isochron.js'), 'daemon', '-P', String(port), '-S', '127.0.0.1', '-p', join(dir, 'pid'), '-l', join(dir, 'log')]);
  if (start.status !== 0) throw new Error(`daemon did not start: ${start.stderr.toString()}`);
  const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? -1);
  try {
    await fuzz({ port, messages: 10_000, seed: seed + 1 }, vectors);
    const before = rss();
    const r = await fuzz({ port, messages, seed }, vectors);
    const after = rss();
    process.kill(pid, 0);
    console.log(`daemon fuzz: ${r.messages} messages over ${r.connections} connections in ${r.ms} ms ` +
      `(${Math.round((r.messages / r.ms) * 1000)} msg/s), hangs ${r.hangs}, daemon alive, RSS ${before} kB -> ${after} kB`);
  } finally {
    process.kill(pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
