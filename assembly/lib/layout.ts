// The .dat file layout (log version 4), as src/engine/dat/layout.ts defines
// it (test/engine/dat/layout-drift.test.ts keeps the two equal). Everything
// on disk is big-endian; the report engine reads records in place.

export const HEADER_SIZE: u32 = 96;
export const SEND_RECORD_SIZE: u32 = 48;
export const RCV_RECORD_SIZE: u32 = 32;

// Sender record: seqid u32, reserved u32, then five s64 timestamps.
export const SEND_SEQID: u32 = 0;
export const SEND_SCHEDULED: u32 = 8;
export const SEND_WAKEUP: u32 = 16;
export const SEND_HWTS: u32 = 24;
export const SEND_SWTS: u32 = 32;
export const SEND_SCHED_TS: u32 = 40;

// Receiver record: seqid u32, reserved u32, arrival, hwts, swts.
export const RCV_SEQID: u32 = 0;
export const RCV_ARRIVAL: u32 = 8;
export const RCV_HWTS: u32 = 16;
export const RCV_SWTS: u32 = 24;

@inline export function loadBe64(ptr: usize): i64 {
  return bswap<i64>(load<i64>(ptr));
}

@inline export function loadBe32(ptr: usize): u32 {
  return bswap<u32>(load<u32>(ptr));
}
