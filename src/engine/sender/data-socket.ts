// The data socket of a send session, set up in the C sender's order:
// socket (AF_PACKET bound to the interface and EtherType, or UDP to
// --ip-destination), SO_PRIORITY, source MAC, SO_TXTIME, then the
// timestamping checks whose stderr lines scripts know:
//   Driver not capable of SOF_TIMESTAMPING_TX_HARDWARE, continuing anyway
//   ioctl SIOCSHWTSTAMP failed: Operation not supported      (exit 161)
// The socket stays owned by the main thread; the loop workers get its fd.
import { CLOCK_TAI, SOF_TIMESTAMPING } from '../../sys/constants.js';
import { isIsochronError } from '../../core/errors.js';
import { strerror } from '../../core/errno-text.js';
import { hintFor } from '../../core/hints.js';
import { ifNameToIndex, interfaceMac } from '../../sys/iface.js';
import { kernelIoctl, type DeviceIoctl } from '../../sys/ioctl.js';
import { PacketSocket } from '../../sys/packet.js';
import type { DgramSocket } from '../../sys/dgram.js';
import { encodeSockaddrIn, encodeSockaddrLl } from '../../sys/structs.js';
import { getTsInfo, setHwTimestamping, timestampingFlags } from '../../sys/tstamp.js';
import { UdpSocket } from '../../sys/udp.js';
import { SendNoHwts, SendTsInfo } from './errors.js';
import type { OutputStreams } from '../../core/output.js';
import type { SendPlan } from './plan.js';

export interface DataSocket {
  readonly socket: DgramSocket;
  /** Kept in the worker's msghdr as msg_name, as C does for both transports. */
  readonly dest: Buffer;
  readonly smac: Buffer;
  close(): void;
}

const CAPABILITY_WARNINGS: Array<[number, string, boolean]> = [
  [SOF_TIMESTAMPING.TX_HARDWARE, 'TX_HARDWARE', true],
  [SOF_TIMESTAMPING.RX_HARDWARE, 'RX_HARDWARE', true],
  [SOF_TIMESTAMPING.TX_SOFTWARE, 'TX_SOFTWARE', false],
  [SOF_TIMESTAMPING.RX_SOFTWARE, 'RX_SOFTWARE', false],
  [SOF_TIMESTAMPING.SOFTWARE, 'SOFTWARE', false],
];

/** C's sk_validate_ts_info lines; the hardware ones are skipped with --omit-hwts. */
export function capabilityWarnings(soTimestamping: number, omitHwts: boolean): string[] {
  return CAPABILITY_WARNINGS.filter(([bit, , hw]) => (soTimestamping & bit) === 0 && !(hw && omitHwts)).map(
    ([, name]) => `Driver not capable of SOF_TIMESTAMPING_${name}, continuing anyway\n`,
  );
}

function errnoOf(err: unknown): number {
  return isIsochronError(err) ? -err.errno : 0;
}

/**
 * Receive buffer of the data socket, where the kernel queues TX timestamps
 * (its error queue) until the TX timestamp thread reads them; each entry
 * carries a clone of its frame and there are two per frame. A timestamp
 * that does not fit is dropped without a word. Measured on a loaded 2-CPU
 * machine, 200 frames at 100 us: with the default buffer (212992 bytes)
 * only 128-150 frames kept their TX timestamps (the last ones lost theirs,
 * the TX thread being off the CPU for some milliseconds); with this, all
 * 200, in every run. Behind a bridge port the clones of each frame add
 * two more entries per frame (measured: 127 of 317 packets kept their
 * stamps with the default). Only what is queued is charged, so a large
 * limit costs nothing while the thread keeps up.
 */
export const ERRQUEUE_BYTES = 16 << 20;

/** Socket buffer big enough for the largest frame C accepts. */
export function socketBufferSize(frameSize: number): number {
  return Math.max(2048, frameSize);
}

export function openDataSocket(plan: SendPlan, dmac: Buffer, io: OutputStreams, dev: DeviceIoctl = kernelIoctl): DataSocket {
  const bufferSize = socketBufferSize(plan.frameSize);
  let socket: DgramSocket;
  let dest: Buffer;
  if (plan.data.kind === 'l2') {
    // Send-only: the sender never reads frames, and queued ones (its own,
    // looped back on lo) would crowd TX timestamps out of the shared
    // receive buffer. C binds its sender to the EtherType.
    socket = PacketSocket.open({ ifname: plan.ifname, ethertype: plan.data.etype, mac: dmac, bufferSize, receive: false });
    dest = encodeSockaddrLl({ protocol: plan.data.etype, ifindex: ifNameToIndex(plan.ifname), addr: dmac });
  } else {
    const d = plan.data.dest;
    // C leaves sin6_scope_id 0 and relies on SO_BINDTODEVICE; a scope id
    // also makes link-local destinations work.
    const scopeId = d.family === 6 && d.device ? ifNameToIndex(d.device) : undefined;
    const target = { address: d.address, port: plan.data.port, scopeId };
    socket = UdpSocket.open({ family: d.family, device: d.device, dest: target, bufferSize });
    dest = encodeSockaddrIn({ family: d.family, ...target });
  }
  try {
    socket.setPriority(plan.priority);
    const smac = plan.data.kind === 'l2' && plan.data.smac ? plan.data.smac : interfaceMac(plan.ifname);
    if (plan.txtime) socket.setTxtime({ clockid: CLOCK_TAI, deadline: plan.deadline });
    if (plan.timestamps) {
      enableTimestamping(socket, plan, io, dev);
      socket.growReceiveBuffer(ERRQUEUE_BYTES);
    }
    return { socket, dest, smac, close: () => socket.close() };
  } catch (err) {
    socket.close();
    throw err;
  }
}

function enableTimestamping(socket: DgramSocket, plan: SendPlan, io: OutputStreams, dev: DeviceIoctl): void {
  let caps: number;
  try {
    caps = getTsInfo(plan.ifname, dev).soTimestamping;
  } catch (err) {
    const errnum = errnoOf(err);
    throw errnum ? SendTsInfo.with({ errno: errnum, hint: hintFor('ioctl-ts-info', errnum, { ifname: plan.ifname }) }, strerror(errnum)) : err;
  }
  for (const line of capabilityWarnings(caps, plan.omitHwts)) io.err(line);
  if (!plan.omitHwts) {
    let res;
    try {
      res = setHwTimestamping(plan.ifname, { txOn: true }, dev);
    } catch (err) {
      const errnum = errnoOf(err);
      throw errnum ? SendNoHwts.with({ errno: errnum, hint: hintFor('ioctl-hwtstamp', errnum, { ifname: plan.ifname }) }, strerror(errnum)) : err;
    }
    if (res.mismatch) {
      const want = { txType: 1, rxFilter: 1 };
      if (res.applied.txType !== want.txType) io.err(`tx_type   ${res.applied.txType} not ${want.txType}\n`);
      if (res.applied.rxFilter !== want.rxFilter) io.err(`rx_filter ${res.applied.rxFilter} not ${want.rxFilter}\n`);
      io.err('The current filter does not match the required\n');
    }
  }
  socket.setTimestamping(timestampingFlags({ hardware: !plan.omitHwts }));
}
