// Writes an isochron header into a frame template the way the send loop
// does (workers/send-loop.ts): scheduled, wakeup and seqid big-endian at the
// HDR_* offsets of the transport's header. For tests that need real frames.
import { headerOffset, HDR_SCHEDULED, HDR_SEQID, HDR_WAKEUP, type Transport } from '../../src/core/frame.js';
import { macBytes } from '../../src/sys/structs.js';

export function stampFrame(frame: Uint8Array, t: Transport, seqid: number, scheduled: bigint, wakeup: bigint): void {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const off = headerOffset(t);
  view.setBigInt64(off + HDR_SCHEDULED, scheduled);
  view.setBigInt64(off + HDR_WAKEUP, wakeup);
  view.setUint32(off + HDR_SEQID, seqid);
}

/**
 * A minimal 60-byte Ethernet frame for the sys tests: destination `dmac`,
 * source `smac`, `etype`, and `seq` big-endian right after the header.
 */
export function rawFrame(dmac: string, smac: string, etype: number, seq: number): Buffer {
  const f = Buffer.alloc(60);
  macBytes(dmac).copy(f, 0);
  macBytes(smac).copy(f, 6);
  f.writeUInt16BE(etype, 12);
  f.writeUInt32BE(seq, 14);
  return f;
}
