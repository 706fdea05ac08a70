// The orchestrator's view of sync, asked over management (C's syncmon with
// remote nodes only). A check asks every node for its link state and, when
// sync statistics are collected for it, for its sysmon/ptpmon offsets, UTC
// offset, port state and grandmaster; it prints what changed, like C:
//
//   "Link state of node X is running|down", "Node X port changed state to S",
//   "Node X changed GM to G", "Nodes not synchronized to the same grandmaster...",
//   "isochron[now]: X ptpmon N sysmon N [receiver ptpmon N sysmon N]"
//
// Unlike C, a node whose query fails is not "out of sync" forever (C would
// wait or repeat endlessly): it is handed to `onNodeError`, and the caller
// drops its pair from the run. The others carry on.
import { Mid, PortLinkState, type PortLinkState as LinkState } from '../mgmt/index.js';
import { formatNs, NSEC_PER_SEC } from '../traffic/schedule.js';
import type { NodeLink } from './node-link.js';

export const NUM_SYNC_CHECKS = 3;

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

interface NodeState {
  linkState: LinkState;
  portState: number;
  gm: string;
  gmWarned: boolean;
  ptpmonOffset: bigint;
  sysmonOffset: bigint;
  ptpmonDone: boolean;
  sysmonDone: boolean;
  transient: boolean;
}

export interface MonitorIo {
  out(text: string): void;
  err(text: string): void;
  /** CLOCK_TAI now (ns), for the sync statistics lines. */
  nowTai(): bigint;
}

const PORT_STATES = [
  'NONE', 'INITIALIZING', 'FAULTY', 'DISABLED', 'LISTENING', 'PRE_MASTER',
  'MASTER', 'PASSIVE', 'UNCALIBRATED', 'SLAVE', 'GRAND_MASTER',
];
const PS_MASTER = 6;
const PS_SLAVE = 9;
const ZERO_GM = '000000.0000.000000';

export function portStateName(state: number): string {
  return PORT_STATES[state] ?? 'NONE';
}

export function clockIdText(id: Uint8Array): string {
  const h = Array.from(id.subarray(0, 8), (b) => b.toString(16).padStart(2, '0'));
  return `${h.slice(0, 3).join('')}.${h.slice(3, 5).join('')}.${h.slice(5, 8).join('')}`;
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);
const col = (v: bigint): string => v.toString().padStart(10);

export class SyncMonitor {
  /** In C's list order (the order checks and prints happen). */
  #nodes: MonitoredNode[];
  readonly #state = new Map<MonitoredNode, NodeState>();
  readonly #io: MonitorIo;
  readonly #onNodeError: (node: MonitoredNode, err: unknown) => void;
  #sameGm = true;
  numChecks = 1;
  initialIntervalNs = NSEC_PER_SEC;
  monitorIntervalNs = NSEC_PER_SEC;

  constructor(nodes: MonitoredNode[], io: MonitorIo, onNodeError: (node: MonitoredNode, err: unknown) => void) {
    this.#nodes = [...nodes];
    this.#io = io;
    this.#onNodeError = onNodeError;
    for (const n of nodes) {
      this.#state.set(n, {
        linkState: PortLinkState.UNKNOWN, portState: 0, gm: ZERO_GM, gmWarned: false,
        ptpmonOffset: 0n, sysmonOffset: 0n, ptpmonDone: false, sysmonDone: false, transient: false,
      });
    }
  }

  get nodes(): readonly MonitoredNode[] {
    return this.#nodes;
  }

  /** Stops watching a pair (its node failed). */
  dropPair(pair: string): void {
    this.#nodes = this.#nodes.filter((n) => n.pair !== pair);
  }

  #st(n: MonitoredNode): NodeState {
    return this.#state.get(n) as NodeState;
  }

  /** C's syncmon_init: number of checks, then one check to pick the initial period, then the monitoring period. */
  async init(): Promise<void> {
    const stats = this.#nodes.some((n) => n.collectSyncStats);
    // Link state alone needs no confirmation; offsets must hold 3 times.
    this.numChecks = stats ? NUM_SYNC_CHECKS : 1;
    if (!stats) this.#sameGm = true;
    if (await this.check()) this.initialIntervalNs = NSEC_PER_SEC / 10n;
    else if (this.#within3x()) this.initialIntervalNs = NSEC_PER_SEC / 2n;
    else this.initialIntervalNs = NSEC_PER_SEC;
    let shortest: bigint | null = null;
    for (const n of this.#nodes) {
      if (n.role !== 'sender') continue;
      const d = (n.numFrames ?? 0n) * (n.cycleTime ?? 0n);
      if (shortest === null || d < shortest) shortest = d;
    }
    const interval = (shortest ?? NSEC_PER_SEC) / BigInt(this.numChecks);
    this.monitorIntervalNs = interval > NSEC_PER_SEC ? NSEC_PER_SEC : interval;
  }

  #within3x(): boolean {
    return this.#nodes.every((n) => {
      if (!n.collectSyncStats) return true;
      const s = this.#st(n);
      const limit = 3n * n.syncThreshold;
      return !s.transient && abs(s.ptpmonOffset) <= limit && abs(s.sysmonOffset) <= limit;
    });
  }

  /** One round over all nodes (C's syncmon_sync_ok). */
  async check(): Promise<boolean> {
    let linkDown = false;
    let transient = false;
    let ptpmonDone = true;
    let sysmonDone = true;
    for (const n of [...this.#nodes]) {
      if (!this.#nodes.includes(n)) continue; // its pair failed during this round
      try {
        await this.#updateLink(n);
        const s = this.#st(n);
        if (s.linkState !== PortLinkState.RUNNING) linkDown = true;
        if (!n.collectSyncStats) continue;
        await this.#updateSync(n);
        if (s.transient) transient = true;
        if (!s.ptpmonDone) ptpmonDone = false;
        if (!s.sysmonDone) sysmonDone = false;
      } catch (err) {
        this.#onNodeError(n, err);
        this.dropPair(n.pair);
      }
    }
    for (const n of this.#nodes) {
      if (n.role !== 'sender' || !n.collectSyncStats) continue;
      const s = this.#st(n);
      const rcv = this.#nodes.find((r) => r.role === 'receiver' && r.pair === n.pair);
      const now = formatNs(this.#io.nowTai());
      let line = `isochron[${now}]: ${n.link.name} ptpmon ${col(s.ptpmonOffset)} sysmon ${col(s.sysmonOffset)}`;
      if (rcv && rcv.collectSyncStats) {
        const r = this.#st(rcv);
        line += ` receiver ptpmon ${col(r.ptpmonOffset)} sysmon ${col(r.sysmonOffset)}`;
      }
      this.#io.out(`${line}\n`);
    }
    return !linkDown && !transient && this.#sameGm && ptpmonDone && sysmonDone;
  }

  async #updateLink(n: MonitoredNode): Promise<void> {
    let link: LinkState;
    try {
      link = await n.link.client.get(Mid.PORT_LINK_STATE);
    } catch (err) {
      this.#io.err(`Port link state missing from node ${n.link.name} reply\n`);
      throw err;
    }
    const s = this.#st(n);
    if (s.linkState === link) return;
    s.linkState = link;
    if (link === PortLinkState.RUNNING) this.#io.out(`Link state of node ${n.link.name} is running\n`);
    if (link === PortLinkState.DOWN) this.#io.out(`Link state of node ${n.link.name} is down\n`);
  }

  async #updateSync(n: MonitoredNode): Promise<void> {
    const c = n.link.client;
    const ask = async <T>(what: string, q: () => Promise<T>): Promise<T> => {
      try {
        return await q();
      } catch (err) {
        this.#io.err(`${what} missing from mgmt reply\n`);
        throw err;
      }
    };
    const sysmon = await ask('sysmon offset', () => c.get(Mid.SYSMON_OFFSET));
    const ptpmon = await ask('ptpmon offset', () => c.get(Mid.PTPMON_OFFSET));
    const utc = await ask('UTC offset', () => c.get(Mid.UTC_OFFSET));
    const port = await ask('port state', () => c.get(Mid.PORT_STATE));
    const gmId = await ask('GM clock identity', () => c.get(Mid.GM_CLOCK_IDENTITY));
    const s = this.#st(n);
    s.sysmonOffset = sysmon.offset + NSEC_PER_SEC * BigInt(utc);
    s.ptpmonOffset = ptpmon;
    s.transient = port !== PS_MASTER && port !== PS_SLAVE;
    s.ptpmonDone = abs(s.ptpmonOffset) <= n.syncThreshold;
    s.sysmonDone = abs(s.sysmonOffset) <= n.syncThreshold;
    if (port !== s.portState) {
      this.#io.out(`Node ${n.link.name} port changed state to ${portStateName(port)}\n`);
      s.portState = port;
    }
    const gm = clockIdText(gmId);
    if (gm !== s.gm) {
      this.#io.out(`Node ${n.link.name} changed GM to ${gm}\n`);
      s.gm = gm;
      s.gmWarned = false;
      this.#compareGrandmasters();
    }
  }

  #compareGrandmasters(): void {
    this.#sameGm = true;
    const withStats = this.#nodes.filter((n) => n.collectSyncStats);
    for (const a of withStats) {
      const b = withStats.find((o) => o !== a && this.#st(o).gm !== this.#st(a).gm);
      if (!b) continue;
      this.#sameGm = false;
      const sa = this.#st(a);
      const sb = this.#st(b);
      if (sa.gm === ZERO_GM || sb.gm === ZERO_GM || (sa.gmWarned && sb.gmWarned)) continue;
      this.#io.out(`Nodes not synchronized to the same grandmaster, ${a.link.name} has ${sa.gm}, ${b.link.name} has ${sb.gm}\n`);
      sa.gmWarned = true;
      sb.gmWarned = true;
    }
  }
}
