// The receiver's stats (management) server: a TCP listener made by the
// syscall layer (so `--stats-address ADDR%dev` binds it to a device, which
// Node's net cannot do) and handed to net.Server. Like C, one client is
// served at a time; later ones wait, accepted by the kernel but unread and
// unannounced, until the current one leaves.
import { closeSync } from 'node:fs';
import net, { type Server, type Socket } from 'node:net';
import { IsochronError, isIsochronError } from '../errors.js';
import { listenTcp } from '../sys/tcp.js';
import { RcvStatsListen } from './errors.js';

const EAFNOSUPPORT = 97;
/** Waiting clients beyond this are refused at once (a flood cannot eat our fds). */
export const MAX_WAITING_CLIENTS = 16;

export interface ListenAddress {
  family: 4 | 6;
  address: string;
  device?: string;
}

export interface StatsServerOptions {
  /** null: any address, IPv6 dual stack ([::]), IPv4 (0.0.0.0) without IPv6. */
  address: ListenAddress | null;
  port: number;
}

function describe(a: ListenAddress | null, port: number): string {
  if (!a) return `TCP port ${port}`;
  const host = a.family === 6 ? `[${a.address}]` : a.address;
  return `${host}:${port}${a.device ? ` (device ${a.device})` : ''}`;
}

function openListener(opts: StatsServerOptions): number {
  try {
    if (opts.address) return listenTcp({ ...opts.address, port: opts.port });
    try {
      return listenTcp({ family: 6, address: '::', port: opts.port });
    } catch (err) {
      if (!isIsochronError(err) || err.errno !== -EAFNOSUPPORT) throw err;
      return listenTcp({ family: 4, address: '0.0.0.0', port: opts.port });
    }
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    // Keep the kernel's errno: it is the exit status, as in C.
    throw new IsochronError(RcvStatsListen.code, RcvStatsListen(describe(opts.address, opts.port), err.message).message, { errno: err.errno, cause: err });
  }
}

export class StatsServer {
  readonly server: Server;
  readonly port: number;
  #active: Socket | null = null;
  readonly #waiting: Socket[] = [];
  readonly #onClient: (socket: Socket) => void;

  private constructor(server: Server, port: number, onClient: (socket: Socket) => void) {
    this.server = server;
    this.port = port;
    this.#onClient = onClient;
    server.on('connection', (s) => this.#arrived(s));
  }

  /** Listens; onClient gets each connection when its turn comes (call release() when it is done). */
  static async listen(opts: StatsServerOptions, onClient: (socket: Socket) => void): Promise<StatsServer> {
    const fd = openListener(opts);
    const server = net.createServer({ pauseOnConnect: true });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ fd }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      // Node did not take the fd: it is still ours to close.
      closeSync(fd);
      throw RcvStatsListen(describe(opts.address, opts.port), err instanceof Error ? err.message : String(err));
    }
    const addr = server.address();
    return new StatsServer(server, typeof addr === 'object' && addr ? addr.port : opts.port, onClient);
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
  }

  #next(): void {
    while (this.#waiting.length > 0) {
      const s = this.#waiting.shift() as Socket;
      if (s.destroyed) continue;
      this.#active = s;
      // Still paused: the handler resumes it once it listens for data.
      this.#onClient(s);
      return;
    }
  }
}
