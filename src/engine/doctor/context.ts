// What the checks run against: the node's settings as the user gave them,
// the hardware seams of the syscall layer (a fake NIC and PHC in tests), and
// the facts earlier checks found that later ones build on.
import type { DeviceIoctl, PhcOpener } from '../../sys/boundary.js';
import type { TsInfo } from '../../sys/tstamp.js';
import type { QdiscProbe } from './qdisc-probe.js';
import type { CheckResult } from './ids.js';

export interface DoctorContext {
  /** -i; null: the interface's checks are skipped. */
  ifname: string | null;
  /** ptp4l's management socket (--unix-domain-socket). */
  udsPath: string;
  domainNumber: number;
  transportSpecific: number;
  /** NIC timestamping and PHC ioctls (kernelIoctl, or a fake NIC/PHC). */
  io: DeviceIoctl;
  /** Opens /dev/ptpN (the real device, or a fake one). */
  openPhc: PhcOpener;
  /** The interface's qdiscs and the kernel's schedulers (tc and /proc, or a fake taprio/etf). */
  qdiscs: QdiscProbe;
  /** Per ptp4l request, ms. */
  ptp4lTimeoutMs: number;
}

/** Facts one check finds and a later one uses, so nothing is asked twice. */
export interface Findings {
  /** The interface exists in this namespace (set by `interface`). */
  interfaceExists: boolean;
  /** ETHTOOL_GET_TS_INFO of the interface (set by `hw-timestamping`); null when it could not be read. */
  tsInfo: TsInfo | null;
  /** ptp4l's currentUtcOffset, s (set by `ptp4l`); null when ptp4l did not answer. */
  ptpUtcOffset: number | null;
}

export type Check = (ctx: DoctorContext, found: Findings) => Promise<CheckResult>;
