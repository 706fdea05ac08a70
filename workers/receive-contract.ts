// One received packet as the receive loop hands it to the main thread
// through the RecordRing: six signed 64-bit words, no per-packet message.
//
//   [status, seqid, arrival (TAI ns), hwts (raw PHC ns), swts (REALTIME ns), length]
//
// 0 in a timestamp word means "absent", as in the C tool.
export const RECORD_WORDS = 6;
export const R_STATUS = 0;
export const R_SEQID = 1;
export const R_ARRIVAL = 2;
export const R_HWTS = 3;
export const R_SWTS = 4;
export const R_LENGTH = 5;

export const RecordStatus = {
  /** A frame carrying an isochron header. */
  Packet: 0n,
  /** Too short for the header: C prints "Packet too short (N bytes)" (and still re-arms the timer). */
  TooShort: 1n,
} as const;

/** Ring size: 64 Ki records (3 MiB), seconds of traffic at the fastest cycle. */
export const RING_CAPACITY = 1 << 16;
