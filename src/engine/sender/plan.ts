// What a send session needs, derived once from the parsed options. The CLI
// keeps C's 64-bit integers as bigint; here they become the widths the
// kernel and the wire use (C truncates the same way when it stores them in
// its int/u16 fields), so nothing downstream handles bigint options.
import { cpus as osCpus } from 'node:os';
import type { SendOptions } from './options.js';
import type { IpAddress } from '../../args/values/ip.js';
import type { SessionOptions } from '../traffic/session.js';
import type { ScheduleOptions } from '../traffic/schedule.js';
import type { VlanTag } from '../../core/frame.js';
import type { ThreadPlan } from '../../../workers/contract.js';

export type DataPlan =
  | { kind: 'l2'; dmac: Buffer | null; smac: Buffer | null; etype: number; vlan: VlanTag | null }
  | { kind: 'l4'; dest: IpAddress; port: number };

export interface ClientPlan {
  family: 4 | 6;
  address: string;
  /** From "addr%dev": the TCP socket is bound to this device. */
  device: string | undefined;
  port: number;
}

export interface SendPlan {
  ifname: string;
  data: DataPlan;
  /** SO_PRIORITY and the VLAN PCP. */
  priority: number;
  frameSize: number;
  /** 0: until SIGINT/SIGTERM (only with --no-ts). */
  numFrames: number;
  schedule: ScheduleOptions;
  timestamps: boolean;
  omitHwts: boolean;
  txtime: boolean;
  taprio: boolean;
  deadline: boolean;
  quiet: boolean;
  omitSync: boolean;
  omitRemoteSync: boolean;
  syncThreshold: bigint | null;
  utcTaiOffset: number | null;
  client: ClientPlan | null;
  outputFile: string;
  thread: ThreadPlan;
  /**
   * --fail-fast: the first measurement fault (missing TX timestamp, late or
   * premature TX, txtime drop) ends timestamping as in C. Otherwise they are
   * counted and the run goes on (src/engine/sender/faults.ts).
   */
  failFast: boolean;
}

const int32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** C's BIT(cpu) walk over the online CPUs (sysconf(_SC_NPROCESSORS_ONLN)). */
export function cpusFromMask(mask: bigint, online = osCpus().length): number[] | null {
  if (mask === 0n) return null;
  const cpus: number[] = [];
  for (let cpu = 0; cpu < online && cpu < 64; cpu++) if ((mask >> BigInt(cpu)) & 1n) cpus.push(cpu);
  return cpus;
}

export function planSend(o: SendOptions): SendPlan {
  const priority = int32(o.priority);
  const data: DataPlan =
    o.transport === 'l4' && o.ipDestination
      ? { kind: 'l4', dest: o.ipDestination, port: Number(BigInt.asUintN(16, o.dataPort)) }
      : {
          kind: 'l2',
          dmac: o.destinationMac,
          smac: o.sourceMac,
          etype: Number(BigInt.asUintN(16, o.etype)),
          vlan: o.vid === null ? null : { vid: int32(o.vid), priority },
        };
  return {
    ifname: o.interface,
    data,
    priority,
    frameSize: int32(o.frameSize),
    numFrames: Number(BigInt.asUintN(64, o.numFrames)),
    schedule: {
      baseTime: o.baseTime,
      cycleTime: o.cycleTime,
      shiftTime: o.shiftTime,
      advanceTime: o.advanceTime,
      windowSize: o.windowSize,
    },
    timestamps: o.timestamping,
    omitHwts: o.omitHwts,
    txtime: o.txtime,
    taprio: o.taprio,
    deadline: o.deadline,
    quiet: o.quiet,
    omitSync: o.omitSync,
    omitRemoteSync: o.omitRemoteSync,
    syncThreshold: o.syncThreshold,
    utcTaiOffset: o.utcTaiOffset === null ? null : int32(o.utcTaiOffset),
    client: o.client
      ? { family: o.client.family, address: o.client.address, device: o.client.device, port: Number(BigInt.asUintN(16, o.statsPort)) }
      : null,
    outputFile: o.outputFile,
    thread: {
      policy: o.schedFifo ? 'fifo' : o.schedRr ? 'rr' : null,
      priority: int32(o.schedPriority),
      cpus: cpusFromMask(BigInt.asUintN(64, o.cpuMask)),
    },
    failFast: o.failFast,
  };
}

/** The options the .dat header is made of (frame.Transport only needs the family for L4). */
export function sessionOptions(p: SendPlan, dmac: Buffer, smac: Buffer): SessionOptions {
  return {
    ...p.schedule,
    numFrames: p.numFrames,
    frameSize: p.frameSize,
    transport: frameTransport(p, dmac, smac),
    omitSync: p.omitSync,
    omitHwts: p.omitHwts,
    noTs: !p.timestamps,
    taprio: p.taprio,
    txtime: p.txtime,
    deadline: p.deadline,
  };
}

export function frameTransport(p: SendPlan, dmac: Buffer, smac: Buffer): SessionOptions['transport'] {
  if (p.data.kind === 'l4') return { kind: 'l4', family: p.data.dest.family };
  return { kind: 'l2', dmac, smac, etype: p.data.etype, vlan: p.data.vlan };
}

/** "10.0.0.2 port 5000" (with "%dev" when bound), for messages naming the receiver. */
export function describeClient(c: ClientPlan): string {
  return `${c.address}${c.device ? `%${c.device}` : ''} port ${c.port}`;
}
