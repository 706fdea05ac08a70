// One node's metrics endpoint: the registry and its HTTP server, started
// and stopped together. Verbs load this module only when --metrics-port is
// given (dynamic import), so prom-client costs nothing otherwise.
import type { MetricsConfig } from './config.js';
import type { ExportingRole } from './names.js';
import { NodeMetrics, type NodeStatus } from './registry.js';
import { MetricsServer } from './server.js';

export interface MetricsEndpoint {
  readonly metrics: NodeMetrics;
  /** The port it listens on (the one asked for). */
  readonly port: number;
  close(): Promise<void>;
}

/** Listens at `config`; throws ISOCHRON_ERR_METRICS_LISTEN (nothing left open). */
export async function startMetricsEndpoint(config: MetricsConfig, role: ExportingRole, status: () => NodeStatus): Promise<MetricsEndpoint> {
  const metrics = new NodeMetrics(role, status);
  const server = await MetricsServer.listen(config, metrics);
  return { metrics, port: server.port, close: () => server.close() };
}
