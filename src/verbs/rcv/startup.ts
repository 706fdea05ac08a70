// What `isochron rcv` checks and prints before it listens, in C's order:
// UTC-TAI offset line, interface admin state, ETHTOOL_GET_TS_INFO warnings,
// the PHC for sysmon ("interface X does not have a PHC"; fatal unless
// --omit-hwts), our destination MAC, the stats port.
import type { RcvOptions } from './options.js';
import { SOF_TIMESTAMPING } from '../../sys/constants.js';
import { interfaceFlags, interfaceMac } from '../../sys/iface.js';
import { kernelIoctl, type DeviceIoctl } from '../../sys/ioctl.js';
import { formatMac } from '../../core/mac.js';
import { getTsInfo } from '../../sys/tstamp.js';
import { RcvInterfaceDown, RcvNoPhc, RcvStatsPortRange } from '../../engine/receiver/errors.js';
import type { OutputStreams } from '../../core/output.js';
import { openSysmon, sysmonMethodLine, type Sysmon } from '../../engine/receiver/sync-sources.js';
import { planReceiverUtcOffset } from '../../engine/receiver/utc.js';

export interface Prepared {
  utcTaiOffset: number;
  dmac: string;
  statsPort: number;
  sysmon: Sysmon | null;
}

/** C's sk_validate_ts_info warnings (hardware ones skipped with --omit-hwts). */
export function tsInfoWarnings(soTimestamping: number, omitHwts: boolean): string[] {
  const checks: Array<[keyof typeof SOF_TIMESTAMPING, boolean]> = [
    ['TX_HARDWARE', !omitHwts],
    ['RX_HARDWARE', !omitHwts],
    ['TX_SOFTWARE', true],
    ['RX_SOFTWARE', true],
    ['SOFTWARE', true],
  ];
  return checks
    .filter(([flag, applies]) => applies && (soTimestamping & SOF_TIMESTAMPING[flag]) === 0)
    .map(([flag]) => `Driver not capable of SOF_TIMESTAMPING_${flag}, continuing anyway\n`);
}

export function checkStatsPort(port: bigint): number {
  if (port < 1n || port > 65535n) throw RcvStatsPortRange(port);
  return Number(port);
}

/** `io` stands in for the NIC's timestamping/PHC ioctls (tests pass a fake NIC). */
export function prepareReceiver(o: RcvOptions, out: OutputStreams, io: DeviceIoctl = kernelIoctl): Prepared {
  const statsPort = checkStatsPort(o.statsPort);
  const utc = planReceiverUtcOffset(o.utcTaiOffset);
  if (utc.stderr) out.err(utc.stderr);
  if (!interfaceFlags(o.interface).up) throw RcvInterfaceDown(o.interface);
  const info = getTsInfo(o.interface, io);
  for (const line of tsInfoWarnings(info.soTimestamping, o.omitHwts)) out.err(line);
  let sysmon: Sysmon | null = null;
  if (info.phcIndex < 0) {
    out.err(`interface ${o.interface} does not have a PHC\n`);
  } else {
    try {
      sysmon = openSysmon(info.phcIndex, Number(o.numReadings), io);
      out.out(sysmonMethodLine(sysmon));
    } catch (err) {
      out.err(`cannot open /dev/ptp${info.phcIndex}: ${(err as Error).message}\n`);
    }
  }
  if (!sysmon && !o.omitHwts) throw RcvNoPhc(o.interface);
  const dmac = formatMac(o.destinationMac ?? interfaceMac(o.interface));
  return { utcTaiOffset: utc.offset, dmac, statsPort, sysmon };
}
