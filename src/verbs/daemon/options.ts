// `isochron daemon`: option table and defaults (stats port 0 -> 5000).
import type { VerbSpec } from '../../args/spec.js';
import { HELP_OPTION, PATH_LIMIT } from '../../args/spec.js';
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
}

export function buildDaemonOptions(r: ResolvedOptions): DaemonOptions {
  const statsPort = r.integer('statsPort', 0n);
  return {
    pidFile: r.text('pidFile', '') || null,
    logFile: r.text('logFile', '') || null,
    statsPort: statsPort === 0n ? BigInt(DEFAULT_STATS_PORT) : statsPort,
    statsAddress: r.ip('statsAddress'),
  };
}
