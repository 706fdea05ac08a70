// Errors of the metrics endpoint (--metrics-port / --metrics-address on
// `isochron daemon` and `isochron rcv`).
import { defineError, Errno } from '../../core/errors.js';

export const MetricsPortRange = defineError(
  'ISOCHRON_ERR_METRICS_PORT_RANGE',
  Errno.EINVAL,
  (port: bigint) => `Metrics port ${port} is not a TCP port: use --metrics-port 1..65535 (or leave it out: no metrics endpoint)`,
);

export const MetricsListen = defineError(
  'ISOCHRON_ERR_METRICS_LISTEN',
  Errno.EADDRINUSE,
  (where: string, detail: string, hint: string) => `Failed to listen for metrics scrapes on ${where}: ${detail}: ${hint}`,
);

export const MetricsAddressWithoutPort = defineError(
  'ISOCHRON_ERR_METRICS_ADDRESS_WITHOUT_PORT',
  Errno.EINVAL,
  () => '--metrics-address needs --metrics-port: the metrics endpoint is off without a port',
);

export const MetricsPortClash = defineError(
  'ISOCHRON_ERR_METRICS_PORT_CLASH',
  Errno.EINVAL,
  (port: number) =>
    `--metrics-port ${port} is also the management connections' port (--stats-port, 5000 when not given): give the metrics endpoint a port of its own`,
);
