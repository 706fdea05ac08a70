// The sender's sync monitor (C's syncmon as send.c sets it up): the local
// node (link state, plus ptp4l/PHC offsets unless --omit-sync) and, with
// --client, the remote receiver (link state, plus its offsets unless
// --omit-sync or --omit-remote-sync). The checking itself is
// src/engine/syncmon; this adapter adds what is the sender's own: a management
// connection that is gone is reported as such (not as "sync lost,
// repeating" as in C).
import type { IsochronError } from '../../core/errors.js';
import { localProbe, remoteProbe, Syncmon, type LocalSync, type SyncmonNodeSpec } from '../../engine/syncmon/index.js';
import { linkFlags } from '../../engine/sender/link-state.js';
import { isConnectionLost, type ReceiverLink } from './receiver-link.js';
import type { OutputStreams } from '../../core/output.js';

export type CheckResult = { ok: boolean; within3x: boolean; lost: IsochronError | null };

export interface SyncSettings {
  /** Our ptp4l and PHC; null with --omit-sync. */
  local: LocalSync | null;
  threshold: bigint;
  omitRemoteSync: boolean;
}

/** Why the local link is not running, in the terms of `ip link`. */
export function localLinkHint(ifname: string): string {
  try {
    const f = linkFlags(ifname);
    if (!f.up) return `interface ${ifname} is down (ip link set ${ifname} up)`;
    if (!f.running) return `no carrier on ${ifname} (link is up, no carrier: is the cable or the peer (veth peer, switch port) connected and up?)`;
    return `link of ${ifname} is down`;
  } catch (e) {
    return `cannot read the state of ${ifname}: ${(e as Error).message}`;
  }
}

export class SyncMonitor {
  private readonly syncmon: Syncmon;

  constructor(ifname: string, remote: ReceiverLink | null, io: OutputStreams, sync: SyncSettings | null = null) {
    const err = (line: string): void => io.err(line);
    const local: SyncmonNodeSpec = {
      name: 'local',
      role: 'send',
      link: async () => linkFlags(ifname).running,
      linkDownHint: () => localLinkHint(ifname),
      sync: sync?.local ? { probe: localProbe(sync.local.ptpmon, sync.local.sysmon, ifname, err), threshold: sync.threshold } : null,
    };
    const nodes: SyncmonNodeSpec[] = [];
    if (remote) {
      local.pair = 'remote';
      nodes.push({
        name: 'remote',
        role: 'rcv',
        link: async () => {
          try {
            return await remote.linkRunning();
          } catch (e) {
            io.err('Port link state missing from node remote reply\n');
            throw e;
          }
        },
        sync: sync?.local && !sync.omitRemoteSync ? { probe: remoteProbe(remote, err), threshold: sync.threshold } : null,
        linkDownHint: () => `the receiver ${remote.where} reports its link down (no carrier on its interface?)`,
      });
    }
    nodes.push(local);
    this.syncmon = new Syncmon(nodes, { out: (t) => io.out(t), err });
  }

  /** Good checks needed before the test, bad ones that stop it (C's num_checks). */
  get numChecks(): number {
    return this.syncmon.numChecks;
  }

  /** What the last check found missing (src/engine/syncmon Syncmon.waitingFor). */
  waitingFor(): string[] {
    return this.syncmon.waitingFor();
  }

  async check(): Promise<CheckResult> {
    const r = await this.syncmon.check();
    const lost = r.failure && isConnectionLost(r.failure) ? r.failure : null;
    return { ok: r.ok, within3x: r.within3x, lost };
  }
}
