// PTP (IEEE 1588) management numbers that isochron uses, from the standard
// and linuxptp's extensions (the *_NP ids). Only what the monitor reads.

export const PtpMid = {
  CLOCK_DESCRIPTION: 0x0001,
  DEFAULT_DATA_SET: 0x2000,
  CURRENT_DATA_SET: 0x2001,
  PARENT_DATA_SET: 0x2002,
  TIME_PROPERTIES_DATA_SET: 0x2003,
  PORT_DATA_SET: 0x2004,
  TIME_STATUS_NP: 0xc000,
  PORT_PROPERTIES_NP: 0xc004,
} as const;

export type PtpMid = (typeof PtpMid)[keyof typeof PtpMid];

export function ptpMidName(mid: number): string {
  for (const [name, id] of Object.entries(PtpMid)) if (id === mid) return name;
  return `0x${mid.toString(16).padStart(4, '0')}`;
}

/** portState values (IEEE 1588 + linuxptp's GRAND_MASTER). */
export const PortState = {
  INITIALIZING: 1,
  FAULTY: 2,
  DISABLED: 3,
  LISTENING: 4,
  PRE_MASTER: 5,
  MASTER: 6,
  PASSIVE: 7,
  UNCALIBRATED: 8,
  SLAVE: 9,
  GRAND_MASTER: 10,
} as const;

const PORT_STATE_NAMES = Object.fromEntries(Object.entries(PortState).map(([k, v]) => [v, k])) as Record<number, string>;

/** C's port_state_to_string: unknown values print as NONE. */
export function portStateName(state: number): string {
  return PORT_STATE_NAMES[state] ?? 'NONE';
}

/** managementErrorId texts, as C prints them. */
const MGMT_ERRORS: Record<number, string> = {
  0x0001: 'response too big',
  0x0002: 'no such ID',
  0x0003: 'wrong length',
  0x0004: 'wrong value',
  0x0005: 'not settable',
  0x0006: 'not supported',
  0xfffe: 'general error',
};

export function managementErrorText(code: number): string {
  return MGMT_ERRORS[code] ?? 'unknown';
}
