// Shared by the rcv-*/e2e-* tests: run our `isochron rcv` inside a namespace,
// talk to it as a management client from the other namespace, and send
// C-format data frames with raw sockets from src/sys.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { cliEntry } from './paths.js';
import { spawnIn, withNetns } from './netns.js';
import { connectTcp } from '../../src/sys/tcp.js';
import { PacketSocket } from '../../src/sys/packet.js';
import { UdpSocket } from '../../src/sys/udp.js';
import type { DgramSocket } from '../../src/sys/dgram.js';
import { ManagementReader, type ManagementMessage } from '../../src/engine/mgmt/index.js';
import { buildFrameTemplate, type Transport } from '../../src/core/frame.js';
import { stampFrame } from './frames.js';

export interface RunningRcv {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until stdout matches (bounded). */
  waitStdout(re: RegExp, ms?: number): Promise<void>;
}

export function startRcv(ns: string, args: readonly string[]): RunningRcv {
  const child = spawnIn(ns, process.execPath, [cliEntry, 'rcv', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (status, signal) => resolve({ status, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitStdout(re, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} in rcv stdout: ${JSON.stringify(out)} stderr: ${JSON.stringify(err)}`);
        await sleep(20);
      }
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A management client socket opened inside `ns`; retried until the server listens. */
export async function connectFrom(ns: string, address: string, port: number, ms = 10_000): Promise<MgmtTestClient> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const fd = await withNetns(ns, () => connectTcp({ family: address.includes(':') ? 6 : 4, address, port, timeoutMs: 2000 }));
      return new MgmtTestClient(new net.Socket({ fd, readable: true, writable: true }));
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

/** Sends raw requests and collects whole reply messages (with their raw bytes). */
export class MgmtTestClient {
  readonly reader = new ManagementReader({ accept: 'responses' });
  readonly replies: Array<{ message: ManagementMessage; raw: Buffer }> = [];
  #buf = Buffer.alloc(0);
  closed = false;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      for (const ev of this.reader.push(chunk)) {
        if (ev.type !== 'message') throw ev.error;
        const len = 8 + ev.message.tlvs.reduce((n, t) => n + 8 + t.payload.length, 0);
        this.replies.push({ message: ev.message, raw: this.#buf.subarray(0, len) });
        this.#buf = this.#buf.subarray(len);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits for the n-th reply (0-based) to arrive. */
  async reply(n: number, ms = 10_000): Promise<{ message: ManagementMessage; raw: Buffer }> {
    const deadline = Date.now() + ms;
    while (this.replies.length <= n) {
      if (Date.now() > deadline) throw new Error(`no reply #${n} within ${ms} ms (have ${this.replies.length})`);
      if (this.closed) throw new Error(`connection closed before reply #${n}`);
      await sleep(5);
    }
    return this.replies[n];
  }

  async request(bytes: Buffer, ms?: number): Promise<{ message: ManagementMessage; raw: Buffer }> {
    const n = this.replies.length;
    this.write(bytes);
    return this.reply(n, ms);
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface FrameSender {
  /** Sends seqids [from, to] (inclusive), pacing every `burst` frames. */
  send(from: number, to: number, burst?: number): Promise<void>;
  /** Sends one frame with this seqid. */
  sendOne(seqid: number): void;
  /** Sends arbitrary bytes (L2: a whole frame). */
  sendRaw(bytes: Buffer): void;
  close(): void;
}

export interface FrameSenderOptions {
  ns: string;
  ifname: string;
  transport: Transport;
  frameSize: number;
  /** L4 only: where to send. */
  dest?: { address: string; port: number };
}

/** Opens (inside ns) a raw socket producing frames exactly laid out as the C sender's. */
export function openFrameSender(o: FrameSenderOptions): FrameSender {
  const t = o.transport;
  const sock: DgramSocket = withNetns(o.ns, () =>
    t.kind === 'l2'
      ? PacketSocket.open({ ifname: o.ifname, ethertype: t.etype, bufferSize: 10000 })
      : UdpSocket.open({ family: t.family, device: o.ifname, dest: o.dest, bufferSize: 10000 }),
  );
  const template = buildFrameTemplate(o.frameSize, t);
  const sendOne = (seqid: number): void => {
    const now = BigInt(Date.now()) * 1_000_000n;
    stampFrame(template, t, seqid, now, now);
    sock.send(template);
  };
  return {
    sendOne,
    sendRaw: (bytes) => void sock.send(bytes),
    async send(from, to, burst = 16) {
      for (let s = from; s <= to; s++) {
        sendOne(s);
        if ((s - from + 1) % burst === 0) await sleep(1);
      }
    },
    close: () => sock.close(),
  };
}

export function mac(text: string): Buffer {
  return Buffer.from(text.replaceAll(':', ''), 'hex');
}
