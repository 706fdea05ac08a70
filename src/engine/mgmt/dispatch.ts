// Serving side of the management protocol, shared by the receiver and the
// daemon: one decoded request message in, replies out, per the conventions
// a C peer expects (vectors quirks 17-23):
//
//   GET        -> RESPONSE with the value, or an empty TLV on failure
//   SET        -> RESPONSE echoing the payload, or an empty TLV on failure
//   GET_ERROR  -> RESPONSE with be32 rc + extack of the MID's last outcome
//   MID >= 45  -> "Unrecognized MID N" and an empty TLV with that MID
//   tlv_type!=0-> skipped (C says nothing; a server may log it)
//
// Checks run in the C order: unknown MID, no handler ("Unhandled GET/SET for
// MID X"), SET length ("Expected N bytes for SET of MID X, got M"), then
// the handler. Every TLV of a message is answered in order, each reply sent
// before the next TLV is handled (C's TLV walk is broken for more than one
// TLV, quirk 24; we do what it meant). A handler signals a failure by
// throwing MgmtOpError or any IsochronError: the reply is then the empty
// TLV and the error is kept for GET_ERROR, never a crash.
import { Errno, isIsochronError } from '../../core/errors.js';
import { encodeResponse, encodeResponseParts, type ManagementMessage, type Reply, type ReplyParts, type Tlv } from './codec.js';
import { MgmtBadPayloadLength, MgmtUnhandled } from './errors.js';
import { Action, isKnownMid, midName, TLV_MANAGEMENT, type Mid } from './ids.js';
import { emptyResponse, type MidErrorTable } from './server.js';

/** A failure with the negative errno and the text a C peer shows ("Remote error rc: extack"). */
export class MgmtOpError extends Error {
  constructor(
    readonly rc: number,
    readonly extack: string,
  ) {
    super(extack);
    this.name = 'MgmtOpError';
  }
}

export type GetResult =
  /**
   * `note`: what GET_ERROR reports for this MID although the GET succeeded
   * (C's handler wrote an extack, or returned a value with a saved failure).
   * A payload given as parts (a LOG) is sent as is, never copied.
   */
  | { kind: 'reply'; payload: Buffer | ReplyParts; note?: { rc: number; extack: string } }
  /** The reply is sent later by the operation itself (GET LOG on hold). */
  | { kind: 'held' };

/** The handlers of one MID. `Ctx` is what the server passes along (e.g. the requesting connection). */
export interface MidOps<Ctx = void> {
  get?: (ctx: Ctx) => GetResult | Promise<GetResult>;
  set?: (payload: Buffer, ctx: Ctx) => void | Promise<void>;
  /** Exact payload size a SET must carry (C's struct_size). */
  size?: number;
}

export type OpsTable<Ctx = void> = Partial<Record<Mid, MidOps<Ctx>>>;

export interface DispatchIo {
  /** Sends one reply; may return a promise to apply backpressure. */
  send(reply: Reply): void | Promise<void>;
  /** One line for stderr (C prints every extack "for posterity"). */
  log(line: string): void;
  /** A TLV of another type than management; C skips it without a word. */
  skipped?(tlv: Tlv): void;
  /** Turns a throw that is neither MgmtOpError nor IsochronError (a bug) into the reply's error. */
  internalError?(mid: Mid, err: unknown): MgmtOpError;
}

function asOpError(err: unknown, mid: Mid, io: DispatchIo): MgmtOpError {
  if (err instanceof MgmtOpError) return err;
  if (isIsochronError(err)) return new MgmtOpError(err.errno, err.message);
  if (io.internalError) return io.internalError(mid, err);
  return new MgmtOpError(Errno.EIO, `internal error: ${err instanceof Error ? err.message : String(err)}`);
}

function fromError(err: { errno: number; message: string }): MgmtOpError {
  return new MgmtOpError(err.errno, err.message);
}

export async function dispatchMessage<Ctx = void>(
  msg: ManagementMessage,
  ops: OpsTable<Ctx>,
  errors: MidErrorTable,
  io: DispatchIo,
  ctx: Ctx,
): Promise<void> {
  for (const tlv of msg.tlvs) {
    if (tlv.tlvType !== TLV_MANAGEMENT) {
      io.skipped?.(tlv);
      continue;
    }
    const reply = await answer(msg.action, tlv, ops, errors, io, ctx);
    if (reply === null) continue;
    // Only a send that applies backpressure is waited for.
    const sent = io.send(reply);
    if (sent) await sent;
  }
}

/** The reply to one management TLV (null: none now), with its outcome recorded for GET_ERROR. */
async function answer<Ctx>(action: number, tlv: Tlv, ops: OpsTable<Ctx>, errors: MidErrorTable, io: DispatchIo, ctx: Ctx): Promise<Reply | null> {
  const mid = tlv.mid;
  if (!isKnownMid(mid)) {
    io.log(`Unrecognized MID ${mid}`);
    return emptyResponse(mid);
  }
  if (action === Action.GET_ERROR) return errors.replyFor(mid);
  const op = ops[mid] ?? {};
  const fail = (e: MgmtOpError): Buffer => {
    errors.record(mid, e.rc, e.extack);
    if (e.extack) io.log(e.extack);
    return emptyResponse(mid);
  };
  if (action === Action.GET) {
    // C ignores any payload a GET carries.
    if (!op.get) return fail(fromError(MgmtUnhandled('GET', midName(mid))));
    let r: GetResult;
    try {
      r = await op.get(ctx);
    } catch (err) {
      return fail(asOpError(err, mid, io));
    }
    if (r.kind === 'held') {
      errors.record(mid, 0);
      return null;
    }
    errors.record(mid, r.note?.rc ?? 0, r.note?.extack ?? '');
    return Buffer.isBuffer(r.payload) ? encodeResponse(mid, r.payload) : encodeResponseParts(mid, r.payload);
  }
  if (action === Action.SET) {
    if (!op.set) return fail(fromError(MgmtUnhandled('SET', midName(mid))));
    if (tlv.payload.length !== op.size) {
      return fail(fromError(MgmtBadPayloadLength(String(op.size), `SET of MID ${midName(mid)}`, tlv.payload.length)));
    }
    try {
      await op.set(tlv.payload, ctx);
    } catch (err) {
      return fail(asOpError(err, mid, io));
    }
    errors.record(mid, 0);
    // C's ack: the request's payload echoed back.
    return encodeResponse(mid, tlv.payload);
  }
  return null;
}
