// One node of the sync monitor (C's syncmon_node): what was last seen of
// its PTP port and clocks, and the lines C prints when something changes.
import { formatClockIdentity, PortState, portStateName } from '../ptpmon/index.js';

const NSEC_PER_SEC = 1_000_000_000n;
const ZERO_ID = Buffer.alloc(8);

/** What one query round tells about a node. */
export interface SyncSnapshot {
  /** ptp4l's offset from its master (CURRENT_DATA_SET), ns. */
  ptpmonOffset: bigint;
  /** CLOCK_REALTIME - PHC, ns; null when the node has no PHC to compare (software timestamping). */
  sysmonOffset: bigint | null;
  /** currentUtcOffset, s. */
  utcOffset: number;
  portState: number;
  gmClockIdentity: Buffer;
}

export class SyncNodeState {
  portState = 0;
  gm: Buffer = ZERO_ID;
  gmWarned = false;
  ptpmonOffset = 0n;
  /** After adding the UTC offset back (REALTIME vs TAI PHC); null without a PHC. */
  sysmonOffset: bigint | null = null;
  transientPortState = false;
  ptpmonSyncDone = false;
  sysmonSyncDone = false;
  /** Set once the first snapshot has been applied. */
  seen = false;

  constructor(
    readonly name: string,
    readonly threshold: bigint,
  ) {}

  /** Applies a snapshot; returns the lines to print and whether the GM changed. */
  apply(s: SyncSnapshot): { lines: string[]; gmChanged: boolean } {
    const lines: string[] = [];
    this.seen = true;
    this.ptpmonOffset = s.ptpmonOffset;
    this.sysmonOffset = s.sysmonOffset === null ? null : s.sysmonOffset + NSEC_PER_SEC * BigInt(s.utcOffset);
    this.transientPortState = s.portState !== PortState.MASTER && s.portState !== PortState.SLAVE;
    this.ptpmonSyncDone = abs(this.ptpmonOffset) <= this.threshold;
    // Without a PHC the system clock is the clock ptp4l disciplines: nothing to wait for.
    this.sysmonSyncDone = this.sysmonOffset === null || abs(this.sysmonOffset) <= this.threshold;
    if (s.portState !== this.portState) {
      lines.push(`Node ${this.name} port changed state to ${portStateName(s.portState)}\n`);
      this.portState = s.portState;
    }
    let gmChanged = false;
    if (!s.gmClockIdentity.equals(this.gm)) {
      lines.push(`Node ${this.name} changed GM to ${formatClockIdentity(s.gmClockIdentity)}\n`);
      this.gm = Buffer.from(s.gmClockIdentity);
      this.gmWarned = false;
      gmChanged = true;
    }
    return { lines, gmChanged };
  }

  /** C's syncmon_all_nodes_within_3x_threshold, for this node. */
  within3x(): boolean {
    if (this.transientPortState) return false;
    const limit = 3n * this.threshold;
    return abs(this.ptpmonOffset) <= limit && (this.sysmonOffset === null || abs(this.sysmonOffset) <= limit);
  }

  get hasGm(): boolean {
    return !this.gm.equals(ZERO_ID);
  }
}

export function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** "%10lld", or n/a (right-aligned) for a node without a PHC. */
export function offsetColumn(v: bigint | null): string {
  return (v === null ? 'n/a' : v.toString()).padStart(10);
}
