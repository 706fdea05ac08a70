// Errors of the management protocol layer. Codes are stable: the daemon,
// sender and orchestrator report them, and scripts key on them.
import { defineError, Errno, IsochronError } from '../../core/errors.js';

// ---- framing (ManagementReader, decodeMessage) ----------------------------

export const MgmtBadVersion = defineError(
  'ISOCHRON_ERR_MGMT_BAD_VERSION',
  Errno.EBADMSG,
  (got: number, payloadLength: number) =>
    `management message has version ${got}, expected 2 (payload_length ${payloadLength}); ` +
    'is the peer an isochron speaking management version 2?',
);

export const MgmtBadAction = defineError(
  'ISOCHRON_ERR_MGMT_BAD_ACTION',
  Errno.EBADMSG,
  (action: number, payloadLength: number) =>
    `management message has unknown action ${action} (expected 0 GET, 1 SET, 2 RESPONSE or 3 GET_ERROR; ` +
    `payload_length ${payloadLength})`,
);

export const MgmtUnexpectedAction = defineError(
  'ISOCHRON_ERR_MGMT_UNEXPECTED_ACTION',
  Errno.EBADMSG,
  (action: string, expected: string) =>
    `management message with action ${action} is not expected here (this side accepts ${expected})`,
);

export const MgmtEmptyMessage = defineError(
  'ISOCHRON_ERR_MGMT_EMPTY_MESSAGE',
  Errno.EBADMSG,
  () => 'management message has payload_length 0 (no TLV); ignored',
);

export const MgmtTooLarge = defineError(
  'ISOCHRON_ERR_MGMT_TOO_LARGE',
  Errno.EMSGSIZE,
  (claimed: number, limit: number) =>
    `management message claims ${claimed} payload bytes, more than the limit of ${limit}; ` +
    'the stream cannot be resynchronised and must be closed',
);

export const MgmtTlvTruncated = defineError(
  'ISOCHRON_ERR_MGMT_TLV_TRUNCATED',
  Errno.EBADMSG,
  (detail: string) => `management message TLVs do not add up to its payload_length: ${detail}; message dropped`,
);

export const MgmtTooManyTlvs = defineError(
  'ISOCHRON_ERR_MGMT_TOO_MANY_TLVS',
  Errno.E2BIG,
  (limit: number) => `management message carries more than ${limit} TLVs; message dropped`,
);

export const MgmtTruncated = defineError(
  'ISOCHRON_ERR_MGMT_TRUNCATED',
  Errno.EBADMSG,
  (have: number, need: number) =>
    `management message is truncated: ${have} of ${need} byte(s) present`,
);

export const MgmtTrailingBytes = defineError(
  'ISOCHRON_ERR_MGMT_TRAILING_BYTES',
  Errno.EBADMSG,
  (extra: number) => `${extra} byte(s) follow the end of the management message`,
);

export const MgmtReaderClosed = defineError(
  'ISOCHRON_ERR_MGMT_READER_CLOSED',
  Errno.EBADMSG,
  () => 'management stream already failed with a fatal error; close the connection',
);

// ---- payload values (payloads.ts, codec.ts) --------------------------------

export const MgmtUnknownMid = defineError(
  'ISOCHRON_ERR_MGMT_UNKNOWN_MID',
  Errno.EINVAL,
  (mid: number) => `Unrecognized MID ${mid}`,
);

/** `subject` is "MID X", or "SET of MID X" for a SET request (the C daemon's text). */
export const MgmtBadPayloadLength = defineError(
  'ISOCHRON_ERR_MGMT_BAD_PAYLOAD_LENGTH',
  Errno.EINVAL,
  (expected: string, subject: string, got: number) => `Expected ${expected} bytes for ${subject}, got ${got}`,
);

/** A GET/SET of a MID the serving side has no handler for (the C text). */
export const MgmtUnhandled = defineError(
  'ISOCHRON_ERR_MGMT_UNHANDLED',
  Errno.EOPNOTSUPP,
  (action: 'GET' | 'SET', mid: string) => `Unhandled ${action} for MID ${mid}`,
);

export const MgmtBadValue = defineError(
  'ISOCHRON_ERR_MGMT_BAD_VALUE',
  Errno.EINVAL,
  (mid: string, detail: string) => `invalid value for MID ${mid}: ${detail}`,
);

export const MgmtBadLog = defineError(
  'ISOCHRON_ERR_MGMT_BAD_LOG',
  Errno.EBADMSG,
  (detail: string) => `malformed LOG payload: ${detail}`,
);

// ---- request/response (client.ts) -----------------------------------------

const remoteError = defineError(
  'ISOCHRON_ERR_MGMT_REMOTE',
  Errno.EBADMSG,
  (op: string, mid: string, rc: number, extack: string) =>
    `${op} of MID ${mid} failed on the peer: ` +
    (extack ? `Remote error ${rc}: ${extack}` : `Remote error ${rc}`),
);

/** A GET/SET the peer answered with an empty TLV, with what its GET_ERROR said. */
export interface MgmtRemoteFailure extends IsochronError {
  readonly op: string;
  /** The MID's name, as in the message. */
  readonly mid: string;
  /** The peer's (negative) errno. */
  readonly rc: number;
  /** The peer's error text ('' if it sent none). */
  readonly extack: string;
}

export const MgmtRemoteError = Object.assign(
  (op: string, mid: string, rc: number, extack: string): MgmtRemoteFailure =>
    Object.assign(remoteError(op, mid, rc, extack), { op, mid, rc, extack }),
  { code: remoteError.code, errno: remoteError.errno },
);

export function isMgmtRemoteError(err: unknown): err is MgmtRemoteFailure {
  return err instanceof IsochronError && err.code === remoteError.code && typeof (err as Partial<MgmtRemoteFailure>).rc === 'number';
}

export const MgmtUnexpectedReply = defineError(
  'ISOCHRON_ERR_MGMT_UNEXPECTED_REPLY',
  Errno.EBADMSG,
  (op: string, mid: string, detail: string) => `${op} of MID ${mid}: unexpected reply from the peer: ${detail}`,
);

export const MgmtTimeout = defineError(
  'ISOCHRON_ERR_MGMT_TIMEOUT',
  Errno.ETIMEDOUT,
  (op: string, mid: string, ms: number) =>
    `${op} of MID ${mid}: no reply within ${ms} ms; the connection was closed because request/reply pairing is lost`,
);

export const MgmtDisconnected = defineError(
  'ISOCHRON_ERR_MGMT_DISCONNECTED',
  Errno.ECONNRESET,
  (detail: string) => `management connection lost: ${detail}`,
);

export const MgmtConnectFailed = defineError(
  'ISOCHRON_ERR_MGMT_CONNECT',
  Errno.ECONNREFUSED,
  (target: string, detail: string) => `could not connect to the management port ${target}: ${detail}`,
);

export const MgmtInternal = defineError(
  'ISOCHRON_ERR_MGMT_INTERNAL',
  Errno.EPROTO,
  (detail: string) => `internal error in the management reader (please report): ${detail}`,
);
