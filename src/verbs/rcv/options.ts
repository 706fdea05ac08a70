// `isochron rcv`: the C option table (omit-hwts branch, -Y last) and the
// checks and defaults C applies before touching the system. Unlike send,
// rcv applies its defaults after parsing, so an explicit 0 means "default".
import type { VerbSpec } from '../../args/spec.js';
import { HELP_OPTION, IFNAME_LIMIT, opt, UDS_LIMIT } from '../../args/spec.js';
import type { ResolvedOptions } from '../../args/resolve.js';
import { documented } from '../../args/option-docs.js';
import { RCV_OPTION_DOCS } from './option-docs.js';
import type { IpAddress } from '../../args/values/index.js';
import { isZeroMac } from '../../core/mac.js';
import { invalidCombination } from '../../args/errors.js';
import { DEFAULT_DATA_PORT, DEFAULT_ETHERTYPE, DEFAULT_NUM_READINGS, DEFAULT_STATS_PORT, DEFAULT_UDS } from '../../engine/traffic/defaults.js';

export const RCV_SPEC: VerbSpec = documented({
  usageName: 'isochron-rcv',
  options: [
    HELP_OPTION,
    { ...opt('-i', '--interface', 'interface', 'ifname', IFNAME_LIMIT), optional: false },
    opt('-d', '--dmac', 'dmac', 'mac'),
    opt('-q', '--quiet', 'quiet', 'bool'),
    opt('-e', '--etype', 'etype', 'long'),
    opt('-S', '--stats-address', 'statsAddress', 'ip'),
    opt('-P', '--stats-port', 'statsPort', 'long'),
    opt('-H', '--sched-priority', 'schedPriority', 'long'),
    opt('-f', '--sched-fifo', 'schedFifo', 'bool'),
    opt('-r', '--sched-rr', 'schedRr', 'bool'),
    opt('-O', '--utc-tai-offset', 'utcTaiOffset', 'long'),
    opt('-2', '--l2', 'l2', 'bool'),
    opt('-4', '--l4', 'l4', 'bool'),
    opt('-N', '--domain-number', 'domainNumber', 'long'),
    opt('-t', '--transport-specific', 'transportSpecific', 'long'),
    opt('-U', '--unix-domain-socket', 'unixDomainSocket', 'filepath', UDS_LIMIT),
    opt('-R', '--num-readings', 'numReadings', 'long'),
    opt('-Y', '--omit-hwts', 'omitHwts', 'bool'),
    // Ours, after the C tool's options (docs/cli.md).
    { ...opt('-G', '--no-progress', 'noProgress', 'bool'), doc: { meaning: 'Do not draw the live status line on stderr (it is drawn only when stderr is a terminal)', default: 'drawn on a terminal', example: '--no-progress' } },
    { ...opt('-m', '--metrics-port', 'metricsPort', 'long'), doc: { meaning: 'Serve Prometheus/OpenMetrics metrics over HTTP at /metrics on this TCP port (docs/metrics.md)', default: 'off (no endpoint)', example: '--metrics-port 9465' } },
    { ...opt('-M', '--metrics-address', 'metricsAddress', 'ip'), doc: { meaning: 'Address the metrics endpoint listens on; ADDRESS%DEVICE binds it to a device, as --stats-address', default: 'any address (:: dual stack, 0.0.0.0 without IPv6)', requiredWhen: 'only with --metrics-port', example: '--metrics-address 192.0.2.1%eth0' } },
  ],
}, RCV_OPTION_DOCS);

export interface RcvOptions {
  interface: string;
  /** null: not given (all-zero). */
  destinationMac: Buffer | null;
  quiet: boolean;
  /** --no-progress: no status line on a terminal (src/engine/progress). */
  noProgress: boolean;
  /** 0 or absent -> 0xdead. */
  etype: bigint;
  /** Address to listen on for the stats connection; null = any. */
  statsAddress: IpAddress | null;
  /** 0 or absent -> 5000. */
  statsPort: bigint;
  schedPriority: bigint;
  schedFifo: boolean;
  schedRr: boolean;
  /**
   * null: not given (-1). The run must then read the kernel's UTC-TAI offset
   * and print "Using the kernel UTC-TAI offset which is N" (C does this for
   * rcv unconditionally); a given value is written to the kernel.
   */
  utcTaiOffset: bigint | null;
  /** rcv may listen on both; neither given means L2 only. */
  l2: boolean;
  l4: boolean;
  /** Not settable on the command line: 6000. */
  dataPort: bigint;
  domainNumber: bigint;
  transportSpecific: bigint;
  /** "" or absent -> /var/run/ptp4l. */
  unixDomainSocket: string;
  /** 0 or absent -> 5. */
  numReadings: bigint;
  omitHwts: boolean;
  /** 0 or absent: no metrics endpoint. */
  metricsPort: bigint;
  /** null: any address (with a metrics port). */
  metricsAddress: IpAddress | null;
}

export function buildRcvOptions(r: ResolvedOptions): RcvOptions {
  if (r.flag('schedFifo') && r.flag('schedRr')) {
    throw invalidCombination('cannot have SCHED_FIFO and SCHED_RR at the same time');
  }
  const orDefault = (v: bigint, d: bigint): bigint => (v === 0n ? d : v);
  const l2 = r.flag('l2');
  const l4 = r.flag('l4');
  const dmac = r.mac('dmac');
  const utcTaiOffset = r.integer('utcTaiOffset', -1n);
  return {
    interface: r.text('interface', ''),
    destinationMac: isZeroMac(dmac) ? null : dmac,
    quiet: r.flag('quiet'),
    noProgress: r.flag('noProgress'),
    etype: orDefault(r.integer('etype', 0n), BigInt(DEFAULT_ETHERTYPE)),
    statsAddress: r.ip('statsAddress'),
    statsPort: orDefault(r.integer('statsPort', 0n), BigInt(DEFAULT_STATS_PORT)),
    schedPriority: r.integer('schedPriority', 0n),
    schedFifo: r.flag('schedFifo'),
    schedRr: r.flag('schedRr'),
    utcTaiOffset: utcTaiOffset === -1n ? null : utcTaiOffset,
    l2: l2 || !l4,
    l4,
    dataPort: BigInt(DEFAULT_DATA_PORT),
    domainNumber: r.integer('domainNumber', 0n),
    transportSpecific: r.integer('transportSpecific', 0n),
    unixDomainSocket: r.text('unixDomainSocket', '') || DEFAULT_UDS,
    numReadings: orDefault(r.integer('numReadings', 0n), BigInt(DEFAULT_NUM_READINGS)),
    omitHwts: r.flag('omitHwts'),
    metricsPort: r.integer('metricsPort', 0n),
    metricsAddress: r.ip('metricsAddress'),
  };
}
