// The receiver's stats (management) server: a TCP listener made by the
// syscall layer (so `--stats-address ADDR%dev` binds it to a device, which
// Node's net cannot do) and handed to net.Server. Like C, one client is
// served at a time; later ones wait, accepted by the kernel but unread and
// unannounced, until the current one leaves. Unlike C, an idle client cannot
// block the port: while others wait, a served client that has exchanged no
// byte for IDLE_YIELD_MS and holds no test (the guard: no PACKET_COUNT set,
// no GET LOG on hold) is closed and the next one served.
import net, { type Server, type Socket } from 'node:net';
import { isIsochronError } from '../../core/errors.js';
import { describeListen, listenTcpAnyOrAt, serveListeningFd } from '../../sys/tcp.js';
import { RcvStatsListen } from './errors.js';

/** Waiting clients beyond this are refused at once (a flood cannot eat our fds). */
export const MAX_WAITING_CLIENTS = 16;
/**
 * A served client idle this long (no byte either way) gives its turn to a
 * waiting one, unless it holds a test. Well below a sender's 10 s wait for
 * its first reply (MGMT_TIMEOUT_MS, src/verbs/send/receiver-link.ts): at 60 s a
 * single idle client made every `send --client` fail.
 */
export const IDLE_YIELD_MS = 5_000;

export interface ListenAddress {
  family: 4 | 6;
  address: string;
  device?: string;
}

export interface StatsServerOptions {
  /** null: any address, IPv6 dual stack ([::]), IPv4 (0.0.0.0) without IPv6. */
  address: ListenAddress | null;
  port: number;
  /** Default IDLE_YIELD_MS. */
  idleYieldMs?: number;
}

/** What the server asks of the receiver before closing an idle client for a waiting one. */
export interface YieldGuard {
  /** The served client holds a test (its log, a held reply): never closed for being idle. */
  holdsTest(): boolean;
  /** The idle client is being closed (for the log). */
  yielded(socket: Socket, idleMs: number): void;
}

function openListener(opts: StatsServerOptions): number {
  try {
    return listenTcpAnyOrAt(opts.address, opts.port);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    // Keep the kernel's errno: it is the exit status, as in C.
    throw RcvStatsListen.with({ errno: err.errno, cause: err, hint: err.hint }, describeListen(opts.address, opts.port), err.message);
  }
}

export class StatsServer {
  readonly server: Server;
  readonly port: number;
  #active: Socket | null = null;
  readonly #waiting: Socket[] = [];
  readonly #onClient: (socket: Socket) => void;
  readonly #idleYieldMs: number;
  #guard: YieldGuard | null = null;
  #yieldTimer: NodeJS.Timeout | null = null;
  /** The served client's byte counters when last seen moving, and when. */
  #seen = { bytes: -1, at: 0 };

  private constructor(server: Server, port: number, onClient: (socket: Socket) => void, idleYieldMs: number) {
    this.server = server;
    this.port = port;
    this.#onClient = onClient;
    this.#idleYieldMs = idleYieldMs;
    server.on('connection', (s) => this.#arrived(s));
  }

  /** Lets an idle served client be closed for a waiting one (see above); without a guard nobody is. */
  setYieldGuard(guard: YieldGuard): void {
    this.#guard = guard;
  }

  /** Listens; onClient gets each connection when its turn comes (call release() when it is done). */
  static async listen(opts: StatsServerOptions, onClient: (socket: Socket) => void): Promise<StatsServer> {
    const fd = openListener(opts);
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    try {
      await serveListeningFd(server, fd);
    } catch (err) {
      throw RcvStatsListen(describeListen(opts.address, opts.port), err instanceof Error ? err.message : String(err));
    }
    const addr = server.address();
    return new StatsServer(server, typeof addr === 'object' && addr ? addr.port : opts.port, onClient, opts.idleYieldMs ?? IDLE_YIELD_MS);
  }

  /** Clients accepted by the kernel and waiting for their turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** The current client is done: serve the next one. */
  release(socket: Socket): void {
    if (this.#active !== socket) {
      const i = this.#waiting.indexOf(socket);
      if (i >= 0) this.#waiting.splice(i, 1);
      return;
    }
    this.#active = null;
    this.#next();
  }

  close(): Promise<void> {
    this.#stopYieldTimer();
    for (const s of this.#waiting.splice(0)) s.destroy();
    this.#active?.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  #arrived(socket: Socket): void {
    if (this.#waiting.length >= MAX_WAITING_CLIENTS) {
      socket.destroy();
      return;
    }
    // A waiting client that gives up leaves the queue.
    socket.once('close', () => this.release(socket));
    this.#waiting.push(socket);
    if (!this.#active) this.#next();
    else this.#startYieldTimer();
  }

  /** Looks at the served client while others wait (a quarter of the idle limit apart). */
  #startYieldTimer(): void {
    if (this.#yieldTimer || !this.#guard) return;
    this.#seen = { bytes: -1, at: Date.now() };
    this.#yieldTimer = setInterval(() => this.#checkIdle(), Math.max(10, Math.floor(this.#idleYieldMs / 4)));
    this.#yieldTimer.unref();
  }

  #stopYieldTimer(): void {
    if (this.#yieldTimer) clearInterval(this.#yieldTimer);
    this.#yieldTimer = null;
  }

  #checkIdle(): void {
    const active = this.#active;
    if (!active || this.#waiting.length === 0 || !this.#guard) return this.#stopYieldTimer();
    const bytes = active.bytesRead + active.bytesWritten;
    const now = Date.now();
    if (bytes !== this.#seen.bytes) {
      this.#seen = { bytes, at: now };
      return;
    }
    const idle = now - this.#seen.at;
    if (idle < this.#idleYieldMs || this.#guard.holdsTest()) return;
    this.#guard.yielded(active, idle);
    // Its 'close' releases it, and the next waiting client is served.
    active.destroy();
  }

  #next(): void {
    while (this.#waiting.length > 0) {
      const s = this.#waiting.shift() as Socket;
      if (s.destroyed) continue;
      this.#active = s;
      this.#seen = { bytes: -1, at: Date.now() };
      // Still paused: the handler resumes it once it listens for data.
      this.#onClient(s);
      if (this.#waiting.length > 0) this.#startYieldTimer();
      return;
    }
  }
}
