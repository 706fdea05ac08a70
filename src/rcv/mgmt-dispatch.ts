// Serving side of the management protocol: one decoded request message in,
// replies out, per the conventions a C peer expects (vectors quirks 17-23):
//
//   GET        -> RESPONSE with the value, or an empty TLV on failure
//   SET        -> RESPONSE echoing the payload, or an empty TLV on failure
//   GET_ERROR  -> RESPONSE with be32 rc + extack of the MID's last failure
//   MID >= 45  -> "Unrecognized MID N" and an empty TLV with that MID
//   tlv_type!=0-> skipped silently
//
// Every TLV of a message is answered in order (C's TLV walk is broken for
// more than one TLV, quirk 24; we do what it meant). An operation signals a
// failure by throwing MgmtOpError (or any IsochronError): the reply is then
// the empty TLV and the error is kept for GET_ERROR, never a crash.
import { Errno, isIsochronError } from '../errors.js';
import { Action, encodeResponse, emptyResponse, isKnownMid, midName, TLV_MANAGEMENT, type ManagementMessage, type Mid, type MidErrorTable } from '../mgmt/index.js';

/** A failure with the negative errno and the text a C peer shows ("Remote error rc: extack"). */
export class MgmtOpError extends Error {
  constructor(readonly rc: number, readonly extack: string) {
    super(extack);
    this.name = 'MgmtOpError';
  }
}

export type GetResult =
  | { kind: 'reply'; payload: Buffer }
  /** The reply is sent later by the operation itself (GET LOG on hold). */
  | { kind: 'held' };

export interface MidOps {
  get?: () => GetResult | Promise<GetResult>;
  set?: (payload: Buffer) => void | Promise<void>;
  /** Exact payload size a SET must carry (C's struct_size). */
  size?: number;
}

export type OpsTable = Partial<Record<Mid, MidOps>>;

export interface DispatchIo {
  send(reply: Buffer): void;
  /** One line for stderr (C prints every extack "for posterity"). */
  log(line: string): void;
}

function asOpError(err: unknown): MgmtOpError {
  if (err instanceof MgmtOpError) return err;
  if (isIsochronError(err)) return new MgmtOpError(err.errno, err.message);
  return new MgmtOpError(Errno.EIO, `internal error: ${err instanceof Error ? err.message : String(err)}`);
}

export async function dispatchMessage(msg: ManagementMessage, ops: OpsTable, errors: MidErrorTable, io: DispatchIo): Promise<void> {
  for (const tlv of msg.tlvs) {
    if (tlv.tlvType !== TLV_MANAGEMENT) continue;
    const mid = tlv.mid;
    if (!isKnownMid(mid)) {
      io.log(`Unrecognized MID ${mid}`);
      io.send(emptyResponse(mid));
      continue;
    }
    if (msg.action === Action.GET_ERROR) {
      io.send(errors.replyFor(mid));
      continue;
    }
    const op = ops[mid] ?? {};
    const fail = (e: MgmtOpError): void => {
      errors.record(mid, e.rc, e.extack);
      if (e.extack) io.log(e.extack);
      io.send(emptyResponse(mid));
    };
    if (msg.action === Action.GET) {
      // C ignores any payload a GET carries.
      if (!op.get) {
        fail(new MgmtOpError(Errno.EOPNOTSUPP, `Unhandled GET for MID ${midName(mid)}`));
        continue;
      }
      try {
        const r = await op.get();
        errors.record(mid, 0);
        if (r.kind === 'reply') io.send(encodeResponse(mid, r.payload));
      } catch (err) {
        fail(asOpError(err));
      }
    } else if (msg.action === Action.SET) {
      if (!op.set) {
        fail(new MgmtOpError(Errno.EOPNOTSUPP, `Unhandled SET for MID ${midName(mid)}`));
        continue;
      }
      if (tlv.payload.length !== op.size) {
        fail(new MgmtOpError(Errno.EINVAL, `Expected ${op.size} bytes for SET of MID ${midName(mid)}, got ${tlv.payload.length}`));
        continue;
      }
      try {
        await op.set(tlv.payload);
        errors.record(mid, 0);
        io.send(encodeResponse(mid, tlv.payload));
      } catch (err) {
        fail(asOpError(err));
      }
    }
  }
}
