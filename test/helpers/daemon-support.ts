// Shared helpers of the daemon tests: raw management connections that
// collect whatever the daemon sends (or whether it closed), an in-process
// daemon on loopback, and daemons started through the real CLI inside a
// namespace.
import { connect, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { ManagementReader, type ManagementMessage } from '../../src/engine/mgmt/index.js';
import { connectTcp } from '../../src/sys/tcp.js';
import { DaemonServer, type DaemonServerOptions } from '../../src/verbs/daemon/server.js';
import { collectingLog } from '../../src/verbs/daemon/log.js';
import { execIn, withNetns } from './netns.js';
import { cliEntry } from './paths.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A management connection that records every byte and message received. */
export class RawPeer {
  readonly received: Buffer[] = [];
  readonly messages: ManagementMessage[] = [];
  closed = false;
  readonly #reader = new ManagementReader({ accept: 'responses' });
  #waiters: Array<() => void> = [];

  constructor(readonly socket: Socket) {
    socket.on('data', (b: Buffer) => {
      this.received.push(b);
      for (const ev of this.#reader.push(b)) if (ev.type === 'message') this.messages.push(ev.message);
      this.#wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  /** Connects from inside namespace `ns` (the socket keeps that namespace). */
  static async connectIn(ns: string, address: string, port: number, family: 4 | 6 = 4): Promise<RawPeer> {
    const fd = await withNetns(ns, () => connectTcp({ family, address, port, timeoutMs: 3000 }));
    return new RawPeer(new Socket({ fd, readable: true, writable: true }));
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  get bytes(): Buffer {
    return Buffer.concat(this.received);
  }

  /** Waits until `n` messages in total arrived or the connection closed (bounded). */
  async waitMessages(n: number, timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < n && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([new Promise<void>((r) => this.#waiters.push(r)), sleep(left)]);
    }
    return this.messages.length >= n;
  }

  send(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Sends one request and returns the next message (throws if none comes). */
  async ask(bytes: Uint8Array, timeoutMs = 3000): Promise<ManagementMessage> {
    const n = this.messages.length;
    this.send(bytes);
    if (!(await this.waitMessages(n + 1, timeoutMs))) throw new Error(`no reply to ${Buffer.from(bytes).toString('hex')}`);
    return this.messages[n];
  }

  close(): void {
    this.socket.destroy();
  }
}

export type InProcessDaemon = DaemonServer & { logText(): string };

/** A daemon in this process on 127.0.0.1 (ephemeral port); memory locking off. */
export async function startInProcess(extra: Partial<DaemonServerOptions> = {}): Promise<{ server: DaemonServer; log: ReturnType<typeof collectingLog>; port: number }> {
  const log = collectingLog();
  const server = await DaemonServer.listen({ port: 0, address: { family: 4, address: '127.0.0.1' }, log, ...extra });
  return { server, log, port: server.address.port };
}

/** Runs `isochron daemon ARGS` inside ns through the real CLI; resolves with its exit and the pid file's pid. */
export async function startDaemonIn(ns: string, args: string[], pidFile: string): Promise<number> {
  const res = await execIn(ns, process.execPath, [cliEntry, 'daemon', '-p', pidFile, ...args], { timeoutMs: 20_000 });
  if (res.status !== 0) throw new Error(`daemon did not start: ${res.status} ${res.stderr}`);
  return Number(readFileSync(pidFile, 'utf8'));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM and wait for the process to be gone (bounded); SIGKILL as a last resort. */
export async function stopPid(pid: number, timeoutMs = 10_000): Promise<boolean> {
  if (!alive(pid)) return true;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(20);
  if (alive(pid)) {
    process.kill(pid, 'SIGKILL');
    return false;
  }
  return true;
}

/** VmRSS of a process in kB. */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : -1;
}
