// A management connection to one node (a sender daemon or a receiver),
// opened the way C's sk_connect_tcp does: plain TCP, or bound to a device
// for "addr%dev" (SO_BINDTODEVICE through src/sys, then handed to Node).
// It also keeps the round-trip statistic C prints after configuring a
// sender ("Max TCP round trip time to node ...").
import { Socket } from 'node:net';
import { isIsochronError } from '../errors.js';
import { ManagementClient, type Mid, type MidValue } from '../mgmt/index.js';
import { connectTcp } from '../sys/tcp.js';
import { causedBy, OrchConnectFailed } from './errors.js';
import type { Endpoint } from './node-config.js';

export interface LinkOptions {
  /** Per request and for the connection itself. */
  timeoutMs: number;
}

export class NodeLink {
  readonly name: string;
  readonly client: ManagementClient;
  #rttCount = 0;
  #maxRtt = 0n;

  constructor(name: string, client: ManagementClient) {
    this.name = name;
    this.client = client;
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
    if (!e.device) {
      const client = await ManagementClient.connect({ host: e.address, port: e.port, timeoutMs: opts.timeoutMs });
      return new NodeLink(name, client);
    }
    const fd = await connectTcp({ family: e.family, address: e.address, port: e.port, device: e.device, timeoutMs: opts.timeoutMs });
    const socket = new Socket({ fd, readable: true, writable: true });
    return new NodeLink(name, new ManagementClient(socket, { timeoutMs: opts.timeoutMs }));
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    throw causedBy(OrchConnectFailed, err, name, err.message);
  }
}
