// Errors of `isochron rcv`. Lines the C receiver also prints keep its wording
// (users grep for them); ours add what to do next.
import { defineError, Errno } from '../../core/errors.js';

/** -ENETDOWN: not in the shared Errno table; the C receiver exits with it (156). */
export const ENETDOWN = -100;

export const RcvInterfaceDown = defineError(
  'ISOCHRON_ERR_RCV_INTERFACE_DOWN',
  ENETDOWN,
  (ifname: string) => `Interface ${ifname} is administratively down`,
);

export const RcvStatsPortRange = defineError(
  'ISOCHRON_ERR_RCV_STATS_PORT_RANGE',
  Errno.EINVAL,
  (port: bigint) => `Stats port ${port} is not a TCP port: use --stats-port 1..65535`,
);

export const RcvStatsListen = defineError(
  'ISOCHRON_ERR_RCV_STATS_LISTEN',
  Errno.EADDRINUSE,
  (where: string, detail: string) =>
    `Failed to listen for the stats connection on ${where}: ${detail}`,
);

export const RcvNoPhc = defineError(
  'ISOCHRON_ERR_RCV_NO_PHC',
  Errno.ENOMEM,
  (ifname: string) => `Unable to measure PHC offset of ${ifname} to CLOCK_REALTIME, use --omit-hwts to override`,
);

export const RcvUtcOffset = defineError(
  'ISOCHRON_ERR_RCV_UTC_OFFSET',
  Errno.EPERM,
  (offset: bigint, detail: string) => `set_utc_tai_offset: could not set the kernel UTC-TAI offset to ${offset}: ${detail}`,
);

/** SIGINT/SIGTERM: C's receiver exits 0; every verb of ours gives an interrupted run one status. */
export const RcvInterrupted = defineError(
  'ISOCHRON_ERR_RCV_INTERRUPTED',
  Errno.EINTR,
  (signal: string) => `Interrupted by ${signal}`,
);
