// What the C sender's syncmon does when sync statistics are off
// (--omit-sync): a check asks the receiver for its port link state (GET
// PORT_LINK_STATE) and reads the local interface's IFF_RUNNING, remote node
// first, and prints a line whenever a node's state changes:
//   Link state of node remote is running
// The check is ok when every link runs. Unlike C, a management connection
// that is gone is reported as such (not as "sync lost, repeating").
import type { IsochronError } from '../errors.js';
import { linkFlags } from './link-state.js';
import { isConnectionLost, type ReceiverLink } from './receiver-link.js';
import type { SendIo } from './io.js';

export type CheckResult = { ok: boolean; lost: IsochronError | null };

export class SyncMonitor {
  private readonly states = new Map<string, boolean>();

  constructor(
    private readonly ifname: string,
    private readonly remote: ReceiverLink | null,
    private readonly io: SendIo,
  ) {}

  private update(name: string, running: boolean): void {
    if (this.states.get(name) === running) return;
    this.states.set(name, running);
    this.io.out(`Link state of node ${name} is ${running ? 'running' : 'down'}\n`);
  }

  async check(): Promise<CheckResult> {
    if (this.remote) {
      try {
        this.update('remote', await this.remote.linkRunning());
      } catch (err) {
        this.io.err('Port link state missing from node remote reply\n');
        return { ok: false, lost: isConnectionLost(err) ? err : null };
      }
    }
    this.update('local', linkFlags(this.ifname).running);
    return { ok: [...this.states.values()].every((r) => r), lost: null };
  }
}
