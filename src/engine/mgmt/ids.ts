// Management ids and actions of isochron's management protocol (version 2).
// The numbering is the C enum order and is part of the wire format: never
// reorder. Names are the ones the C tool prints in its messages ("Unhandled
// GET for MID IF_NAME"), so they are part of the user-visible surface too.
import { Kind } from './wasm.js';

export const MGMT_VERSION = 2;
/** Message header: u8 version, u8 action, be16 reserved, be32 payload_length. */
export const MESSAGE_HEADER_SIZE = 8;
/** TLV header: be16 tlv_type, be16 management_id, be32 length. */
export const TLV_HEADER_SIZE = 8;
/** The only TLV type the protocol defines; the C daemon skips any other. */
export const TLV_MANAGEMENT = 0;
/** C BUFSIZ: the daemon refuses payload_length >= this (quirk 20). */
export const C_BUFSIZ = 8192;
/** ISOCHRON_EXTACK_SIZE - 1: longest error text a C peer keeps. */
export const MAX_EXTACK_BYTES = 1019;

/** What a value means beyond its byte layout; fixes its TypeScript type (values.ts). */
export type Semantic =
  | 's64' | 'u64' | 'sysmon' | 'u16' | 'u8' | 'clockId' | 'mac' | 'role' | 's32'
  | 'ifname' | 'bool' | 'uds' | 'ip' | 'testState' | 'linkState' | 'log';

interface MidRow {
  /** The C name, printed in messages ("Unhandled GET for MID IF_NAME"). */
  readonly name: string;
  /** Payload layout: assembly/mgmt.ts's MID_KINDS must list the same (test/engine/mgmt/mgmt-id-table.test.ts). */
  readonly kind: Kind;
  readonly sem: Semantic;
}

/**
 * THE management-id table, one row per id in the C enum order: a row's
 * index is its id on the wire, so rows are only ever appended. Mid,
 * MID_COUNT, midName, the payload codec and the value types (values.ts)
 * all derive from it; the WASM table in assembly/mgmt.ts is checked
 * against it by test/engine/mgmt/mgmt-id-table.test.ts.
 */
export const MID_TABLE = [
  { name: 'LOG', kind: Kind.LOG, sem: 'log' }, // 0
  { name: 'SYSMON_OFFSET', kind: Kind.SYSMON, sem: 'sysmon' }, // 1
  { name: 'PTPMON_OFFSET', kind: Kind.BE64, sem: 's64' }, // 2
  { name: 'UTC_OFFSET', kind: Kind.BE16, sem: 'u16' }, // 3 (copied from PTP's be16 currentUtcOffset)
  { name: 'PORT_STATE', kind: Kind.U8, sem: 'u8' }, // 4 (one byte, no padding)
  { name: 'GM_CLOCK_IDENTITY', kind: Kind.CLOCK_ID, sem: 'clockId' }, // 5
  { name: 'PACKET_COUNT', kind: Kind.BE64, sem: 's64' }, // 6 (C long)
  { name: 'DESTINATION_MAC', kind: Kind.MAC, sem: 'mac' }, // 7
  { name: 'SOURCE_MAC', kind: Kind.MAC, sem: 'mac' }, // 8
  { name: 'NODE_ROLE', kind: Kind.BE32, sem: 'role' }, // 9
  { name: 'PACKET_SIZE', kind: Kind.BE32, sem: 's32' }, // 10
  { name: 'IF_NAME', kind: Kind.IFNAME, sem: 'ifname' }, // 11
  { name: 'PRIORITY', kind: Kind.BE32, sem: 's32' }, // 12
  { name: 'STATS_PORT', kind: Kind.BE16, sem: 'u16' }, // 13
  { name: 'BASE_TIME', kind: Kind.BE64, sem: 's64' }, // 14
  { name: 'ADVANCE_TIME', kind: Kind.BE64, sem: 's64' }, // 15
  { name: 'SHIFT_TIME', kind: Kind.BE64, sem: 's64' }, // 16
  { name: 'CYCLE_TIME', kind: Kind.BE64, sem: 's64' }, // 17
  { name: 'WINDOW_SIZE', kind: Kind.BE64, sem: 's64' }, // 18
  { name: 'SYSMON_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 19
  { name: 'PTPMON_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 20
  { name: 'UDS', kind: Kind.UDS, sem: 'uds' }, // 21
  { name: 'DOMAIN_NUMBER', kind: Kind.U8_PAD3, sem: 'u8' }, // 22
  { name: 'TRANSPORT_SPECIFIC', kind: Kind.U8_PAD3, sem: 'u8' }, // 23
  { name: 'NUM_READINGS', kind: Kind.BE32, sem: 's32' }, // 24
  { name: 'TS_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 25
  { name: 'VID', kind: Kind.BE16_PAD2, sem: 'u16' }, // 26
  { name: 'ETHERTYPE', kind: Kind.BE16_PAD2, sem: 'u16' }, // 27
  { name: 'QUIET_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 28
  { name: 'TAPRIO_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 29
  { name: 'TXTIME_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 30
  { name: 'DEADLINE_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 31
  { name: 'IP_DESTINATION', kind: Kind.IP, sem: 'ip' }, // 32
  { name: 'L2_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 33
  { name: 'L4_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 34
  { name: 'DATA_PORT', kind: Kind.BE16, sem: 'u16' }, // 35
  { name: 'SCHED_FIFO_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 36
  { name: 'SCHED_RR_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 37
  { name: 'SCHED_PRIORITY', kind: Kind.BE32, sem: 's32' }, // 38
  { name: 'CPU_MASK', kind: Kind.BE64, sem: 'u64' }, // 39 (unsigned long)
  { name: 'TEST_STATE', kind: Kind.U8_PAD3, sem: 'testState' }, // 40
  { name: 'SYNC_MONITOR_ENABLED', kind: Kind.U8_PAD3, sem: 'bool' }, // 41
  { name: 'PORT_LINK_STATE', kind: Kind.U8_PAD3, sem: 'linkState' }, // 42
  { name: 'CURRENT_CLOCK_TAI', kind: Kind.BE64, sem: 's64' }, // 43
  { name: 'OPER_BASE_TIME', kind: Kind.BE64, sem: 's64' }, // 44
] as const satisfies readonly MidRow[];

type MidTable = typeof MID_TABLE;
type IdOf<I> = I extends `${infer N extends number}` ? N : never;

/** Name -> id, e.g. Mid.IF_NAME === 11. */
export const Mid = Object.freeze(Object.fromEntries(MID_TABLE.map((row, id) => [row.name, id]))) as {
  readonly [I in keyof MidTable as I extends `${number}` ? MidTable[I]['name'] : never]: IdOf<I>;
};

export type MidName = keyof typeof Mid;
export type Mid = (typeof Mid)[MidName];
/** The meaning of a MID's value (its row's sem). */
export type MidSemantic<M extends Mid> = MidTable[M]['sem'];

/** Number of defined ids (the C __ISOCHRON_MID_MAX). */
export const MID_COUNT = MID_TABLE.length;

export function isKnownMid(mid: number): mid is Mid {
  return Number.isInteger(mid) && mid >= 0 && mid < MID_COUNT;
}

/** The C tool's name for a MID; "UNKNOWN" for anything it does not define. */
export function midName(mid: number): MidName | 'UNKNOWN' {
  return isKnownMid(mid) ? MID_TABLE[mid].name : 'UNKNOWN';
}

export const Action = {
  GET: 0,
  SET: 1,
  RESPONSE: 2,
  GET_ERROR: 3,
} as const;

export type ActionName = keyof typeof Action;
export type Action = (typeof Action)[ActionName];

const actionNames: readonly ActionName[] = ['GET', 'SET', 'RESPONSE', 'GET_ERROR'];

export function isKnownAction(action: number): action is Action {
  return Number.isInteger(action) && action >= 0 && action <= 3;
}

export function actionName(action: number): ActionName | 'UNKNOWN' {
  return isKnownAction(action) ? actionNames[action] : 'UNKNOWN';
}

/** Values of the u8 in TEST_STATE. */
export const TestState = { IDLE: 0, RUNNING: 1, FAILED: 2 } as const;
export type TestState = (typeof TestState)[keyof typeof TestState];

/** Values of the u8 in PORT_LINK_STATE. */
export const PortLinkState = { UNKNOWN: 0, DOWN: 1, RUNNING: 2 } as const;
export type PortLinkState = (typeof PortLinkState)[keyof typeof PortLinkState];

/**
 * be32 in NODE_ROLE: the C enum isochron_role (0, 1), plus our own
 * 'reclaim-sender' (0x100): take over a sender role whose owner
 * disconnected, keeping its parameters, run and log (docs/daemon.md). A C
 * daemon answers it with -EINVAL "Unexpected node role 256".
 */
export const NodeRoleWire = { sender: 0, receiver: 1, 'reclaim-sender': 0x100 } as const;
export type NodeRole = keyof typeof NodeRoleWire;
