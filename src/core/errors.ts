// One error type for the whole tool. Every error carries a stable `code`
// (documented in docs/errors.md, checked by test/docs/errors-doc.test.ts) and the
// negative errno the C tool would have returned, because the process exit
// status is that errno's low 8 bits and scripts depend on it.

/** Negative errno values, as the C tool returns them. */
export const Errno = {
  EPERM: -1,
  ENOENT: -2,
  EINTR: -4,
  EIO: -5,
  ENXIO: -6,
  E2BIG: -7,
  EBADF: -9,
  ECHILD: -10,
  EAGAIN: -11,
  ENOMEM: -12,
  EACCES: -13,
  EFAULT: -14,
  EBUSY: -16,
  EEXIST: -17,
  ENODEV: -19,
  ENOTDIR: -20,
  EISDIR: -21,
  EINVAL: -22,
  ENOTTY: -25,
  EFBIG: -27,
  ENOSPC: -28,
  ESPIPE: -29,
  EROFS: -30,
  EPIPE: -32,
  ERANGE: -34,
  ENOSYS: -38,
  ENODATA: -61,
  ETIME: -62,
  EPROTO: -71,
  EBADMSG: -74,
  EMSGSIZE: -90,
  ENOPROTOOPT: -92,
  EOPNOTSUPP: -95,
  EAFNOSUPPORT: -97,
  EADDRINUSE: -98,
  EADDRNOTAVAIL: -99,
  ENETDOWN: -100,
  ENETUNREACH: -101,
  ECONNRESET: -104,
  ETIMEDOUT: -110,
  ECONNREFUSED: -111,
  EHOSTUNREACH: -113,
  EINPROGRESS: -115,
} as const;

/** The same errno values, positive, as the kernel and libc report them (one table: Errno). */
export const E = Object.fromEntries(Object.entries(Errno).map(([name, value]) => [name, -value])) as {
  readonly [K in keyof typeof Errno]: number;
};

export type ErrnoName = keyof typeof Errno;

export interface IsochronErrorOptions {
  /** Negative errno; decides the exit status. Defaults to -EINVAL. */
  errno?: number;
  cause?: unknown;
  /** What to check (src/core/hints.ts), printed on its own line after the message. */
  hint?: string | null;
}

export class IsochronError extends Error {
  readonly code: string;
  readonly errno: number;
  /** What to check, from the hint table (src/core/hints.ts); null when no cause is known. */
  readonly hint: string | null;

  constructor(code: string, message: string, options: IsochronErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IsochronError';
    this.code = code;
    this.errno = options.errno ?? Errno.EINVAL;
    this.hint = options.hint ?? null;
  }

  /** The process exit status the C tool uses for this error. */
  get exitStatus(): number {
    return exitStatusForErrno(this.errno);
  }
}

/** C's `return rc` from main(): the low 8 bits of a (usually negative) int. */
export function exitStatusForErrno(errno: number): number {
  return errno & 0xff;
}

/** What an error carries besides its code and message (see ErrorDefinition.with). */
export interface ErrorContext {
  /**
   * The errno of the failure underneath: the kernel's (positive, as libc
   * reports it) or an IsochronError's (negative); either sign gives the
   * negative errno that decides the exit status. 0 or absent keeps the
   * definition's errno.
   */
  errno?: number;
  /** The error this one reports (Error.cause). */
  cause?: unknown;
  /** The hint (src/core/hints.ts hintFor) that names the cause; absent or null: none. */
  hint?: string | null;
}

export interface ErrorDefinition<A extends unknown[]> {
  /** The error with the definition's errno. */
  (...args: A): IsochronError;
  /** The same error (code, message) carrying the errno and cause of the failure underneath. */
  with(context: ErrorContext, ...args: A): IsochronError;
  readonly code: string;
  readonly errno: number;
}

const registry = new Map<string, number>();

/**
 * Declares an error once, with its stable code, errno and message template.
 * Codes are unique across the tool; declaring one twice is a programming
 * error caught at import time. The one way to build an isochron error:
 * `Def(...args)`, or `Def.with({ errno, cause }, ...args)` when a system call
 * or another error decides the errno.
 */
export function defineError<A extends unknown[]>(
  code: string,
  errno: number,
  format: (...args: A) => string,
): ErrorDefinition<A> {
  if (registry.has(code)) throw new Error(`error code ${code} declared twice`);
  registry.set(code, errno);
  const make = (...args: A): IsochronError => new IsochronError(code, format(...args), { errno });
  const withContext = (context: ErrorContext, ...args: A): IsochronError =>
    new IsochronError(code, format(...args), {
      errno: -Math.abs(context.errno ?? 0) || errno,
      cause: context.cause,
      hint: context.hint ?? null,
    });
  return Object.assign(make, { code, errno, with: withContext }) as ErrorDefinition<A>;
}

/** Every code declared so far (modules declare theirs when imported). */
export function declaredErrorCodes(): ReadonlyMap<string, number> {
  return registry;
}

export function isIsochronError(err: unknown): err is IsochronError {
  return err instanceof IsochronError;
}

// ---------------------------------------------------------------- frame layout
// Raised by src/core/frame.ts (building the data frame template).

export const FrameTooLarge = defineError(
  'ISOCHRON_ERR_FRAME_TOO_LARGE',
  Errno.EINVAL,
  (max: number) => `Frame size cannot exceed ${max} octets`,
);

/**
 * The C sender happily sends frames that cannot hold the 20-byte isochron
 * header (the receiver then drops them as "Packet too short"); we refuse.
 */
export const FrameTooShort = defineError(
  'ISOCHRON_ERR_FRAME_TOO_SHORT',
  Errno.EINVAL,
  (frameSize: number, min: number, what: string) =>
    `Frame size ${frameSize} is too small: ${what} needs at least ${min} octets to carry the isochron header, use --frame-size ${min} or more`,
);

export const MacAddressLength = defineError(
  'ISOCHRON_ERR_MAC_LENGTH',
  Errno.EINVAL,
  (which: string, len: number) => `${which} MAC address must be 6 octets, got ${len}`,
);
