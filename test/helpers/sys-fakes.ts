// Fakes for the hardware the test machine lacks, at exactly the boundary the
// syscall layer declares (src/sys/boundary.ts): a DeviceIoctl standing in for
// a NIC with hardware timestamping and a PHC, and a TimestampSource that
// wraps a real socket and adds the hardware timestamps such a NIC would give.
import { E } from '../../src/core/errors.js';
import { ETHTOOL_GET_TS_INFO, HWTSTAMP_FILTER_ALL, PTP_SYS_OFFSET, PTP_SYS_OFFSET_EXTENDED, PTP_SYS_OFFSET_PRECISE, SIOCETHTOOL, SIOCGHWTSTAMP, SIOCSHWTSTAMP, SOF_TIMESTAMPING } from '../../src/sys/constants.js';
import type { DeviceIoctl, PhcOpener, TimestampSource, Received } from '../../src/sys/boundary.js';
import { decodeHwTstampConfig, encodeEthtoolTsInfo, encodeHwTstampConfig, writePtpClockTime, type HwTstampConfig } from '../../src/sys/structs.js';

export interface FakeNicOptions {
  ifname: string;
  phcIndex: number;
  /** rx_filter the "driver" really applies (drivers may broaden the request). */
  appliedRxFilter?: number;
  /** ETHTOOL_GET_TS_INFO rx_filters (bit n = HWTSTAMP_FILTER n); default: ALL only. */
  rxFilters?: number;
}

/** A NIC that answers ETHTOOL_GET_TS_INFO and SIOC[GS]HWTSTAMP like a PTP-capable driver. */
export function fakeNic(opts: FakeNicOptions): DeviceIoctl & { readonly config: HwTstampConfig; readonly calls: number[] } {
  const state = { config: { flags: 0, txType: 0, rxFilter: 0 } as HwTstampConfig, calls: [] as number[] };
  const io = (_fd: number, request: number, arg: Buffer, data?: Buffer): number => {
    state.calls.push(request);
    const name = arg.toString('utf8', 0, arg.indexOf(0));
    if (name !== opts.ifname) return E.ENODEV;
    if (!data) return E.EFAULT;
    switch (request) {
      case SIOCETHTOOL:
        if (data.readUInt32LE(0) !== ETHTOOL_GET_TS_INFO) return E.EOPNOTSUPP;
        encodeEthtoolTsInfo(ETHTOOL_GET_TS_INFO, {
          soTimestamping:
            SOF_TIMESTAMPING.TX_HARDWARE | SOF_TIMESTAMPING.RX_HARDWARE | SOF_TIMESTAMPING.RAW_HARDWARE |
            SOF_TIMESTAMPING.TX_SOFTWARE | SOF_TIMESTAMPING.RX_SOFTWARE | SOF_TIMESTAMPING.SOFTWARE,
          phcIndex: opts.phcIndex,
          txTypes: 0b11,
          rxFilters: opts.rxFilters ?? 1 << HWTSTAMP_FILTER_ALL,
        }, data);
        return 0;
      case SIOCSHWTSTAMP: {
        const want = decodeHwTstampConfig(data);
        state.config = { ...want, rxFilter: opts.appliedRxFilter ?? want.rxFilter };
        encodeHwTstampConfig(state.config, data);
        return 0;
      }
      case SIOCGHWTSTAMP:
        encodeHwTstampConfig(state.config, data);
        return 0;
      default:
        return E.ENOTTY;
    }
  };
  // Live views of the state: `config` is replaced on every SIOCSHWTSTAMP.
  return Object.defineProperties(io, {
    config: { get: () => state.config, enumerable: true },
    calls: { get: () => state.calls, enumerable: true },
  }) as DeviceIoctl & { readonly config: HwTstampConfig; readonly calls: number[] };
}

export interface FakePhcOptions {
  /** PHC time = system time - offsetNs. */
  offsetNs: bigint;
  /** System time the first reading starts at. */
  startNs: bigint;
  /** [sys, sys] window per sample, ns; the estimator must pick the narrowest. */
  windowsNs: bigint[];
  supports: { precise: boolean; extended: boolean; basic: boolean };
}

/** A PHC answering the PTP_SYS_OFFSET ioctls with a known offset and known read windows. */
export function fakePhc(opts: FakePhcOptions): DeviceIoctl {
  return (_fd, request, arg) => {
    const window = (i: number): bigint => opts.windowsNs[i % opts.windowsNs.length];
    const sampleAt = (i: number): [bigint, bigint, bigint] => {
      const t1 = opts.startNs + BigInt(i) * 1000n;
      const t2 = t1 + window(i);
      const mid = (t1 + t2) / 2n;
      return [t1, mid - opts.offsetNs, t2];
    };
    if (request === PTP_SYS_OFFSET_PRECISE) {
      if (!opts.supports.precise) return E.EOPNOTSUPP;
      writePtpClockTime(arg, 0, opts.startNs - opts.offsetNs);
      writePtpClockTime(arg, 16, opts.startNs);
      writePtpClockTime(arg, 32, opts.startNs / 2n);
      return 0;
    }
    if (request === PTP_SYS_OFFSET_EXTENDED) {
      if (!opts.supports.extended) return E.EOPNOTSUPP;
      const n = arg.readUInt32LE(0);
      for (let i = 0; i < n; i++) {
        const [t1, tp, t2] = sampleAt(i);
        writePtpClockTime(arg, 16 + i * 48, t1);
        writePtpClockTime(arg, 16 + i * 48 + 16, tp);
        writePtpClockTime(arg, 16 + i * 48 + 32, t2);
      }
      return 0;
    }
    if (request === PTP_SYS_OFFSET) {
      if (!opts.supports.basic) return E.EOPNOTSUPP;
      // Interleaved: sys0 phc0 sys1 phc1 ... sysN. Sample i is (sys_i, phc_i, sys_i+1),
      // so consecutive samples share a system reading: lay them out back to back.
      const n = arg.readUInt32LE(0);
      let sys = opts.startNs;
      writePtpClockTime(arg, 16, sys);
      for (let i = 0; i < n; i++) {
        const next = sys + window(i);
        writePtpClockTime(arg, 16 + (2 * i + 1) * 16, (sys + next) / 2n - opts.offsetNs);
        writePtpClockTime(arg, 16 + (2 * i + 2) * 16, next);
        sys = next;
      }
      return 0;
    }
    return E.ENOTTY;
  };
}

/** Opens /dev/ptpN without a device: an fd no real ioctl could reach, for a fakePhc to answer; records opens and closes. */
export function fakePhcOpener(): PhcOpener & { readonly opened: number[]; readonly closed: number } {
  const state = { opened: [] as number[], closed: 0 };
  const open: PhcOpener = (index) => {
    state.opened.push(index);
    return { fd: -1000 - index, path: `/dev/ptp${index}`, close: () => void state.closed++ };
  };
  return Object.defineProperties(open, {
    opened: { get: () => state.opened, enumerable: true },
    closed: { get: () => state.closed, enumerable: true },
  }) as PhcOpener & { readonly opened: number[]; readonly closed: number };
}

/** One DeviceIoctl for a NIC and its PHC: PTP_SYS_OFFSET* go to the PHC, the rest to the NIC. */
export function fakeNicWithPhc(nic: DeviceIoctl, phc: DeviceIoctl): DeviceIoctl {
  const phcRequests = new Set([PTP_SYS_OFFSET, PTP_SYS_OFFSET_EXTENDED, PTP_SYS_OFFSET_PRECISE]);
  return (fd, request, arg, data) => (phcRequests.has(request) ? phc(fd, request, arg, data) : nic(fd, request, arg, data));
}

const TS_TYPE_SCHED = 1;

/**
 * A socket as if the NIC timestamped in hardware: every software timestamp
 * from the real kernel gets a hardware twin `phcOffsetNs` away, TX and RX.
 */
export class FakeHwTimestampSource implements TimestampSource {
  constructor(private readonly inner: TimestampSource, private readonly phcOffsetNs: bigint) {}

  get txBuffer(): Buffer {
    return this.inner.txBuffer;
  }

  sendPrepared(length: number, txtime?: bigint): number {
    return this.inner.sendPrepared(length, txtime);
  }

  recv(timeoutMs: number): Received | null {
    return this.#stamp(this.inner.recv(timeoutMs));
  }

  recvErrQueue(timeoutMs: number): Received | null {
    return this.#stamp(this.inner.recvErrQueue(timeoutMs));
  }

  close(): void {
    this.inner.close();
  }

  #stamp(r: Received | null): Received | null {
    // A NIC stamps the frame when it leaves (SND) or arrives, never at the qdisc (SCHED).
    if (r && r.control.swTs !== 0n && r.control.tsType !== TS_TYPE_SCHED) r.control.hwTs = r.control.swTs - this.phcOffsetNs;
    return r;
  }
}
