// Management ids and actions of isochron's management protocol (version 2).
// The numbering is the C enum order and is part of the wire format: never
// reorder. Names are the ones the C tool prints in its messages ("Unhandled
// GET for MID IF_NAME"), so they are part of the user-visible surface too.

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

export const Mid = {
  LOG: 0,
  SYSMON_OFFSET: 1,
  PTPMON_OFFSET: 2,
  UTC_OFFSET: 3,
  PORT_STATE: 4,
  GM_CLOCK_IDENTITY: 5,
  PACKET_COUNT: 6,
  DESTINATION_MAC: 7,
  SOURCE_MAC: 8,
  NODE_ROLE: 9,
  PACKET_SIZE: 10,
  IF_NAME: 11,
  PRIORITY: 12,
  STATS_PORT: 13,
  BASE_TIME: 14,
  ADVANCE_TIME: 15,
  SHIFT_TIME: 16,
  CYCLE_TIME: 17,
  WINDOW_SIZE: 18,
  SYSMON_ENABLED: 19,
  PTPMON_ENABLED: 20,
  UDS: 21,
  DOMAIN_NUMBER: 22,
  TRANSPORT_SPECIFIC: 23,
  NUM_READINGS: 24,
  TS_ENABLED: 25,
  VID: 26,
  ETHERTYPE: 27,
  QUIET_ENABLED: 28,
  TAPRIO_ENABLED: 29,
  TXTIME_ENABLED: 30,
  DEADLINE_ENABLED: 31,
  IP_DESTINATION: 32,
  L2_ENABLED: 33,
  L4_ENABLED: 34,
  DATA_PORT: 35,
  SCHED_FIFO_ENABLED: 36,
  SCHED_RR_ENABLED: 37,
  SCHED_PRIORITY: 38,
  CPU_MASK: 39,
  TEST_STATE: 40,
  SYNC_MONITOR_ENABLED: 41,
  PORT_LINK_STATE: 42,
  CURRENT_CLOCK_TAI: 43,
  OPER_BASE_TIME: 44,
} as const;

export type MidName = keyof typeof Mid;
export type Mid = (typeof Mid)[MidName];

/** Number of defined ids (the C __ISOCHRON_MID_MAX). */
export const MID_COUNT = 45;

const midNames: readonly MidName[] = (() => {
  const names: MidName[] = [];
  for (const [name, id] of Object.entries(Mid)) names[id] = name as MidName;
  return names;
})();

export function isKnownMid(mid: number): mid is Mid {
  return Number.isInteger(mid) && mid >= 0 && mid < MID_COUNT;
}

/** The C tool's name for a MID; "UNKNOWN" for anything it does not define. */
export function midName(mid: number): MidName | 'UNKNOWN' {
  return isKnownMid(mid) ? midNames[mid] : 'UNKNOWN';
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
