// What the daemon's metrics endpoint reads at each scrape: the sender role's
// interface and its TEST_STATE (the value GET TEST_STATE answers), and the
// observers the role's runs and sync monitors report to.
import type { SendRunObserver } from '../../engine/sender/observer.js';
import type { SyncObserver } from '../../engine/syncmon/index.js';

/** What the status needs of the sender role (role.ts SenderRole; structural, so this module imports nothing of it). */
export interface RoleView {
  readonly params: { readonly ifname: string };
  readonly session: { readonly state: 'running' | 'finished' | 'failed' } | null;
}

/** The metrics registry as the daemon uses it (src/engine/metrics/registry.ts NodeMetrics). */
export interface DaemonMetrics {
  senderRun(ifname: string): SendRunObserver;
  sync(ifname: () => string): SyncObserver;
}

/** The role's interface and test state (0 idle, 1 running, 2 failed; no role: idle). */
export function daemonStatus(role: RoleView | null): { interface: string; testState: number } {
  const state = role?.session?.state;
  return { interface: role?.params.ifname ?? '', testState: state === 'running' ? 1 : state === 'failed' ? 2 : 0 };
}
