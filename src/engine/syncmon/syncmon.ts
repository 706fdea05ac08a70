// The sync monitor (C's syncmon): nodes with a link state and, unless sync
// is omitted for them, a sync snapshot. One check() is C's syncmon_sync_ok:
// every node's link and sync are queried (in C's list order: the remote
// receiver before the local sender), changes are printed, then the sender's
// offsets line, and the verdict is: all links running, no port in a
// transient state, one grandmaster, every offset within the threshold.
//
// The waits around it (how many good checks before the test, how many bad
// ones stop it) stay with the caller; numChecks is C's count for them.
import { formatClockIdentity } from '../ptpmon/index.js';
import { CLOCK_TAI } from '../../sys/constants.js';
import { clockGettime } from '../../sys/time.js';
import { formatNs } from '../traffic/schedule.js';
import { offsetColumn, SyncNodeState } from './node.js';
import type { SyncProbe } from './probes.js';
import type { OutputStreams } from '../../core/output.js';

/** C's NUM_SYNC_CHECKS. */
export const NUM_SYNC_CHECKS = 3;

export interface SyncmonNodeSpec {
  name: string;
  role: 'send' | 'rcv';
  /**
   * Link running? 'unknown' when the node could not tell (a remote node's
   * PORT_LINK_STATE 0): not running, and no line printed, as in C. Throws
   * (after printing its own line) when it cannot be asked.
   */
  link: () => Promise<boolean | 'unknown'>;
  /** null: --omit-sync (or --omit-remote-sync for the receiver): link state only. */
  sync: { probe: SyncProbe; threshold: bigint } | null;
  /** The sender's receiver node, for the two-node offsets line. */
  pair?: string;
  /**
   * What a link that is not running means for this node, for the "still
   * waiting" notice (e.g. which interface has no carrier); default: the
   * node's link is down.
   */
  linkDownHint?: () => string;
}

export interface SyncCheck {
  ok: boolean;
  /** C's "all nodes within 3x the threshold" (decides the first waiting interval). */
  within3x: boolean;
  /** Why the check could not be made (a query failed); null when it was made. */
  failure: unknown;
}

interface Node {
  spec: SyncmonNodeSpec;
  running: boolean | 'unknown' | null;
  sync: SyncNodeState | null;
}

export class Syncmon {
  #nodes: Node[];
  #sameGm: boolean;
  #failedNode: string | null = null;
  readonly numChecks: number;

  constructor(
    nodes: SyncmonNodeSpec[],
    private readonly io: OutputStreams,
    private readonly now: () => bigint = () => clockGettime(CLOCK_TAI),
  ) {
    this.#nodes = nodes.map((spec) => ({ spec, running: null, sync: spec.sync ? new SyncNodeState(spec.name, spec.sync.threshold) : null }));
    const haveSync = this.#nodes.some((n) => n.sync);
    // Without sync statistics one link check is enough, and there is no GM to compare.
    this.numChecks = haveSync ? NUM_SYNC_CHECKS : 1;
    this.#sameGm = !haveSync;
  }

  get collectsSync(): boolean {
    return this.#nodes.some((n) => n.sync);
  }

  /** The last state seen of a node (tests, reports). */
  node(name: string): SyncNodeState | null {
    return this.#nodes.find((n) => n.spec.name === name)?.sync ?? null;
  }

  /** The node whose query failed in the last check (null when the check was made). */
  get failedNode(): string | null {
    return this.#failedNode;
  }

  /**
   * Stops watching some nodes (an orchestrator whose node failed carries on
   * with the others; C never drops one). Whether the rest follow one
   * grandmaster is worked out again, without new lines.
   */
  drop(names: readonly string[]): void {
    this.#nodes = this.#nodes.filter((n) => !names.includes(n.spec.name));
    const syncing = this.#nodes.filter((n) => n.sync).map((n) => n.sync as SyncNodeState);
    this.#sameGm = syncing.every((s) => s.gm.equals(syncing[0].gm));
  }

  /**
   * What the last check found missing, one phrase per condition (empty when
   * it passed): links not running, ports in a transient state, offsets above
   * the threshold, different grandmasters. For the periodic notice of a wait.
   */
  waitingFor(): string[] {
    const out: string[] = [];
    for (const n of this.#nodes) {
      if (n.running === false) out.push(n.spec.linkDownHint?.() ?? `link of node ${n.spec.name} is down`);
      else if (n.running === 'unknown') out.push(`node ${n.spec.name} cannot tell its link state`);
      if (!n.sync) continue;
      if (!n.sync.seen) continue;
      if (n.sync.transientPortState) out.push(`ptp4l port of node ${n.spec.name} is in a transient state`);
      else if (!n.sync.ptpmonSyncDone || !n.sync.sysmonSyncDone) {
        out.push(`node ${n.spec.name} is not within --sync-threshold ${n.sync.threshold} ns (ptpmon ${n.sync.ptpmonOffset} ns, sysmon ${n.sync.sysmonOffset ?? 'n/a'} ns)`);
      }
    }
    if (!this.#sameGm) out.push('nodes follow different grandmasters');
    return out;
  }

  async check(): Promise<SyncCheck> {
    let anyDown = false;
    let transient = false;
    let allDone = true;
    this.#failedNode = null;
    for (const node of this.#nodes) {
      try {
        const running = await node.spec.link();
        if (running !== node.running && running !== 'unknown') {
          this.io.out(`Link state of node ${node.spec.name} is ${running ? 'running' : 'down'}\n`);
        }
        node.running = running;
      } catch (failure) {
        this.#failedNode = node.spec.name;
        return { ok: false, within3x: false, failure };
      }
      if (node.running !== true) anyDown = true;
      if (!node.sync || !node.spec.sync) continue;
      try {
        const snap = await node.spec.sync.probe();
        const { lines, gmChanged } = node.sync.apply(snap);
        for (const l of lines) this.io.out(l);
        if (gmChanged) this.#compareGrandmasters();
      } catch (failure) {
        this.#failedNode = node.spec.name;
        return { ok: false, within3x: false, failure };
      }
      if (node.sync.transientPortState) transient = true;
      if (!node.sync.ptpmonSyncDone || !node.sync.sysmonSyncDone) allDone = false;
    }
    this.#printOffsets();
    const within3x = this.#nodes.every((n) => !n.sync || n.sync.within3x());
    return { ok: !anyDown && !transient && this.#sameGm && allDone, within3x, failure: null };
  }

  /** C's syncmon_compare_node_grandmasters: one warning per pair until a GM changes again. */
  #compareGrandmasters(): void {
    this.#sameGm = true;
    const syncing = this.#nodes.filter((n) => n.sync).map((n) => n.sync as SyncNodeState);
    for (const a of syncing) {
      for (const b of syncing) {
        if (a === b || a.gm.equals(b.gm)) continue;
        this.#sameGm = false;
        if (a.hasGm && b.hasGm && !(a.gmWarned && b.gmWarned)) {
          this.io.out(
            `Nodes not synchronized to the same grandmaster, ${a.name} has ${formatClockIdentity(a.gm)}, ${b.name} has ${formatClockIdentity(b.gm)}\n`,
          );
          a.gmWarned = true;
          b.gmWarned = true;
        }
        break;
      }
    }
  }

  #printOffsets(): void {
    for (const node of this.#nodes) {
      if (node.spec.role !== 'send' || !node.sync) continue;
      const pair = node.spec.pair ? this.#nodes.find((n) => n.spec.name === node.spec.pair)?.sync : null;
      let line = `isochron[${formatNs(this.now())}]: ${node.spec.name} ptpmon ${offsetColumn(node.sync.ptpmonOffset)} sysmon ${offsetColumn(node.sync.sysmonOffset)}`;
      if (pair) line += ` receiver ptpmon ${offsetColumn(pair.ptpmonOffset)} sysmon ${offsetColumn(pair.sysmonOffset)}`;
      this.io.out(`${line}\n`);
    }
  }
}
