// A management connection to one node (a sender daemon or a receiver),
// opened the way C's sk_connect_tcp does: plain TCP, or bound to a device
// for "addr%dev" (SO_BINDTODEVICE through src/sys, then handed to Node).
// It also keeps the round-trip statistic C prints after configuring a
// sender ("Max TCP round trip time to node ..."), and can reconnect to a
// sender daemon whose connection was lost mid-test and reclaim its role
// (recover(): the run goes on in the daemon, docs/orchestrate.md).
import { Socket } from 'node:net';
import { isIsochronError } from '../../core/errors.js';
import { ManagementClient, MgmtConnectFailed, MgmtDisconnected, MgmtTimeout, Mid, type MidValue } from '../../engine/mgmt/index.js';
import { connectTcp } from '../../sys/tcp.js';
import { OrchConnectFailed } from './errors.js';
import { strerror } from '../../core/errno-text.js';
import { connectHint } from '../../core/hints.js';
import type { Endpoint } from './node-config.js';

export interface LinkOptions {
  /** Per request and for the connection itself. */
  timeoutMs: number;
}

/**
 * Reconnections after a lost connection: attempts, and the pause before the
 * next one (doubling from RECONNECT_DELAY_MS up to RECONNECT_MAX_DELAY_MS):
 * about 25 s in all. A refused connection ends the attempts at once: the
 * host answers but no daemon listens, so the run is gone with it.
 */
export const RECONNECT_ATTEMPTS = 8;
export const RECONNECT_DELAY_MS = 500;
export const RECONNECT_MAX_DELAY_MS = 5000;

function refused(err: unknown): boolean {
  return err instanceof Error && /ECONNREFUSED|Connection refused/.test(err.message);
}

/** A failure that means the connection itself is gone (not an answer from the node). */
export function isConnectionLost(err: unknown): boolean {
  if (!isIsochronError(err)) return false;
  return err.code === MgmtDisconnected.code || err.code === MgmtTimeout.code;
}

export class NodeLink {
  readonly name: string;
  #client: ManagementClient;
  #rttCount = 0;
  #maxRtt = 0n;
  /** Opens a fresh connection to the same endpoint (null: cannot reconnect). */
  readonly #reopen: (() => Promise<ManagementClient>) | null;

  constructor(name: string, client: ManagementClient, reopen: (() => Promise<ManagementClient>) | null = null) {
    this.name = name;
    this.#client = client;
    this.#reopen = reopen;
  }

  /** The current connection (replaced by recover()). */
  get client(): ManagementClient {
    return this.#client;
  }

  /**
   * Reconnects after a lost connection (bounded: `attempts` tries,
   * `delayMs` apart) and takes the sender role back with NODE_ROLE
   * 'reclaim-sender', which keeps the daemon's parameters, run and log.
   * Throws the last connect error, or the daemon's answer to the reclaim
   * (e.g. -ENOENT when the run is gone).
   */
  async recover(opts: { attempts?: number; delayMs?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<void> {
    if (!this.#reopen) throw MgmtDisconnected('this connection cannot be reopened');
    const attempts = opts.attempts ?? RECONNECT_ATTEMPTS;
    let delayMs = opts.delayMs ?? RECONNECT_DELAY_MS;
    const pause = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    this.#client.socket.destroy();
    let last: unknown = null;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) {
        await pause(delayMs);
        delayMs = Math.min(delayMs * 2, RECONNECT_MAX_DELAY_MS);
      }
      let fresh: ManagementClient;
      try {
        fresh = await this.#reopen();
      } catch (err) {
        if (refused(err)) throw err;
        last = err;
        continue;
      }
      try {
        await fresh.set(Mid.NODE_ROLE, 'reclaim-sender');
      } catch (err) {
        fresh.socket.destroy();
        // Lost again at once: try again; any answer from the daemon is final.
        if (isConnectionLost(err)) {
          last = err;
          continue;
        }
        throw err;
      }
      this.#client = fresh;
      return;
    }
    throw last ?? MgmtConnectFailed(this.name, 'no attempt made');
  }

  get maxRttNs(): bigint {
    return this.#maxRtt;
  }

  /** A SET whose round trip counts for the statistic (C measures each configuration SET). */
  async timedSet<M extends Mid>(mid: M, value: MidValue<M>): Promise<MidValue<M>> {
    const t0 = process.hrtime.bigint();
    try {
      return await this.client.set(mid, value);
    } finally {
      const rtt = process.hrtime.bigint() - t0;
      this.#rttCount++;
      if (rtt > this.#maxRtt) this.#maxRtt = rtt;
    }
  }

  rttLine(): string {
    return `Max TCP round trip time to node ${this.name} over ${this.#rttCount} measurements is ${this.#maxRtt} ns\n`;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Connects to a node's management port; errors name the node (ISOCHRON_ERR_ORCH_CONNECT). */
export async function connectNode(name: string, e: Endpoint, opts: LinkOptions): Promise<NodeLink> {
  try {
    const open = async (): Promise<ManagementClient> => {
      if (!e.device) return ManagementClient.connect({ host: e.address, port: e.port, timeoutMs: opts.timeoutMs });
      const fd = await connectTcp({ family: e.family, address: e.address, port: e.port, device: e.device, timeoutMs: opts.timeoutMs });
      const socket = new Socket({ fd, readable: true, writable: true });
      return new ManagementClient(socket, { timeoutMs: opts.timeoutMs });
    };
    return new NodeLink(name, await open(), open);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    const errnum = -err.errno;
    const hint = connectHint('connect-node', err, errnum, { address: e.address, port: e.port, device: e.device });
    throw OrchConnectFailed.with({ errno: errnum, cause: err, hint }, name, e.port, strerror(errnum));
  }
}
