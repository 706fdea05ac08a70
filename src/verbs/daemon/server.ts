// The daemon's management listener: where it listens (any address, dual
// stack when the machine has IPv6; one address; or "addr%dev" bound to a
// device through the syscall layer, since Node's net has no
// SO_BINDTODEVICE), which connections it keeps, and a clean close.
//
// The C daemon serves one client at a time and leaves the others waiting
// in the backlog; here every client is served, up to maxConnections. When
// every slot is taken, the longest-idle connection that owns nothing and
// has nothing in flight is closed to make room (slots.ts); only when every
// connection is in use is the newcomer refused.
import { closeSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { isIsochronError } from '../../core/errors.js';
import { LoopPools } from '../../engine/sender/worker-pools.js';
import type { DeviceIoctl } from '../../sys/ioctl.js';
import { strerror } from '../../core/errno-text.js';
import { listenTcp } from '../../sys/tcp.js';
import { Connection, peerName, type ConnectionOptions } from './connection.js';
import { DEFAULT_MAX_PENDING_REPLY_BYTES, DEFAULT_MAX_QUEUED_REQUESTS } from '../../engine/mgmt/flow.js';
import { IDLE_TIMEOUT_MS, MAX_CONNECTIONS, MESSAGE_DEADLINE_MS, ORPHAN_KEEP_MS } from './limits.js';
import { pickEvictable } from './slots.js';
import { RateLimitedLog } from './log-limit.js';
import { Dispatcher } from './dispatch.js';
import { DaemonListenFailed } from './errors.js';
import { hintFor } from '../../core/hints.js';
import type { DaemonLog } from './log.js';
import type { DaemonMetrics } from './metrics.js';

/** Where to listen: the parts of a parsed --stats-address the listener uses. */
export interface ListenAddress {
  family: 4 | 6;
  address: string;
  /** From "addr%dev": bind the listening socket to this device. */
  device?: string;
}

export interface DaemonServerOptions extends ConnectionOptions {
  port: number;
  /** null: every address (`::`, or `0.0.0.0` without IPv6). */
  address: ListenAddress | null;
  log: DaemonLog;
  dev?: DeviceIoctl;
  /** Connections served at once (then room is made, see above). Default 64. */
  maxConnections?: number;
  /** An orphaned run's log is kept this long after the run ended. Default 10 min. */
  orphanKeepMs?: number;
  /** The metrics endpoint's registry (--metrics-port). */
  metrics?: DaemonMetrics;
}

const ERRNO_BY_CODE: Record<string, number> = { EADDRINUSE: 98, EACCES: 13, EADDRNOTAVAIL: 99, EAFNOSUPPORT: 97, EINVAL: 22 };

function describe(address: ListenAddress | null, port: number, host?: string): string {
  const a = address ? `${address.family === 6 ? `[${address.address}]` : address.address}${address.device ? `%${address.device}` : ''}` : (host ?? '*');
  return `${a} port ${port}`;
}

function listenOn(server: Server, arg: { fd: number } | { host: string; port: number; ipv6Only?: boolean }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(arg, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function listenError(where: string, err: unknown, address?: string): Error {
  if (isIsochronError(err)) return DaemonListenFailed.with({ errno: err.errno, hint: err.hint }, where, err.message);
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const errnum = ERRNO_BY_CODE[code] ?? 5;
  const hint = hintFor('listen', errnum, { address });
  return DaemonListenFailed.with({ errno: errnum, hint }, where, `${strerror(errnum)} (${code || (err as Error).message})`);
}

export class DaemonServer {
  readonly dispatcher: Dispatcher;
  readonly #pools = new LoopPools();
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  /** What peers make the daemon say (bad input, connection churn): rate-limited per kind. */
  readonly #peerLog: RateLimitedLog;
  #nextId = 1;
  #closing: Promise<void> | null = null;

  private constructor(private readonly opts: DaemonServerOptions) {
    this.#peerLog = new RateLimitedLog(opts.log);
    this.dispatcher = new Dispatcher({ pools: this.#pools, log: opts.log, dev: opts.dev, ...(opts.metrics ? { metrics: opts.metrics } : {}) }, opts.orphanKeepMs ?? ORPHAN_KEEP_MS, this.#peerLog);
    // Half-open: a peer that sends its requests and then shuts down its
    // sending side still gets every reply (connection.ts ends our side).
    this.#server = createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket));
  }

  /** Listens; throws ISOCHRON_ERR_DAEMON_LISTEN with the kernel's errno. */
  static async listen(opts: DaemonServerOptions): Promise<DaemonServer> {
    const d = new DaemonServer(opts);
    const { address, port } = opts;
    if (address?.device) {
      const where = describe(address, port);
      let fd: number;
      try {
        fd = listenTcp({ family: address.family, address: address.address, port, device: address.device });
      } catch (err) {
        throw listenError(where, err);
      }
      try {
        await listenOn(d.#server, { fd });
      } catch (err) {
        // Node did not take the fd: it is still ours to close.
        closeSync(fd);
        throw listenError(where, err);
      }
    } else if (address) {
      try {
        await listenOn(d.#server, { host: address.address, port });
      } catch (err) {
        throw listenError(describe(address, port), err, address.address);
      }
    } else {
      try {
        await listenOn(d.#server, { host: '::', port, ipv6Only: false });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // No IPv6 on this machine (disabled or not built): C's sk_listen_tcp
        // would fail; IPv4 any-address is what the user meant.
        if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw listenError(describe(null, port, '[::]'), err);
        try {
          await listenOn(d.#server, { host: '0.0.0.0', port });
        } catch (err4) {
          throw listenError(describe(null, port, '0.0.0.0'), err4);
        }
      }
    }
    return d;
  }

  get address(): AddressInfo {
    return this.#server.address() as AddressInfo;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  #accept(socket: Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    // Named now: a peer that resets at once has no address by the time it is logged.
    const who = peerName(socket);
    const max = this.opts.maxConnections ?? MAX_CONNECTIONS;
    if (this.#connections.size >= max) {
      const victim = pickEvictable(this.#connections);
      if (!victim) {
        this.#peerLog.line(`Refused connection from ${who}: already serving ${max} clients, all of them busy or owning the sender role`);
        socket.destroy();
        return;
      }
      victim.expire(`idle for ${victim.slot.idleFor()} ms without holding the sender role; its slot goes to ${who} (all ${max} taken)`);
      // 'close' comes later; the slot is free now.
      this.#connections.delete(victim);
    }
    // C's line, exactly (its address only); later lines name the port too.
    this.#peerLog.line(`Accepted connection from ${socket.remoteAddress ?? who}`);
    const conn = new Connection(this.#nextId++, socket, this.dispatcher, this.#peerLog, {
      partialTimeoutMs: this.opts.partialTimeoutMs ?? MESSAGE_DEADLINE_MS,
      idleTimeoutMs: this.opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
      maxPendingWrite: this.opts.maxPendingWrite ?? DEFAULT_MAX_PENDING_REPLY_BYTES,
      maxQueuedRequests: this.opts.maxQueuedRequests ?? DEFAULT_MAX_QUEUED_REQUESTS,
    });
    this.#connections.add(conn);
    void conn.closed.then(() => this.#connections.delete(conn));
  }

  /** Stops a running test, closes every connection and the listener, ends the loop threads. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const listening = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      await this.dispatcher.close();
      for (const c of this.#connections) c.socket.destroy();
      await Promise.all([...this.#connections].map((c) => c.closed));
      await listening;
      this.#peerLog.flush();
      await this.#pools.destroy();
    })();
    return this.#closing;
  }
}
