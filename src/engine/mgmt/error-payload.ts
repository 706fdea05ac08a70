// The GET_ERROR reply: be32 rc (a negative errno, 0 for none) and the
// error text (C's extack), cut the way a C peer would keep it.
import { MgmtBadPayloadLength, MgmtBadValue } from './errors.js';
import { MAX_EXTACK_BYTES } from './ids.js';
import type { MgmtErrorPayload } from './values.js';
import { fromIo, ioView, Kind, mgmtWasm } from './wasm.js';

export function encodeErrorPayload(rc: number, extack: string): Buffer {
  if (!Number.isInteger(rc) || rc < -0x80000000 || rc > 0x7fffffff) {
    throw MgmtBadValue('GET_ERROR', `rc ${rc} is not a 32-bit integer`);
  }
  const w = mgmtWasm();
  w.writeField(w.ioPtr(), Kind.BE32, 0, BigInt(rc));
  // A C peer keeps at most ISOCHRON_EXTACK_SIZE - 1 bytes and discards the
  // whole text when it is longer, so cut it here (on a UTF-8 boundary).
  let text = Buffer.from(extack.replaceAll('\0', ''), 'utf8');
  if (text.length > MAX_EXTACK_BYTES) {
    text = Buffer.from(text.subarray(0, MAX_EXTACK_BYTES).toString('utf8').replace(/\uFFFD+$/, ''), 'utf8');
  }
  return Buffer.concat([fromIo(4), text]);
}

export function decodeErrorPayload(payload: Uint8Array): MgmtErrorPayload {
  const w = mgmtWasm();
  if (w.checkErrorReply(payload.length) !== 0) throw MgmtBadPayloadLength('at least 4', 'GET_ERROR reply', payload.length);
  ioView(4).set(payload.subarray(0, 4));
  const rc = Number(BigInt.asIntN(32, w.readField(w.ioPtr(), Kind.BE32, 0)));
  // The C side prints the text with %s, so anything after a NUL is unseen.
  const text = Buffer.from(payload.subarray(4));
  const nul = text.indexOf(0);
  return { rc, extack: (nul < 0 ? text : text.subarray(0, nul)).toString('utf8') };
}
