// What the orchestrator tells each node, derived from the node's exec line:
// the daemon's settings in the C orchestrator's order (NODE_ROLE first,
// CPU_MASK last, optional ones only when C sends them) and the receiver's
// three settings. Values are narrowed the way C's casts narrow them (the
// send parser keeps 64-bit integers; the wire fields are smaller).
import type { SendOptions } from '../../engine/sender/options.js';
import type { IpAddress } from '../../args/values/ip.js';
import { AF_INET, AF_INET6, Mid, type MidValue } from '../../engine/mgmt/index.js';
import { formatMac } from '../../core/mac.js';
import type { IniNode } from './ini.js';

/** Where a node's management port is. */
export interface Endpoint {
  family: 4 | 6;
  address: string;
  /** From "addr%dev": the connection is bound to this device. */
  device?: string;
  port: number;
}

/** One orchestrated pair: the sender daemon and, with --client, its receiver. */
export interface NodePlan {
  name: string;
  /** Line of the node's "[name]" in the file. */
  line: number;
  daemon: Endpoint;
  /** null without --client: nothing to collect, no .dat (as in C). */
  receiver: Endpoint | null;
  send: SendOptions;
  /** UTC_OFFSET to set, null to leave the daemon's (C: only when >= 0). */
  utcTaiOffset: number | null;
  /** Sync statistics are polled from the sender (no --omit-sync). */
  senderSyncStats: boolean;
  /** ... and from the receiver (neither --omit-sync nor --omit-remote-sync). */
  receiverSyncStats: boolean;
  /** --sync-threshold in ns (0 when not given, as C's -1 never reaches a comparison then). */
  syncThreshold: bigint;
}

/** The receiver node's name as C prints it. */
export const receiverName = (sender: string): string => `${sender}'s receiver`;

function endpointOf(ip: IpAddress, port: number): Endpoint {
  return { family: ip.family, address: ip.address, port, ...(ip.device ? { device: ip.device } : {}) };
}

export function nodePlan(node: IniNode, send: SendOptions, kernelUtcTaiOffset: () => number): NodePlan {
  let utcTaiOffset: number | null = null;
  // C (send's interpret step): a given offset is used (and written to the
  // orchestrator's own kernel, which we skip: it is not the node's clock);
  // with --omit-sync the orchestrator's kernel offset is read and sent.
  if (send.utcTaiOffset !== null) utcTaiOffset = Number(BigInt.asIntN(32, send.utcTaiOffset));
  else if (send.omitSync) utcTaiOffset = kernelUtcTaiOffset();
  return {
    name: node.name,
    line: node.line,
    daemon: endpointOf(node.host, node.port),
    receiver: send.client ? endpointOf(send.client, Number(BigInt.asUintN(16, send.statsPort))) : null,
    send,
    utcTaiOffset,
    senderSyncStats: !send.omitSync,
    receiverSyncStats: !send.omitSync && !send.omitRemoteSync,
    syncThreshold: send.syncThreshold ?? 0n,
  };
}

/** One SET to a node, with the words of C's failure message ("failed to update role for node X"). */
export interface Setting<M extends Mid = Mid> {
  mid: M;
  value: MidValue<M>;
  what: string;
}

const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const u16 = (v: bigint): number => Number(BigInt.asUintN(16, v));
const u8 = (v: bigint): number => Number(BigInt.asUintN(8, v));
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const ZERO_MAC = '00:00:00:00:00:00';

function setting<M extends Mid>(mid: M, value: MidValue<M>, what: string): Setting {
  return { mid, value, what } as Setting;
}

function ipDestination(ip: IpAddress): MidValue<typeof Mid.IP_DESTINATION> {
  return { family: ip.family === 4 ? AF_INET : AF_INET6, address: ip.address, ifname: ip.device ?? '' };
}

/**
 * The sender daemon's settings in C's order. `destinationMac` is the
 * receiver's MAC when it was asked for (L2 without --dmac), else the
 * option's (all-zero when neither: the daemon then fails to start, as C's).
 * --omit-hwts has no management id (README quirk 26): it is not sent; our
 * daemon falls back to software timestamps by itself.
 */
export function senderSettings(plan: NodePlan, destinationMac: Buffer | null): Setting[] {
  const o = plan.send;
  const list: Setting[] = [
    setting(Mid.NODE_ROLE, 'sender', 'update role'),
    setting(Mid.IF_NAME, o.interface, 'update interface name'),
    setting(Mid.DESTINATION_MAC, destinationMac ? formatMac(destinationMac) : ZERO_MAC, 'update MAC DA'),
    setting(Mid.SOURCE_MAC, o.sourceMac ? formatMac(o.sourceMac) : ZERO_MAC, 'update MAC SA'),
    setting(Mid.PRIORITY, s32(o.priority), 'update priority'),
    setting(Mid.STATS_PORT, u16(o.statsPort), 'update stats port'),
    setting(Mid.ADVANCE_TIME, s64(o.advanceTime), 'update advance time'),
    setting(Mid.SHIFT_TIME, s64(o.shiftTime), 'update shift time'),
    setting(Mid.CYCLE_TIME, s64(o.cycleTime), 'update cycle time'),
    setting(Mid.WINDOW_SIZE, s64(o.windowSize), 'update window size'),
    setting(Mid.DOMAIN_NUMBER, u8(o.domainNumber), 'update domain number'),
    setting(Mid.TRANSPORT_SPECIFIC, u8(o.transportSpecific), 'update transport specific'),
    setting(Mid.UDS, o.unixDomainSocket, 'update UDS'),
    setting(Mid.NUM_READINGS, s32(o.numReadings), 'update number of readings'),
  ];
  if (!o.omitSync) {
    list.push(setting(Mid.SYSMON_ENABLED, true, 'enable sysmon'), setting(Mid.PTPMON_ENABLED, true, 'enable ptpmon'));
  }
  // The orchestrator watches sync itself; the daemon must not stop on its own.
  list.push(
    setting(Mid.SYNC_MONITOR_ENABLED, false, 'disable local sync monitoring'),
    setting(Mid.PACKET_SIZE, s32(o.frameSize), 'update packet size'),
    setting(Mid.TS_ENABLED, o.timestamping, 'enable timestamping'),
  );
  if (o.vid !== null) list.push(setting(Mid.VID, u16(o.vid), 'update VLAN ID'));
  list.push(
    setting(Mid.ETHERTYPE, u16(o.etype), 'update EtherType'),
    setting(Mid.QUIET_ENABLED, o.quiet, 'make node quiet'),
    setting(Mid.TAPRIO_ENABLED, o.taprio, 'enable taprio'),
    setting(Mid.TXTIME_ENABLED, o.txtime, 'enable txtime'),
    setting(Mid.DEADLINE_ENABLED, o.deadline, 'enable deadline'),
    setting(Mid.PACKET_COUNT, s64(o.numFrames), 'update packet count'),
  );
  if (plan.utcTaiOffset !== null && plan.utcTaiOffset >= 0) {
    list.push(setting(Mid.UTC_OFFSET, plan.utcTaiOffset & 0xffff, 'update UTC offset'));
  }
  if (o.ipDestination) list.push(setting(Mid.IP_DESTINATION, ipDestination(o.ipDestination), 'update IP destination'));
  list.push(
    setting(Mid.L2_ENABLED, o.transport === 'l2', 'enable L2 transport'),
    setting(Mid.L4_ENABLED, o.transport === 'l4', 'enable L4 transport'),
    setting(Mid.DATA_PORT, u16(o.dataPort), 'set data port'),
    setting(Mid.SCHED_FIFO_ENABLED, o.schedFifo, 'enable SCHED_FIFO'),
    setting(Mid.SCHED_RR_ENABLED, o.schedRr, 'enable SCHED_RR'),
    setting(Mid.SCHED_PRIORITY, s32(o.schedPriority), 'update sched priority'),
    setting(Mid.CPU_MASK, BigInt.asUintN(64, o.cpuMask), 'set CPU mask'),
  );
  return list;
}

/** What the receiver is told before the test (C's isochron_prepare_receiver). */
export function receiverSettings(plan: NodePlan): Setting[] {
  const o = plan.send;
  return [
    setting(Mid.L2_ENABLED, o.transport === 'l2', 'enable L2 transport'),
    setting(Mid.L4_ENABLED, o.transport === 'l4', 'enable L4 transport'),
    setting(Mid.PACKET_COUNT, s64(o.numFrames), 'update packet count'),
  ];
}

/** C asks the receiver for its MAC only for L2 without --dmac. */
export function needsReceiverMac(plan: NodePlan): boolean {
  return plan.receiver !== null && plan.send.transport === 'l2' && plan.send.destinationMac === null;
}

/** Endpoint as text for messages: "[addr%dev]:port". */
export function endpointText(e: Endpoint): string {
  const host = `${e.address}${e.device ? `%${e.device}` : ''}`;
  return e.family === 6 ? `[${host}]:${e.port}` : `${host}:${e.port}`;
}
