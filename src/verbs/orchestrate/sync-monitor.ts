// The orchestrator's view of sync: C's syncmon with remote nodes only. The
// checks themselves are src/engine/syncmon's (the same code the sender runs): per
// node, PORT_LINK_STATE, then, when sync statistics are collected for it,
// SYSMON_OFFSET, PTPMON_OFFSET, UTC_OFFSET, PORT_STATE, GM_CLOCK_IDENTITY
// over management (remoteProbe), in C's list order, with C's lines:
//
//   "Link state of node X is running|down", "Node X port changed state to S",
//   "Node X changed GM to G", "Nodes not synchronized to the same grandmaster...",
//   "isochron[now]: X ptpmon N sysmon N [receiver ptpmon N sysmon N]"
//
// What is the orchestrator's own: the pairs (a sender and its receiver),
// C's syncmon_init intervals (which depend on every sender's test length),
// and what happens when a node cannot be asked. C's round stops there and
// the wait goes on forever; here the round stops as in C, the node is
// handed to `onNodeError`, its pair is dropped, and the others carry on.
import { isIsochronError } from '../../core/errors.js';
import { Mid, PortLinkState } from '../../engine/mgmt/index.js';
import { remoteProbe, Syncmon, type SyncmonNodeSpec } from '../../engine/syncmon/index.js';
import { NSEC_PER_SEC } from '../../engine/traffic/schedule.js';
import { initialIntervalNs } from '../../engine/syncmon/intervals.js';
import type { NodeLink } from './node-link.js';
import type { OutputStreams } from '../../core/output.js';

export interface MonitoredNode {
  link: NodeLink;
  role: 'sender' | 'receiver';
  /** Pair id: the sender's node name. */
  pair: string;
  collectSyncStats: boolean;
  syncThreshold: bigint;
  /** Sender only: --num-frames and --cycle-time, for the monitoring period. */
  numFrames?: bigint;
  cycleTime?: bigint;
}

export interface MonitorIo extends OutputStreams {
  /** CLOCK_TAI now (ns), for the sync statistics lines. */
  nowTai(): bigint;
}

/** C's syncmon_node_query_link_state_remote: the node's answer, C's line when there is none. */
function remoteLink(n: MonitoredNode, io: MonitorIo): () => Promise<boolean | 'unknown'> {
  return async () => {
    let state: number;
    try {
      state = await n.link.client.get(Mid.PORT_LINK_STATE);
    } catch (err) {
      io.err(`Port link state missing from node ${n.link.name} reply\n`);
      throw err;
    }
    if (state === PortLinkState.RUNNING) return true;
    return state === PortLinkState.DOWN ? false : 'unknown';
  };
}

export class SyncMonitor {
  /** In C's list order (the order checks and prints happen). */
  #nodes: MonitoredNode[];
  readonly #mon: Syncmon;
  readonly #onNodeError: (node: MonitoredNode, err: unknown) => void;
  numChecks: number;
  initialIntervalNs = NSEC_PER_SEC;
  monitorIntervalNs = NSEC_PER_SEC;

  constructor(nodes: MonitoredNode[], io: MonitorIo, onNodeError: (node: MonitoredNode, err: unknown) => void) {
    this.#nodes = [...nodes];
    this.#onNodeError = onNodeError;
    const err = (t: string): void => io.err(t);
    const specs: SyncmonNodeSpec[] = nodes.map((n) => {
      const receiver = n.role === 'sender' ? nodes.find((r) => r.role === 'receiver' && r.pair === n.pair) : undefined;
      return {
        name: n.link.name,
        role: n.role === 'sender' ? 'send' : 'rcv',
        link: remoteLink(n, io),
        // Through the link, not its client of now: a sender's connection may be replaced mid-test (NodeLink.recover).
        sync: n.collectSyncStats ? { probe: remoteProbe({ get: (mid) => n.link.client.get(mid) }, err), threshold: n.syncThreshold } : null,
        ...(receiver ? { pair: receiver.link.name } : {}),
        linkDownHint: () => `node ${n.link.name} reports its link down (no carrier on its interface?)`,
      };
    });
    this.#mon = new Syncmon(specs, { out: (t) => io.out(t), err }, () => io.nowTai());
    this.numChecks = this.#mon.numChecks;
  }

  get nodes(): readonly MonitoredNode[] {
    return this.#nodes;
  }

  /** Stops watching a pair (its node failed). */
  dropPair(pair: string): void {
    const gone = this.#nodes.filter((n) => n.pair === pair);
    if (gone.length === 0) return;
    this.#nodes = this.#nodes.filter((n) => n.pair !== pair);
    this.#mon.drop(gone.map((n) => n.link.name));
  }

  /** C's syncmon_init: one check to pick the initial period, then the monitoring period. */
  async init(): Promise<void> {
    const first = await this.#check();
    this.initialIntervalNs = initialIntervalNs(first.ok ? 'ok' : first.within3x ? 'within-3x' : 'bad');
    let shortest: bigint | null = null;
    for (const n of this.#nodes) {
      if (n.role !== 'sender') continue;
      const d = (n.numFrames ?? 0n) * (n.cycleTime ?? 0n);
      if (shortest === null || d < shortest) shortest = d;
    }
    const interval = (shortest ?? NSEC_PER_SEC) / BigInt(this.numChecks);
    this.monitorIntervalNs = interval > NSEC_PER_SEC ? NSEC_PER_SEC : interval;
  }

  /** What the last check found missing (Syncmon.waitingFor). */
  waitingFor(): string[] {
    return this.#mon.waitingFor();
  }

  /** One round over all nodes (C's syncmon_sync_ok). */
  async check(): Promise<boolean> {
    return (await this.#check()).ok;
  }

  async #check(): Promise<{ ok: boolean; within3x: boolean }> {
    const r = await this.#mon.check();
    if (r.failure === null) return r;
    if (!isIsochronError(r.failure)) throw r.failure;
    const node = this.#nodes.find((n) => n.link.name === this.#mon.failedNode);
    if (node) {
      this.#onNodeError(node, r.failure);
      this.dropPair(node.pair);
    }
    return { ok: false, within3x: false };
  }
}
