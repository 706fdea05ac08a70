// Reply builders for the serving side (daemon, receiver). They produce the
// exact replies a C peer expects: a value reply or SET echo, an empty TLV on
// failure, and rc + extack for the GET_ERROR that follows.
import { encodeErrorResponse, encodeResponse } from './codec.js';
import { isKnownMid, type Mid } from './ids.js';
import { encodeValue } from './payloads.js';
import type { MidValue } from './values.js';

/** RESPONSE carrying a MID's value (GET reply, or the echo of a SET). */
export function responseFor<M extends Mid>(mid: M, value: MidValue<M>): Buffer {
  return encodeResponse(mid, encodeValue(mid, value));
}

/** RESPONSE with an empty TLV: "this failed, ask GET_ERROR for why". */
export function emptyResponse(mid: number): Buffer {
  return encodeResponse(mid);
}

/** RESPONSE to GET_ERROR: be32 rc + extack text (no NUL, no length prefix). */
export function getErrorResponse(mid: number, rc: number, extack: string): Buffer {
  return encodeErrorResponse(mid, rc, extack);
}

/**
 * The per-MID "last error" table a C peer keeps: GET_ERROR returns the last
 * failure recorded for that MID, rc 0 with no text if it never failed
 * (quirk 17), and an empty TLV for a MID outside the table (quirk 18).
 */
export class MidErrorTable {
  readonly #errors = new Map<number, { rc: number; extack: string }>();

  /**
   * Records the outcome of a GET/SET, as the C handler leaves it: rc and
   * whatever text the handler wrote. A success normally clears the text,
   * but a handler that succeeded with a warning (C's link-state query
   * failure) keeps it next to rc 0.
   */
  record(mid: Mid, rc: number, extack = ''): void {
    this.#errors.set(mid, { rc, extack });
  }

  get(mid: number): { rc: number; extack: string } | undefined {
    if (!isKnownMid(mid)) return undefined;
    return this.#errors.get(mid) ?? { rc: 0, extack: '' };
  }

  /** The bytes to send in reply to GET_ERROR for mid. */
  replyFor(mid: number): Buffer {
    const err = this.get(mid);
    return err ? getErrorResponse(mid, err.rc, err.extack) : emptyResponse(mid);
  }
}
