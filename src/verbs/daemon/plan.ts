// From the parameters a client SET to the SendPlan the send loops run:
// the C daemon's isochron_send_interpret_args, in its order and with its
// messages (the orchestrator shows them as "Remote error -22: ..."). The
// daemon never talks to the receiver itself: the orchestrator does, so
// the plan has no client and no output file.
import type { IpAddress } from '../../args/values/ip.js';
import { AF_INET, AF_INET6 } from '../../engine/mgmt/index.js';
import { ipToBytes } from '../../engine/mgmt/ip.js';
import { cpusFromMask, type DataPlan, type SendPlan } from '../../engine/sender/plan.js';
import { resolveSchedule, type ResolvedSchedule } from '../../engine/traffic/schedule.js';
import { MAX_FRAME_SIZE } from '../../core/frame.js';
import { isZeroMac } from '../../core/mac.js';
import { DaemonBadParams, DaemonLogTooLarge, DaemonSyncThreshold } from './errors.js';
import type { SenderParams } from './params.js';

/**
 * The daemon keeps the whole sender log in memory and sends it in one LOG
 * reply (48 bytes a packet): 4 M packets is 192 MB, beyond what a reader
 * of ours accepts in one message anyway.
 */
export const MAX_PACKET_COUNT = 4_000_000;

export interface DaemonPlan {
  plan: SendPlan;
  schedule: ResolvedSchedule;
}

function ipAddressOf(p: SenderParams): IpAddress | null {
  const d = p.ipDestination;
  const family = d.family === AF_INET ? 4 : d.family === AF_INET6 ? 6 : null;
  if (!family) return null;
  const bytes = ipToBytes(d.family, d.address === '' ? (family === 4 ? '0.0.0.0' : '::') : d.address) as Buffer;
  return { family, address: d.address, bytes: family === 4 ? bytes.subarray(0, 4) : bytes, device: d.ifname || undefined };
}


/** Throws the first IsochronError C's argument checks would report. */
export function planFromParams(p: SenderParams): DaemonPlan {
  const schedule = resolveSchedule({
    baseTime: p.baseTime,
    cycleTime: p.cycleTime,
    shiftTime: p.shiftTime,
    advanceTime: p.advanceTime,
    windowSize: p.windowSize,
  });
  if (p.txtime && p.taprio) throw DaemonBadParams('Cannot enable txtime and taprio mode at the same time');
  if (p.deadline && !p.txtime) throw DaemonBadParams('Deadline mode supported only with txtime');
  if (p.schedFifo && p.schedRr) throw DaemonBadParams('cannot have SCHED_FIFO and SCHED_RR at the same time');
  if (p.frameSize > MAX_FRAME_SIZE) throw DaemonBadParams(`Frame size cannot exceed ${MAX_FRAME_SIZE} octets`);
  // The daemon's family comes from IP_DESTINATION; a family other than
  // AF_INET/AF_INET6 counts as "given" for these two checks, as in C.
  const ipGiven = p.ipDestination.family !== 0;
  if (p.l4 && !ipGiven) throw DaemonBadParams('--ip-destination is mandatory with --l4');
  if (!p.l4 && ipGiven) throw DaemonBadParams('--ip-destination provided, but --l4 not specified');
  if (!p.omitSync) throw DaemonSyncThreshold();
  if (p.l2 && p.l4) throw DaemonBadParams('Choose transport as either L2 or L4!');
  const l2 = !p.l4;
  if (l2 && isZeroMac(p.dmac)) throw DaemonBadParams('Please specify destination MAC address');
  if (!l2 && p.vid !== -1) throw DaemonBadParams('Cannot insert VLAN header over IP socket');
  if (p.timestamps && p.packetCount === 0n) throw DaemonBadParams('cannot take timestamps if running indefinitely');
  if (p.packetCount < 0n || p.packetCount > BigInt(MAX_PACKET_COUNT)) throw DaemonLogTooLarge(String(p.packetCount), MAX_PACKET_COUNT);

  let data: DataPlan;
  if (l2) {
    data = {
      kind: 'l2',
      dmac: Buffer.from(p.dmac),
      smac: isZeroMac(p.smac) ? null : Buffer.from(p.smac),
      etype: p.etype & 0xffff,
      vlan: p.vid === -1 ? null : { vid: p.vid, priority: p.priority },
    };
  } else {
    const dest = ipAddressOf(p);
    if (!dest) throw DaemonBadParams(`IP_DESTINATION family ${p.ipDestination.family} is neither AF_INET (2) nor AF_INET6 (10)`);
    data = { kind: 'l4', dest, port: p.dataPort };
  }
  const plan: SendPlan = {
    ifname: p.ifname,
    data,
    priority: p.priority,
    frameSize: p.frameSize,
    numFrames: Number(p.packetCount),
    schedule,
    timestamps: p.timestamps,
    omitHwts: false,
    txtime: p.txtime,
    taprio: p.taprio,
    deadline: p.deadline,
    // The daemon's log goes to the orchestrator, never to stdout.
    quiet: true,
    omitSync: true,
    omitRemoteSync: true,
    syncThreshold: null,
    utcTaiOffset: p.utcOffset === -1 ? null : p.utcOffset,
    client: null,
    outputFile: '',
    thread: {
      policy: p.schedFifo ? 'fifo' : p.schedRr ? 'rr' : null,
      priority: p.schedPriority,
      cpus: cpusFromMask(p.cpuMask),
    },
    // No management id carries it: a daemon's run always keeps going at
    // measurement faults, so a C orchestrator still gets a complete log.
    failFast: false,
  };
  return { plan, schedule };
}
