// The sender parameters a daemon holds between SET NODE_ROLE and SET
// TEST_STATE, and how each SET payload lands in them. Defaults are the C
// sender's (isochron_send_prepare_default_args + a zeroed struct), so a
// client that sets only some MIDs gets what a C daemon would use.
//
// Payload sizes were already checked by the dispatcher; a setter only reads
// its value. Values are kept in C's field widths (the C daemon truncates the
// same way when it stores them), bounds are checked at test start.
import type { IsochronError } from '../../core/errors.js';
import { decodeValue, Mid, type IpDestination } from '../../engine/mgmt/index.js';
import { DEFAULT_DATA_PORT, DEFAULT_ETHERTYPE, DEFAULT_NUM_READINGS, DEFAULT_STATS_PORT, DEFAULT_UDS } from '../../engine/traffic/defaults.js';
import { DaemonTruncation } from './errors.js';

export interface SenderParams {
  ifname: string;
  dmac: Buffer;
  smac: Buffer;
  priority: number;
  statsPort: number;
  baseTime: bigint;
  advanceTime: bigint;
  shiftTime: bigint;
  cycleTime: bigint;
  windowSize: bigint;
  domainNumber: number;
  transportSpecific: number;
  uds: string;
  numReadings: number;
  /** PACKET_SIZE (C tx_len). */
  frameSize: number;
  timestamps: boolean;
  /** -1: no VLAN tag (C's default; the MID cannot set it back). */
  vid: number;
  etype: number;
  quiet: boolean;
  taprio: boolean;
  txtime: boolean;
  deadline: boolean;
  /** PACKET_COUNT (C long iterations). */
  packetCount: bigint;
  /** -1: not set (the kernel's offset is used, as C does with omit_sync). */
  utcOffset: number;
  ipDestination: IpDestination;
  l2: boolean;
  l4: boolean;
  dataPort: number;
  schedFifo: boolean;
  schedRr: boolean;
  schedPriority: number;
  cpuMask: bigint;
  /** !SYNC_MONITOR_ENABLED. C's zeroed struct leaves sync monitoring on. */
  omitSync: boolean;
}


export function defaultSenderParams(): SenderParams {
  return {
    ifname: '',
    dmac: Buffer.alloc(6),
    smac: Buffer.alloc(6),
    priority: 0,
    statsPort: DEFAULT_STATS_PORT,
    baseTime: 0n,
    advanceTime: 0n,
    shiftTime: 0n,
    cycleTime: 0n,
    windowSize: 0n,
    domainNumber: 0,
    transportSpecific: 0,
    uds: DEFAULT_UDS,
    numReadings: DEFAULT_NUM_READINGS,
    frameSize: 0,
    timestamps: false,
    vid: -1,
    etype: DEFAULT_ETHERTYPE,
    quiet: false,
    taprio: false,
    txtime: false,
    deadline: false,
    packetCount: 0n,
    utcOffset: -1,
    ipDestination: { family: 0, address: '', ifname: '' },
    l2: false,
    l4: false,
    dataPort: DEFAULT_DATA_PORT,
    schedFifo: false,
    schedRr: false,
    schedPriority: 0,
    cpuMask: 0n,
    omitSync: false,
  };
}

/** C's if_name_copy/uds_copy: the text must end with a NUL inside its field. */
function hasNul(payload: Uint8Array, from: number, to: number): boolean {
  return payload.subarray(from, to).includes(0);
}

type Setter = (p: SenderParams, payload: Buffer) => IsochronError | void;

function macOf(payload: Buffer): Buffer {
  return Buffer.from(payload.subarray(0, 6));
}

/** One setter per MID that a sender parameter SET reaches (NODE_ROLE, TEST_STATE, UTC_OFFSET are the role's). */
export const PARAM_SETTERS: ReadonlyMap<number, Setter> = new Map<number, Setter>([
  [Mid.PACKET_COUNT, (p, b) => void (p.packetCount = decodeValue(Mid.PACKET_COUNT, b))],
  [Mid.DESTINATION_MAC, (p, b) => void (p.dmac = macOf(b))],
  [Mid.SOURCE_MAC, (p, b) => void (p.smac = macOf(b))],
  [Mid.PACKET_SIZE, (p, b) => void (p.frameSize = decodeValue(Mid.PACKET_SIZE, b))],
  [
    Mid.IF_NAME,
    (p, b) => {
      if (!hasNul(b, 0, 16)) return DaemonTruncation();
      p.ifname = decodeValue(Mid.IF_NAME, b);
    },
  ],
  [Mid.PRIORITY, (p, b) => void (p.priority = decodeValue(Mid.PRIORITY, b))],
  [Mid.STATS_PORT, (p, b) => void (p.statsPort = decodeValue(Mid.STATS_PORT, b))],
  [Mid.BASE_TIME, (p, b) => void (p.baseTime = decodeValue(Mid.BASE_TIME, b))],
  [Mid.ADVANCE_TIME, (p, b) => void (p.advanceTime = decodeValue(Mid.ADVANCE_TIME, b))],
  [Mid.SHIFT_TIME, (p, b) => void (p.shiftTime = decodeValue(Mid.SHIFT_TIME, b))],
  [Mid.CYCLE_TIME, (p, b) => void (p.cycleTime = decodeValue(Mid.CYCLE_TIME, b))],
  [Mid.WINDOW_SIZE, (p, b) => void (p.windowSize = decodeValue(Mid.WINDOW_SIZE, b))],
  [
    Mid.UDS,
    (p, b) => {
      if (!hasNul(b, 0, 108)) return DaemonTruncation();
      p.uds = decodeValue(Mid.UDS, b);
    },
  ],
  [Mid.DOMAIN_NUMBER, (p, b) => void (p.domainNumber = decodeValue(Mid.DOMAIN_NUMBER, b))],
  [Mid.TRANSPORT_SPECIFIC, (p, b) => void (p.transportSpecific = decodeValue(Mid.TRANSPORT_SPECIFIC, b))],
  [Mid.NUM_READINGS, (p, b) => void (p.numReadings = decodeValue(Mid.NUM_READINGS, b))],
  [Mid.TS_ENABLED, (p, b) => void (p.timestamps = decodeValue(Mid.TS_ENABLED, b))],
  [Mid.VID, (p, b) => void (p.vid = decodeValue(Mid.VID, b))],
  [Mid.ETHERTYPE, (p, b) => void (p.etype = decodeValue(Mid.ETHERTYPE, b))],
  [Mid.QUIET_ENABLED, (p, b) => void (p.quiet = decodeValue(Mid.QUIET_ENABLED, b))],
  [Mid.TAPRIO_ENABLED, (p, b) => void (p.taprio = decodeValue(Mid.TAPRIO_ENABLED, b))],
  [Mid.TXTIME_ENABLED, (p, b) => void (p.txtime = decodeValue(Mid.TXTIME_ENABLED, b))],
  [Mid.DEADLINE_ENABLED, (p, b) => void (p.deadline = decodeValue(Mid.DEADLINE_ENABLED, b))],
  [
    Mid.IP_DESTINATION,
    (p, b) => {
      if (!hasNul(b, 20, 36)) return DaemonTruncation();
      // C copies only family and interface name and leaves the address
      // zero (so an L4 test goes nowhere useful); we keep the address too.
      p.ipDestination = decodeValue(Mid.IP_DESTINATION, b);
    },
  ],
  [Mid.L2_ENABLED, (p, b) => void (p.l2 = decodeValue(Mid.L2_ENABLED, b))],
  [Mid.L4_ENABLED, (p, b) => void (p.l4 = decodeValue(Mid.L4_ENABLED, b))],
  [Mid.DATA_PORT, (p, b) => void (p.dataPort = decodeValue(Mid.DATA_PORT, b))],
  [Mid.SCHED_FIFO_ENABLED, (p, b) => void (p.schedFifo = decodeValue(Mid.SCHED_FIFO_ENABLED, b))],
  [Mid.SCHED_RR_ENABLED, (p, b) => void (p.schedRr = decodeValue(Mid.SCHED_RR_ENABLED, b))],
  [Mid.SCHED_PRIORITY, (p, b) => void (p.schedPriority = decodeValue(Mid.SCHED_PRIORITY, b))],
  [Mid.CPU_MASK, (p, b) => void (p.cpuMask = decodeValue(Mid.CPU_MASK, b))],
  [Mid.SYNC_MONITOR_ENABLED, (p, b) => void (p.omitSync = !decodeValue(Mid.SYNC_MONITOR_ENABLED, b))],
]);
