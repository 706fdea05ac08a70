// Datagram I/O on a socket (AF_PACKET, UDP, UNIX): sendmsg with an optional
// SCM_TXTIME, recvmsg with control messages, error-queue reads for TX
// timestamps.
//
// The msghdr, iovec, address and control buffers live in koffi-allocated
// native memory (one block for RX, one for TX, per socket): msghdr stores
// pointers to them, and GC-managed Buffers may not be pointed at from inside
// a struct. Received payloads are zero-copy views into that block: valid
// until the next receive on the same socket.
import { E } from '../core/errors.js';
import { MSG_DONTWAIT, MSG_ERRQUEUE, POLLERR, POLLIN, POLLPRI } from './constants.js';
import { emptyControlInfo, parseControl, parseControlStamps, writeTxtimeCmsg, type ControlInfo, type ControlStamps } from './cmsg.js';
import { InvalidSysArgument, sysError } from './errors.js';
import { allocNative, lastErrno, libc, type NativeBlock } from './libc.js';
import { pollInto } from './poll.js';
import { check, Socket } from './socket.js';
import { MSGHDR, SIZEOF } from './structs.js';

const NAME_OFF = SIZEOF.msghdr + SIZEOF.iovec;
const CONTROL_OFF = NAME_OFF + SIZEOF.sockaddr_storage;

/** Writes a u64 as two u32 halves: Buffer.writeBigUInt64LE allocates BigInts per call. */
function writeU64(b: Buffer, off: number, lo: number, hi: number): void {
  b.writeUInt32LE(lo, off);
  b.writeUInt32LE(hi, off + 4);
}

/** A native address as [low, high] u32 halves, computed once. */
function halves(address: bigint): [number, number] {
  return [Number(address & 0xffff_ffffn), Number(address >> 32n)];
}

/**
 * One msghdr with its iovec, address, control and data buffers, in native
 * memory. prepare() runs once per packet, so it writes number halves of
 * addresses computed here and creates no BigInt.
 */
class MsgBlock {
  readonly block: NativeBlock;
  readonly control: Buffer;
  readonly data: Buffer;
  readonly name: Buffer;
  readonly dataOff: number;
  readonly #namePtr: [number, number];
  readonly #controlPtr: [number, number];

  constructor(readonly controlSize: number, readonly dataSize: number) {
    this.dataOff = CONTROL_OFF + ((controlSize + 7) & ~7);
    this.block = allocNative(this.dataOff + dataSize);
    const b = this.block.bytes;
    const base = this.block.address;
    this.name = b.subarray(NAME_OFF, CONTROL_OFF);
    this.control = b.subarray(CONTROL_OFF, CONTROL_OFF + controlSize);
    this.data = b.subarray(this.dataOff, this.dataOff + dataSize);
    this.#namePtr = halves(base + BigInt(NAME_OFF));
    this.#controlPtr = halves(base + BigInt(CONTROL_OFF));
    b.writeBigUInt64LE(base + BigInt(SIZEOF.msghdr), MSGHDR.iov);
    b.writeBigUInt64LE(1n, MSGHDR.iovlen);
    b.writeBigUInt64LE(base + BigInt(this.dataOff), SIZEOF.msghdr);
  }

  prepare(dataLen: number, nameLen: number, controlLen: number): bigint {
    const b = this.block.bytes;
    if (nameLen) writeU64(b, MSGHDR.name, this.#namePtr[0], this.#namePtr[1]);
    else writeU64(b, MSGHDR.name, 0, 0);
    b.writeUInt32LE(nameLen, MSGHDR.namelen);
    if (controlLen) writeU64(b, MSGHDR.control, this.#controlPtr[0], this.#controlPtr[1]);
    else writeU64(b, MSGHDR.control, 0, 0);
    writeU64(b, MSGHDR.controllen, controlLen, 0);
    b.writeInt32LE(0, MSGHDR.flags);
    writeU64(b, SIZEOF.msghdr + 8, dataLen, 0);
    return this.block.address;
  }

  get msgFlags(): number {
    return this.block.bytes.readInt32LE(MSGHDR.flags);
  }

  /** msg_controllen after recvmsg (at most controlSize, so the low half is the value). */
  get controlLen(): number {
    return this.block.bytes.readUInt32LE(MSGHDR.controllen);
  }

  get nameLen(): number {
    return this.block.bytes.readUInt32LE(MSGHDR.namelen);
  }
}

export interface Received {
  /** Bytes received (may exceed data.length when the datagram was truncated). */
  length: number;
  /** Zero-copy view of the payload; overwritten by the next receive. */
  data: Buffer;
  /** Timestamps and errors from the control messages. */
  control: ControlInfo;
  /** msg_flags (MSG_TRUNC, MSG_CTRUNC...). */
  flags: number;
  /** Raw source address bytes (sockaddr_*); overwritten by the next receive. */
  from: Buffer;
}

export interface DgramOptions {
  /** Largest payload to send or receive (default 2048). */
  bufferSize?: number;
  /** Control buffer size (default 256, like isochron). */
  controlSize?: number;
}

/** A datagram socket (AF_PACKET, UDP, UNIX) with sendmsg/recvmsg in native memory. */
export class DgramSocket extends Socket {
  #rx: MsgBlock;
  #tx: MsgBlock;
  /** struct pollfd of the receive waits, reused. */
  readonly #pfd = Buffer.alloc(SIZEOF.pollfd);
  /** Default destination (raw sockaddr), used when send() gets none. */
  protected dest: Buffer | null = null;

  constructor(fd: number, options: DgramOptions = {}) {
    super(fd);
    const size = options.bufferSize ?? 2048;
    const control = options.controlSize ?? 256;
    if (!Number.isInteger(size) || size <= 0 || size > 1 << 20) throw InvalidSysArgument(`bufferSize ${size} out of 1..1048576`);
    this.#rx = new MsgBlock(control, size);
    this.#tx = new MsgBlock(64, size);
  }

  /** The TX payload buffer: build a frame here, then sendPrepared(length). */
  get txBuffer(): Buffer {
    return this.#tx.data;
  }

  /** Copies `payload` into the TX buffer and sends it. */
  send(payload: Uint8Array, txtime?: bigint, dest?: Buffer): number {
    if (payload.length > this.#tx.dataSize) throw InvalidSysArgument(`payload of ${payload.length} bytes exceeds bufferSize ${this.#tx.dataSize}`);
    this.#tx.data.set(payload, 0);
    return this.sendPrepared(payload.length, txtime, dest);
  }

  /**
   * Sends the first `length` bytes of txBuffer, with an SCM_TXTIME launch
   * time when `txtime` is given (the socket needs setTxtime()).
   */
  sendPrepared(length: number, txtime?: bigint, dest?: Buffer): number {
    const tx = this.#tx;
    const to = dest ?? this.dest;
    if (to) to.copy(tx.name, 0, 0, Math.min(to.length, tx.name.length));
    const controlLen = txtime === undefined ? 0 : writeTxtimeCmsg(tx.control, 0, txtime);
    const msg = tx.prepare(length, to ? to.length : 0, controlLen);
    return check(libc().sendmsg(this.openFd, msg, 0), 'sendmsg');
  }

  /**
   * Receives one datagram. Waits at most `timeoutMs` (poll), -1 forever;
   * returns null on timeout or when a non-blocking socket has nothing.
   */
  recv(timeoutMs = -1): Received | null {
    const n = this.#recvmsg(0, POLLIN, timeoutMs, 'recvmsg');
    return n < 0 ? null : this.#received(n, emptyControlInfo());
  }

  /**
   * Reads one entry of the error queue: a TX timestamp (control.swTs/hwTs,
   * tsKey, tsType) or a txtime drop report. Returns null on timeout.
   */
  recvErrQueue(timeoutMs = 0): Received | null {
    const n = this.#recvmsg(MSG_ERRQUEUE | MSG_DONTWAIT, POLLPRI | POLLERR, timeoutMs, 'recvmsg(MSG_ERRQUEUE)');
    return n < 0 ? null : this.#received(n, emptyControlInfo());
  }

  /**
   * recvErrQueue for a loop that reads one entry after another: the control
   * messages are parsed into `out` as numbers (parseControlStamps) and
   * nothing else is created, no Received, no views, no BigInt. The TX
   * timestamp loop's read. Returns the entry's length, or -1 on timeout.
   */
  recvErrQueueStamps(timeoutMs: number, out: ControlStamps): number {
    const n = this.#recvmsg(MSG_ERRQUEUE | MSG_DONTWAIT, POLLPRI | POLLERR, timeoutMs, 'recvmsg(MSG_ERRQUEUE)');
    if (n < 0) return -1;
    parseControlStamps(this.#rx.control, 0, this.#rx.controlLen, out);
    return n;
  }

  #received(n: number, control: ControlInfo): Received {
    const rx = this.#rx;
    return {
      length: n,
      data: rx.data.subarray(0, Math.min(n, rx.dataSize)),
      control: parseControl(rx.control, 0, rx.controlLen, control),
      flags: rx.msgFlags,
      from: rx.name.subarray(0, Math.min(rx.nameLen, rx.name.length)),
    };
  }

  /** One recvmsg into the RX block after waiting up to timeoutMs; its length, or -1 on timeout. */
  #recvmsg(flags: number, events: number, timeoutMs: number, call: string): number {
    const fd = this.openFd;
    const rx = this.#rx;
    const deadline = timeoutMs < 0 ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      if (timeoutMs !== 0) {
        const left = deadline === Infinity ? -1 : Math.max(0, Math.ceil(deadline - performance.now()));
        if (pollInto(this.#pfd, fd, events, left) === 0 && left !== -1 && performance.now() >= deadline) return -1;
      }
      const msg = rx.prepare(rx.dataSize, SIZEOF.sockaddr_storage, rx.controlSize);
      // Always non-blocking: poll above did the waiting, so a spurious wake-up
      // loops instead of blocking past the deadline.
      const n = libc().recvmsg(fd, msg, flags | MSG_DONTWAIT);
      if (n >= 0) return n;
      const errnum = lastErrno();
      if (errnum !== E.EAGAIN && errnum !== E.EINTR) throw sysError(call, errnum);
      if (timeoutMs === 0 || performance.now() >= deadline) return -1;
    }
  }

  protected override dispose(): void {
    this.#rx.block.free();
    this.#tx.block.free();
  }
}
