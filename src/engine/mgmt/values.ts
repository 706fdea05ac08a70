// The TypeScript value of each management id. A MID's type follows from
// the meaning (sem) its row in ids.ts gives it, so a new id needs no entry
// here unless it brings a new meaning.
import type { Mid, MidSemantic, NodeRole, PortLinkState, TestState } from './ids.js';

export interface SysmonOffset {
  /** System clock minus PHC, ns (s64). */
  offset: bigint;
  /** When the offset was measured, ns (u64). */
  time: bigint;
  /** Measurement delay, ns (s64). */
  delay: bigint;
}

export interface IpDestination {
  /** AF_INET (2) or AF_INET6 (10); other families carry no address. */
  family: number;
  /** Dotted quad or IPv6 text; '' when family is neither. */
  address: string;
  /** Interface the address is bound to ("addr%dev"), '' for none. */
  ifname: string;
}

/** The LOG reply: be32 log_version + be32 buf_len + buf_len bytes of records. */
export interface LogPayload {
  logVersion: number;
  /** Raw records: 32 bytes each from a receiver, 48 from a sender. */
  records: Buffer;
}

/** The reply to GET_ERROR: be32 rc (negative errno, 0 if none) + text. */
export interface MgmtErrorPayload {
  rc: number;
  extack: string;
}

export const LOG_VERSION = 4;

/** The value type of each meaning. */
interface SemanticValue {
  s64: bigint;
  u64: bigint;
  sysmon: SysmonOffset;
  u16: number;
  u8: number;
  s32: number;
  clockId: Buffer;
  /** "02:00:00:00:0b:02" (src/core/mac.ts). */
  mac: string;
  role: NodeRole;
  ifname: string;
  uds: string;
  bool: boolean;
  ip: IpDestination;
  testState: TestState;
  linkState: PortLinkState;
  log: LogPayload;
}

/** The value carried by a management id (GET reply, SET request). */
export type MidValue<M extends Mid> = SemanticValue[MidSemantic<M>];
