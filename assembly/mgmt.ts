// Management protocol codec (isochron management version 2, big-endian).
//
// The JS side copies at most one message header, one TLV header or one fixed
// payload (<= 108 bytes) into the I/O region and calls in here; bulk payloads
// such as LOG records never enter this module, so linear memory stays at its
// initial size. Everything is plain load/store on raw memory (no GC: the
// module is built with the stub runtime).
//
// Status codes returned here are mirrored by src/engine/mgmt/wasm.ts; keep both in
// step.

// ---- I/O region --------------------------------------------------------

const IO_CAP: i32 = 4096;
const IO: usize = memory.data(IO_CAP, 16);

/** Start of the region the JS side fills before a call. */
export function ioPtr(): usize {
  return IO;
}

/** Size of that region: large enough for every fixed payload and header. */
export function ioCap(): i32 {
  return IO_CAP;
}

// ---- constants -----------------------------------------------------------

const MGMT_VERSION: u32 = 2;
const TLV_HEADER_SIZE: u32 = 8;
const MID_COUNT: i32 = 45;

const ACTION_GET: u32 = 0;
const ACTION_SET: u32 = 1;
const ACTION_RESPONSE: u32 = 2;
const ACTION_GET_ERROR: u32 = 3;

// Payload layouts ("kinds"). Several MIDs share one C struct, so the table
// below maps MID -> kind and the size follows from the kind.
const K_UNKNOWN: i32 = 0;
const K_LOG: i32 = 1; //        be32 log_version + be32 buf_len + records
const K_BE64: i32 = 2; //       isochron_time, packet_count, cpu_mask, ptpmon_offset
const K_SYSMON: i32 = 3; //     3 x be64: offset, time, delay
const K_BE16: i32 = 4; //       isochron_port, utc_offset
const K_U8: i32 = 5; //         port_state (1 byte, no padding)
const K_CLOCK_ID: i32 = 6; //   8 opaque bytes
const K_MAC: i32 = 7; //        6 bytes + 2 reserved
const K_BE32: i32 = 8; //       node_role, packet_size, priority, num_readings, sched_priority
const K_IFNAME: i32 = 9; //     char[IFNAMSIZ = 16]
const K_U8_PAD3: i32 = 10; //   feature_enabled, domain, transport_specific, test/link state
const K_BE16_PAD2: i32 = 11; // vid, ethertype
const K_UDS: i32 = 12; //       char[UNIX_PATH_MAX = 108]
const K_IP: i32 = 13; //        be32 family + 16 address bytes + char[16] bound if name

// One byte per MID, in MID order (0 LOG ... 44 OPER_BASE_TIME): a copy of
// the layouts in src/engine/mgmt/ids.ts (MID_TABLE), which is the definition;
// test/engine/mgmt/mgmt-id-table.test.ts fails when the two disagree.
const MID_KINDS: usize = memory.data<u8>([
  1, //  0 LOG
  3, //  1 SYSMON_OFFSET
  2, //  2 PTPMON_OFFSET
  4, //  3 UTC_OFFSET
  5, //  4 PORT_STATE
  6, //  5 GM_CLOCK_IDENTITY
  2, //  6 PACKET_COUNT
  7, //  7 DESTINATION_MAC
  7, //  8 SOURCE_MAC
  8, //  9 NODE_ROLE
  8, // 10 PACKET_SIZE
  9, // 11 IF_NAME
  8, // 12 PRIORITY
  4, // 13 STATS_PORT
  2, // 14 BASE_TIME
  2, // 15 ADVANCE_TIME
  2, // 16 SHIFT_TIME
  2, // 17 CYCLE_TIME
  2, // 18 WINDOW_SIZE
  10, // 19 SYSMON_ENABLED
  10, // 20 PTPMON_ENABLED
  12, // 21 UDS
  10, // 22 DOMAIN_NUMBER
  10, // 23 TRANSPORT_SPECIFIC
  8, // 24 NUM_READINGS
  10, // 25 TS_ENABLED
  11, // 26 VID
  11, // 27 ETHERTYPE
  10, // 28 QUIET_ENABLED
  10, // 29 TAPRIO_ENABLED
  10, // 30 TXTIME_ENABLED
  10, // 31 DEADLINE_ENABLED
  13, // 32 IP_DESTINATION
  10, // 33 L2_ENABLED
  10, // 34 L4_ENABLED
  4, // 35 DATA_PORT
  10, // 36 SCHED_FIFO_ENABLED
  10, // 37 SCHED_RR_ENABLED
  8, // 38 SCHED_PRIORITY
  2, // 39 CPU_MASK
  10, // 40 TEST_STATE
  10, // 41 SYNC_MONITOR_ENABLED
  10, // 42 PORT_LINK_STATE
  2, // 43 CURRENT_CLOCK_TAI
  2, // 44 OPER_BASE_TIME
]);

export function midCount(): i32 {
  return MID_COUNT;
}

/** Layout kind of a MID, K_UNKNOWN (0) for ids the protocol does not define. */
export function midKind(mid: i32): i32 {
  if (mid < 0 || mid >= MID_COUNT) return K_UNKNOWN;
  return <i32>load<u8>(MID_KINDS + <usize>mid);
}

/** Fixed payload size of a kind; -1 for the variable LOG, -2 for unknown. */
export function kindSize(kind: i32): i32 {
  switch (kind) {
    case K_LOG: return -1;
    case K_BE64: return 8;
    case K_SYSMON: return 24;
    case K_BE16: return 2;
    case K_U8: return 1;
    case K_CLOCK_ID: return 8;
    case K_MAC: return 8;
    case K_BE32: return 4;
    case K_IFNAME: return 16;
    case K_U8_PAD3: return 4;
    case K_BE16_PAD2: return 4;
    case K_UDS: return 108;
    case K_IP: return 36;
    default: return -2;
  }
}

export function midSize(mid: i32): i32 {
  return kindSize(midKind(mid));
}

// ---- message header ----------------------------------------------------

export function writeHeader(p: usize, version: u32, action: u32, reserved: u32, payloadLength: u32): void {
  store<u8>(p, <u8>version);
  store<u8>(p + 1, <u8>action);
  store<u16>(p + 2, bswap<u16>(<u16>reserved));
  store<u32>(p + 4, bswap<u32>(payloadLength));
}

export function headerVersion(p: usize): u32 {
  return <u32>load<u8>(p);
}

export function headerAction(p: usize): u32 {
  return <u32>load<u8>(p + 1);
}

export function headerReserved(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p + 2));
}

export function headerPayloadLength(p: usize): u32 {
  return bswap<u32>(load<u32>(p + 4));
}

// checkHeader statuses, in the order they are tested: a stream reader needs
// to know the first reason a header is unusable.
const H_OK: i32 = 0;
const H_BAD_VERSION: i32 = 1;
const H_BAD_ACTION: i32 = 2;
const H_TOO_LARGE: i32 = 3;
const H_EMPTY: i32 = 4;
const H_NO_TLV: i32 = 5;

/**
 * Classifies the header at p. maxPayload is the largest payload_length the
 * caller is willing to buffer: anything above it is reported before the
 * version/action verdict would let the caller decide to drain it.
 */
export function checkHeader(p: usize, maxPayload: u32): i32 {
  const len = headerPayloadLength(p);
  if (len > maxPayload) return H_TOO_LARGE;
  if (headerVersion(p) != MGMT_VERSION) return H_BAD_VERSION;
  if (headerAction(p) > ACTION_GET_ERROR) return H_BAD_ACTION;
  if (len == 0) return H_EMPTY;
  if (len < TLV_HEADER_SIZE) return H_NO_TLV;
  return H_OK;
}

// ---- TLV header --------------------------------------------------------

export function writeTlvHeader(p: usize, tlvType: u32, mid: u32, length: u32): void {
  store<u16>(p, bswap<u16>(<u16>tlvType));
  store<u16>(p + 2, bswap<u16>(<u16>mid));
  store<u32>(p + 4, bswap<u32>(length));
}

export function tlvType(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p));
}

export function tlvMid(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p + 2));
}

export function tlvLength(p: usize): u32 {
  return bswap<u32>(load<u32>(p + 4));
}

const T_OK: i32 = 0;
const T_HEADER_TRUNCATED: i32 = 1;
const T_LENGTH_OVERRUN: i32 = 2;

/**
 * remaining = payload bytes left from the start of this TLV header. The C
 * daemon trusts length_field and walks past the buffer (quirk 24); here a
 * TLV must fit entirely inside what payload_length announced.
 */
export function checkTlvHeader(p: usize, remaining: u32): i32 {
  if (remaining < TLV_HEADER_SIZE) return T_HEADER_TRUNCATED;
  // Compare without adding, so a length near 2^32 cannot wrap around.
  if (tlvLength(p) > remaining - TLV_HEADER_SIZE) return T_LENGTH_OVERRUN;
  return T_OK;
}

// ---- TLV semantic validation -------------------------------------------

const V_OK: i32 = 0;
const V_EMPTY: i32 = 1; //           RESPONSE with no payload: the peer's error marker
const V_UNKNOWN_MID: i32 = -1;
const V_BAD_LENGTH: i32 = -2; //      SET/RESPONSE payload does not match the MID's layout
const V_UNEXPECTED_PAYLOAD: i32 = -3; // GET/GET_ERROR requests carry no payload
const V_BAD_ACTION: i32 = -4;

/**
 * Checks one management TLV against the MID table. A RESPONSE is checked as
 * a value reply; a reply to GET_ERROR (be32 rc + text) cannot be told apart
 * from it on the wire, so callers that asked GET_ERROR use checkErrorReply.
 */
export function checkTlv(action: u32, mid: i32, length: u32): i32 {
  const size = midSize(mid);
  if (size == -2) return V_UNKNOWN_MID;
  switch (action) {
    case ACTION_GET:
    case ACTION_GET_ERROR:
      return length == 0 ? V_OK : V_UNEXPECTED_PAYLOAD;
    case ACTION_SET:
      if (size < 0) return V_BAD_LENGTH; // nothing variable-sized can be SET
      return length == <u32>size ? V_OK : V_BAD_LENGTH;
    case ACTION_RESPONSE:
      if (length == 0) return V_EMPTY;
      if (size == -1) return length >= 8 ? V_OK : V_BAD_LENGTH;
      return length == <u32>size ? V_OK : V_BAD_LENGTH;
    default:
      return V_BAD_ACTION;
  }
}

/** A GET_ERROR reply holds at least the be32 rc. */
export function checkErrorReply(length: u32): i32 {
  return length >= 4 ? V_OK : V_BAD_LENGTH;
}

// ---- fixed payload fields ----------------------------------------------

/**
 * Reads numeric field `field` of a payload of the given kind at p. Unsigned
 * fields come back zero-extended; the JS side applies the signedness the C
 * struct member has. Kinds without a numeric field return 0.
 */
export function readField(p: usize, kind: i32, field: i32): i64 {
  switch (kind) {
    case K_BE64: return <i64>bswap<u64>(load<u64>(p));
    case K_SYSMON: return <i64>bswap<u64>(load<u64>(p + (<usize>field << 3)));
    case K_BE16:
    case K_BE16_PAD2: return <i64>bswap<u16>(load<u16>(p));
    case K_U8:
    case K_U8_PAD3: return <i64>load<u8>(p);
    case K_BE32:
    case K_IP: return <i64>bswap<u32>(load<u32>(p));
    case K_LOG: return <i64>bswap<u32>(load<u32>(p + (<usize>field << 2)));
    default: return 0;
  }
}

/**
 * Writes numeric field `field`; reserved bytes of the layout are zeroed so an
 * encoded payload is canonical whatever the region held before.
 */
export function writeField(p: usize, kind: i32, field: i32, v: i64): void {
  switch (kind) {
    case K_BE64: store<u64>(p, bswap<u64>(<u64>v)); break;
    case K_SYSMON: store<u64>(p + (<usize>field << 3), bswap<u64>(<u64>v)); break;
    case K_BE16: store<u16>(p, bswap<u16>(<u16>v)); break;
    case K_BE16_PAD2: store<u16>(p, bswap<u16>(<u16>v)); store<u16>(p + 2, 0); break;
    case K_U8: store<u8>(p, <u8>v); break;
    case K_U8_PAD3: store<u32>(p, <u32>(<u8>v)); break; // little-endian store: byte 0 = v, 1..3 = 0
    case K_BE32:
    case K_IP: store<u32>(p, bswap<u32>(<u32>v)); break;
    case K_LOG: store<u32>(p + (<usize>field << 2), bswap<u32>(<u32>v)); break;
    default: break;
  }
}

/** Zeroes n bytes at p (fixed payloads are NUL/zero padded). */
export function clear(p: usize, n: usize): void {
  memory.fill(p, 0, n);
}

/** Length of a NUL-padded string field, at most max (no NUL inside). */
export function cstrLen(p: usize, max: i32): i32 {
  for (let i = 0; i < max; i++) {
    if (load<u8>(p + <usize>i) == 0) return i;
  }
  return max;
}

/** 1 when the n bytes at p are all zero (used for reserved bytes). */
export function isZero(p: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    if (load<u8>(p + <usize>i) != 0) return 0;
  }
  return 1;
}
