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
 * Throws ISOCHRON_ERR_METRICS_PORT_RANGE, or ..._ADDRESS_WITHOUT_PORT for an address without a port.
 */
export function metricsConfig(port: bigint, address: IpAddress | null): MetricsConfig | null {
  if (port === 0n) {
    if (address) throw MetricsAddressWithoutPort();
    return null;
  }
  if (port < 1n || port > 65535n) throw MetricsPortRange(port);
  return {
    port: Number(port),
    address: address ? { family: address.family, address: address.address, ...(address.device ? { device: address.device } : {}) } : null,
  };
}

/**
 * `metrics` unchanged, unless it would listen on the management port's own
 * port and address (the second bind fails, and its message names only
 * --stats-port): throws ISOCHRON_ERR_METRICS_PORT_CLASH before anything starts.
 * Two different specific addresses may share a port.
 */
export function metricsApartFromStats(metrics: MetricsConfig | null, statsPort: bigint, statsAddress: IpAddress | null): MetricsConfig | null {
  if (!metrics || BigInt(metrics.port) !== statsPort) return metrics;
  const apart = metrics.address !== null && statsAddress !== null && metrics.address.address !== statsAddress.address;
  if (!apart) throw MetricsPortClash(metrics.port);
  return metrics;
}
