// Typed binding to dist/wasm/mgmt.wasm (assembly/mgmt.ts). Callers copy a
// header or a fixed payload into the module's I/O region, call a function,
// and copy results out. Status numbers mirror the constants in
// assembly/mgmt.ts.
import { loadWasm } from '../../core/wasm.js';

interface MgmtExports extends WebAssembly.Exports {
  ioPtr(): number;
  ioCap(): number;
  midCount(): number;
  midKind(mid: number): number;
  kindSize(kind: number): number;
  midSize(mid: number): number;
  writeHeader(p: number, version: number, action: number, reserved: number, payloadLength: number): void;
  headerVersion(p: number): number;
  headerAction(p: number): number;
  headerReserved(p: number): number;
  headerPayloadLength(p: number): number;
  checkHeader(p: number, maxPayload: number): number;
  writeTlvHeader(p: number, tlvType: number, mid: number, length: number): void;
  tlvType(p: number): number;
  tlvMid(p: number): number;
  tlvLength(p: number): number;
  checkTlvHeader(p: number, remaining: number): number;
  checkTlv(action: number, mid: number, length: number): number;
  checkErrorReply(length: number): number;
  readField(p: number, kind: number, field: number): bigint;
  writeField(p: number, kind: number, field: number, v: bigint): void;
  clear(p: number, n: number): void;
  cstrLen(p: number, max: number): number;
  isZero(p: number, n: number): number;
}

/** Payload layouts, one per C struct shape. */
export const Kind = {
  UNKNOWN: 0,
  LOG: 1,
  BE64: 2,
  SYSMON: 3,
  BE16: 4,
  U8: 5,
  CLOCK_ID: 6,
  MAC: 7,
  BE32: 8,
  IFNAME: 9,
  U8_PAD3: 10,
  BE16_PAD2: 11,
  UDS: 12,
  IP: 13,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export const HeaderStatus = { OK: 0, BAD_VERSION: 1, BAD_ACTION: 2, TOO_LARGE: 3, EMPTY: 4, NO_TLV: 5 } as const;
export const TlvHeaderStatus = { OK: 0, HEADER_TRUNCATED: 1, LENGTH_OVERRUN: 2 } as const;
export const TlvStatus = { OK: 0, EMPTY: 1, UNKNOWN_MID: -1, BAD_LENGTH: -2, UNEXPECTED_PAYLOAD: -3, BAD_ACTION: -4 } as const;

let cached: MgmtExports & { memory: WebAssembly.Memory } | undefined;

/** The module, instantiated once per thread. */
export function mgmtWasm(): MgmtExports & { memory: WebAssembly.Memory } {
  cached ??= loadWasm<MgmtExports>('mgmt');
  return cached;
}

/**
 * A view of `n` bytes of the I/O region. Re-taken on every call because
 * memory.buffer is replaced if the memory ever grows.
 */
export function ioView(n: number): Uint8Array {
  const w = mgmtWasm();
  return new Uint8Array(w.memory.buffer, w.ioPtr(), n);
}

/** Copies n bytes out of the I/O region into a fresh Buffer. */
export function fromIo(n: number): Buffer {
  return Buffer.from(ioView(n));
}
