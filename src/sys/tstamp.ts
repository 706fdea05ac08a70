// Timestamping control: what the interface can do (ETHTOOL_GET_TS_INFO),
// switching hardware timestamping on (SIOCSHWTSTAMP), and the
// SO_TIMESTAMPING flag sets isochron uses on its sockets.
import { E } from '../core/errors.js';
import { ETHTOOL_GET_TS_INFO, HWTSTAMP_FILTER_ALL, HWTSTAMP_TX_OFF, HWTSTAMP_TX_ON, SIOCETHTOOL, SIOCGHWTSTAMP, SIOCSHWTSTAMP, SOF_TIMESTAMPING } from './constants.js';
import { NoHardwareTimestamping, NoSuchInterface, sysError } from './errors.js';
import { strerror } from '../core/errno-text.js';
import { withControlSocket } from './iface.js';
import { kernelIoctl, type DeviceIoctl } from './ioctl.js';
import {
  SIZEOF,
  decodeEthtoolTsInfo,
  decodeHwTstampConfig,
  encodeHwTstampConfig,
  makeIfreq,
  type HwTstampConfig,
  type TsInfo,
} from './structs.js';

export type { HwTstampConfig, TsInfo };

export interface TimestampingFlagsOptions {
  /** Also ask for hardware TX/RX timestamps (isochron without --omit-hwts). */
  hardware: boolean;
  /** SOF_TIMESTAMPING_OPT_TSONLY: the error queue returns no packet copy. */
  tsOnly?: boolean;
}

/** The SO_TIMESTAMPING flags isochron sets: software TX/RX/SCHED with OPT_ID, plus hardware ones. */
export function timestampingFlags(opts: TimestampingFlagsOptions): number {
  let flags =
    SOF_TIMESTAMPING.TX_SOFTWARE |
    SOF_TIMESTAMPING.RX_SOFTWARE |
    SOF_TIMESTAMPING.TX_SCHED |
    SOF_TIMESTAMPING.SOFTWARE |
    SOF_TIMESTAMPING.OPT_ID;
  if (opts.hardware) {
    flags |=
      SOF_TIMESTAMPING.TX_HARDWARE |
      SOF_TIMESTAMPING.RX_HARDWARE |
      SOF_TIMESTAMPING.RAW_HARDWARE |
      SOF_TIMESTAMPING.OPT_TX_SWHW;
  }
  if (opts.tsOnly) flags |= SOF_TIMESTAMPING.OPT_TSONLY;
  return flags;
}

function ifreqIoctl(ifname: string, request: number, data: Buffer, io: DeviceIoctl): number {
  const ifr = makeIfreq(ifname);
  return withControlSocket((fd) => io(fd, request, ifr, data));
}

/** ETHTOOL_GET_TS_INFO: timestamping capabilities and PHC index of an interface. */
export function getTsInfo(ifname: string, io: DeviceIoctl = kernelIoctl): TsInfo {
  const data = Buffer.alloc(SIZEOF.ethtool_ts_info);
  data.writeUInt32LE(ETHTOOL_GET_TS_INFO, 0);
  const errnum = ifreqIoctl(ifname, SIOCETHTOOL, data, io);
  if (errnum === E.ENODEV) throw NoSuchInterface.with({ errno: errnum }, ifname);
  if (errnum) throw sysError(`ioctl(SIOCETHTOOL ETHTOOL_GET_TS_INFO, ${ifname})`, errnum, 'ioctl-ts-info', { ifname });
  return decodeEthtoolTsInfo(data);
}

/** Names of the SOF_TIMESTAMPING_* flags set in `flags`, for messages and reports. */
export function timestampingFlagNames(flags: number): string[] {
  return Object.entries(SOF_TIMESTAMPING)
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
}

export interface HwTstampResult {
  /** What the driver configured: it may pick a broader rx_filter than asked. */
  applied: HwTstampConfig;
  /** applied differs from the request (isochron warns and carries on). */
  mismatch: boolean;
}

/**
 * SIOCSHWTSTAMP: turns hardware timestamping on the interface on (TX on/off,
 * RX filter ALL by default). Fails with NoHardwareTimestamping when the
 * driver cannot (EOPNOTSUPP, ERANGE, EINVAL from veth, bridges, most virtual
 * devices).
 */
export function setHwTimestamping(
  ifname: string,
  opts: { txOn: boolean; rxFilter?: number },
  io: DeviceIoctl = kernelIoctl,
): HwTstampResult {
  const want: HwTstampConfig = { flags: 0, txType: opts.txOn ? HWTSTAMP_TX_ON : HWTSTAMP_TX_OFF, rxFilter: opts.rxFilter ?? HWTSTAMP_FILTER_ALL };
  const data = encodeHwTstampConfig(want);
  const errnum = ifreqIoctl(ifname, SIOCSHWTSTAMP, data, io);
  if (errnum === E.ENODEV) throw NoSuchInterface.with({ errno: errnum }, ifname);
  if (errnum === E.EOPNOTSUPP || errnum === E.ERANGE || errnum === E.EINVAL || errnum === E.ENOTTY) {
    throw NoHardwareTimestamping.with({ errno: errnum }, ifname, strerror(errnum));
  }
  if (errnum) throw sysError(`ioctl(SIOCSHWTSTAMP, ${ifname})`, errnum, 'ioctl-hwtstamp', { ifname });
  const applied = decodeHwTstampConfig(data);
  return { applied, mismatch: applied.txType !== want.txType || applied.rxFilter !== want.rxFilter };
}

/** SIOCGHWTSTAMP: the interface's current hardware timestamping configuration. */
export function getHwTimestamping(ifname: string, io: DeviceIoctl = kernelIoctl): HwTstampConfig {
  const data = Buffer.alloc(SIZEOF.hwtstamp_config);
  const errnum = ifreqIoctl(ifname, SIOCGHWTSTAMP, data, io);
  if (errnum === E.ENODEV) throw NoSuchInterface.with({ errno: errnum }, ifname);
  if (errnum === E.EOPNOTSUPP || errnum === E.EINVAL || errnum === E.ENOTTY) {
    throw NoHardwareTimestamping.with({ errno: errnum }, ifname, strerror(errnum));
  }
  if (errnum) throw sysError(`ioctl(SIOCGHWTSTAMP, ${ifname})`, errnum, 'syscall', { ifname });
  return decodeHwTstampConfig(data);
}
