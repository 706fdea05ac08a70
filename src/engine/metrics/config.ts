// Where a node serves its metrics, from --metrics-port and --metrics-address,
// checked before anything starts (the daemon checks in the parent, before it
// forks). No prom-client here: a node without --metrics-port never loads it.
import type { IpAddress } from '../../args/values/index.js';
import { MetricsAddressWithoutPort, MetricsPortClash, MetricsPortRange } from './errors.js';
import type { MetricsListenAddress } from './server.js';

export interface MetricsConfig {
  port: number;
  /** null: any address (`::` dual stack, `0.0.0.0` without IPv6), like the management port. */
  address: MetricsListenAddress | null;
}

/**
 * null when `port` is 0 (--metrics-port absent or 0: the endpoint is off).
 * Throws ISOCHRON_ERR_METRICS_PORT_RANGE, ..._ADDRESS_WITHOUT_PORT for an address without a port,
 * or ..._PORT_CLASH when it is the node's management port (`statsPort`): one of the two
 * listeners would fail with a hint about another program.
 */
export function metricsConfig(port: bigint, address: IpAddress | null, statsPort?: bigint): MetricsConfig | null {
  if (port === 0n) {
    if (address) throw MetricsAddressWithoutPort();
    return null;
  }
  if (port < 1n || port > 65535n) throw MetricsPortRange(port);
  if (statsPort !== undefined && port === statsPort) throw MetricsPortClash(port);
  return {
    port: Number(port),
    address: address ? { family: address.family, address: address.address, ...(address.device ? { device: address.device } : {}) } : null,
  };
}
