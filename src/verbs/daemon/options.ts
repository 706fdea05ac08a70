// `isochron daemon`: option table and defaults (stats port 0 -> 5000).
import type { VerbSpec } from '../../args/spec.js';
import { HELP_OPTION, opt, PATH_LIMIT } from '../../args/spec.js';
import type { ResolvedOptions } from '../../args/resolve.js';
import { documented } from '../../args/option-docs.js';
import { DAEMON_OPTION_DOCS } from './option-docs.js';
import type { IpAddress } from '../../args/values/index.js';
import { DEFAULT_STATS_PORT } from '../../engine/traffic/defaults.js';

export const DAEMON_SPEC: VerbSpec = documented({
  usageName: 'isochron-daemon',
  options: [
    HELP_OPTION,
    { short: '-p', long: '--pid-file', key: 'pidFile', kind: 'filepath', optional: true, limit: PATH_LIMIT },
    { short: '-l', long: '--log-file', key: 'logFile', kind: 'filepath', optional: true, limit: PATH_LIMIT },
    { short: '-P', long: '--stats-port', key: 'statsPort', kind: 'long', optional: true },
    { short: '-S', long: '--stats-address', key: 'statsAddress', kind: 'ip', optional: true },
    // Ours, after C's options (issue 13).
    { ...opt('-m', '--metrics-port', 'metricsPort', 'long'), doc: { meaning: 'Serve Prometheus/OpenMetrics metrics over HTTP at /metrics on this TCP port (docs/metrics.md)', default: 'off (no endpoint)', example: '--metrics-port 9465' } },
    { ...opt('-M', '--metrics-address', 'metricsAddress', 'ip'), doc: { meaning: 'Address the metrics endpoint listens on; ADDRESS%DEVICE binds it to a device, as --stats-address', default: 'any address (:: dual stack, 0.0.0.0 without IPv6)', requiredWhen: 'only with --metrics-port', example: '--metrics-address 192.0.2.1%eth0' } },
  ],
}, DAEMON_OPTION_DOCS);

export interface DaemonOptions {
  /** null: not given or empty (C keeps an empty name = none). */
  pidFile: string | null;
  logFile: string | null;
  /** 0 or absent -> 5000. */
  statsPort: bigint;
  /** null: listen on any address. */
  statsAddress: IpAddress | null;
  /** 0 or absent: no metrics endpoint. */
  metricsPort: bigint;
  /** null: any address (with a metrics port). */
  metricsAddress: IpAddress | null;
}

export function buildDaemonOptions(r: ResolvedOptions): DaemonOptions {
  const statsPort = r.integer('statsPort', 0n);
  return {
    pidFile: r.text('pidFile', '') || null,
    logFile: r.text('logFile', '') || null,
    statsPort: statsPort === 0n ? BigInt(DEFAULT_STATS_PORT) : statsPort,
    statsAddress: r.ip('statsAddress'),
    metricsPort: r.integer('metricsPort', 0n),
    metricsAddress: r.ip('metricsAddress'),
  };
}
