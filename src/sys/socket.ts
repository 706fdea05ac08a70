// A file descriptor from socket(2) and the options isochron sets on it, plus
// the datagram I/O path (sendmsg with an optional SCM_TXTIME, recvmsg with
// control messages, error-queue reads for TX timestamps).
//
// The msghdr, iovec, address and control buffers live in koffi-allocated
// native memory (one block for RX, one for TX, per socket): msghdr stores
// pointers to them, and GC-managed Buffers may not be pointed at from inside
// a struct. Received payloads are zero-copy views into that block: valid
// until the next receive on the same socket.
import koffi from 'koffi';
import {
  E,
  F_GETFL,
  F_SETFL,
  MSG_DONTWAIT,
  MSG_ERRQUEUE,
  O_NONBLOCK,
  POLLERR,
  POLLIN,
  POLLPRI,
  SOF_TXTIME_DEADLINE_MODE,
  SOF_TXTIME_REPORT_ERRORS,
  SOL_SOCKET,
  SO_BINDTODEVICE,
  SO_ERROR,
  SO_PRIORITY,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SO_REUSEADDR,
  SO_SELECT_ERR_QUEUE,
  SO_TIMESTAMPING,
  SO_TXTIME,
  CLOCK_TAI,
} from './constants.js';
import { emptyControlInfo, parseControl, parseControlStamps, writeTxtimeCmsg, type ControlInfo, type ControlStamps } from './cmsg.js';
import { InvalidSysArgument, sysError } from './errors.js';
import { allocNative, lastErrno, libc, type NativeBlock } from './libc.js';
import { MSGHDR, SIZEOF, ifnameBytes } from './structs.js';

export interface TxtimeOptions {
  /** Reference clock of the launch times (CLOCK_TAI for etf/taprio). */
  clockid?: number;
  /** SOF_TXTIME_DEADLINE_MODE. */
  deadline?: boolean;
  /** SOF_TXTIME_REPORT_ERRORS (default true, as isochron sets it). */
  reportErrors?: boolean;
}

/** Throws the errno of the last call if `rc` is negative. */
export function check(rc: number, call: string, hint?: string): number {
  if (rc < 0) throw sysError(call, lastErrno(), hint);
  return rc;
}

/** poll(2) on one fd; returns revents, 0 on timeout. EINTR counts as a timeout. */
export function pollFd(fd: number, events: number, timeoutMs: number): number {
  return pollInto(Buffer.alloc(SIZEOF.pollfd), fd, events, timeoutMs);
}

/** pollFd through a caller-owned struct pollfd (8 bytes): nothing allocated per call. */
function pollInto(pfd: Buffer, fd: number, events: number, timeoutMs: number): number {
  pfd.writeInt32LE(fd, 0);
  pfd.writeInt16LE(events, 4);
  pfd.writeInt16LE(0, 6);
  const rc = libc().poll(pfd, 1, Math.max(-1, Math.trunc(timeoutMs)));
  if (rc < 0) {
    const errnum = lastErrno();
    if (errnum === E.EINTR) return 0;
    throw sysError('poll', errnum);
  }
  return rc === 0 ? 0 : pfd.readInt16LE(6);
}

/**
 * Waits for `fd` to become readable without blocking the event loop (libuv
 * watches the fd). Resolves false on timeout. For a Socket, use its
 * waitReadable: close() ends that wait before the fd goes away.
 */
export function waitReadable(fd: number, timeoutMs: number): Promise<boolean> {
  try {
    return startWait(fd, { readable: true }, timeoutMs).done;
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Like waitReadable, for writability (a non-blocking connect() completing). */
export function waitWritable(fd: number, timeoutMs: number): Promise<boolean> {
  try {
    return startWait(fd, { writable: true }, timeoutMs).done;
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Descriptors this thread's event loop is polling. libuv allows one poll
 * handle per fd; koffi aborts the process when a second one fails to start,
 * so a second wait is refused here with an error instead.
 */
const polled = new Set<number>();

/** One pending wait: `done` settles once, by readiness (true), timeout or cancel() (false). */
interface PendingWait {
  readonly done: Promise<boolean>;
  /** Stops watching the fd now (synchronously) and resolves `done` with false. */
  cancel(): void;
}

function startWait(fd: number, events: { readable: true } | { writable: true }, timeoutMs: number, onEnd?: () => void): PendingWait {
  if (polled.has(fd)) {
    throw InvalidSysArgument(`fd ${fd} is already being waited on: one wait per descriptor at a time (serialise the callers)`);
  }
  let finish!: (ok: boolean) => void;
  const done = new Promise<boolean>((resolve) => {
    let over = false;
    // koffi passes (status, events); its typings declare (events) only.
    const handle = koffi.node.poll(fd, events, (() => finish(true)) as never);
    polled.add(fd);
    const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
    finish = (ok: boolean): void => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      // uv_poll_stop takes the fd out of the event loop's epoll set at once,
      // so the fd may be closed (and its number reused) right after this.
      handle.close();
      polled.delete(fd);
      onEnd?.();
      resolve(ok);
    };
  });
  return { done, cancel: () => finish(false) };
}

/** socket(2), throwing the errno as an IsochronError naming `what`. */
export function openSocketFd(domain: number, type: number, protocol: number, what = 'socket'): number {
  return check(libc().socket(domain, type, protocol), what);
}

/** socketpair(2): two connected descriptors, throwing the errno as an IsochronError. */
export function openSocketPair(domain: number, type: number, what = 'socketpair'): [number, number] {
  const fds = Buffer.alloc(8);
  check(libc().socketpair(domain, type, 0, fds), what);
  return [fds.readInt32LE(0), fds.readInt32LE(4)];
}

export class Socket {
  #fd: number;
  /** Waits in progress on the fd: close() and release() end them first. */
  readonly #waits = new Set<PendingWait>();

  constructor(fd: number) {
    this.#fd = fd;
  }

  /** The descriptor; -1 once closed. */
  get fd(): number {
    return this.#fd;
  }

  protected get openFd(): number {
    if (this.#fd < 0) throw sysError('socket operation', E.EBADF, 'the socket is already closed');
    return this.#fd;
  }

  setInt(level: number, name: number, value: number, call = `setsockopt(${level}, ${name})`, hint?: string): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value, 0);
    check(libc().setsockopt(this.openFd, level, name, b, 4), call, hint);
  }

  getInt(level: number, name: number, call = `getsockopt(${level}, ${name})`): number {
    const b = Buffer.alloc(4);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(4, 0);
    check(libc().getsockopt(this.openFd, level, name, b, len), call);
    return b.readInt32LE(0);
  }

  setBytes(level: number, name: number, value: Buffer, call = `setsockopt(${level}, ${name})`, hint?: string): void {
    check(libc().setsockopt(this.openFd, level, name, value, value.length), call, hint);
  }

  /** SO_BINDTODEVICE: only traffic through this interface. Needs CAP_NET_RAW. */
  bindToDevice(ifname: string): void {
    const name = Buffer.alloc(ifnameBytes(ifname).length + 1);
    name.write(ifname, 0, 'utf8');
    this.setBytes(SOL_SOCKET, SO_BINDTODEVICE, name, `setsockopt(SO_BINDTODEVICE, ${ifname})`);
  }

  /** The device this socket is bound to, '' if none. */
  boundDevice(): string {
    const b = Buffer.alloc(16);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(16, 0);
    check(libc().getsockopt(this.openFd, SOL_SOCKET, SO_BINDTODEVICE, b, len), 'getsockopt(SO_BINDTODEVICE)');
    const n = len.readUInt32LE(0);
    const z = b.indexOf(0);
    return b.toString('utf8', 0, z >= 0 && z < n ? z : n);
  }

  setReuseAddr(on = true): void {
    this.setInt(SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0, 'setsockopt(SO_REUSEADDR)');
  }

  setPriority(priority: number): void {
    this.setInt(SOL_SOCKET, SO_PRIORITY, priority, 'setsockopt(SO_PRIORITY)', 'priorities above 6 need CAP_NET_ADMIN');
  }

  getPriority(): number {
    return this.getInt(SOL_SOCKET, SO_PRIORITY, 'getsockopt(SO_PRIORITY)');
  }

  /**
   * Receive buffer of at least `bytes` (the kernel doubles what it is
   * given): SO_RCVBUFFORCE, or without CAP_NET_ADMIN SO_RCVBUF (capped by
   * net.core.rmem_max). Returns the size the kernel reports afterwards.
   */
  growReceiveBuffer(bytes: number): number {
    const b = Buffer.alloc(4);
    b.writeInt32LE(bytes, 0);
    if (libc().setsockopt(this.openFd, SOL_SOCKET, SO_RCVBUFFORCE, b, 4) < 0) {
      this.setInt(SOL_SOCKET, SO_RCVBUF, bytes, 'setsockopt(SO_RCVBUF)');
    }
    return this.getInt(SOL_SOCKET, SO_RCVBUF, 'getsockopt(SO_RCVBUF)');
  }

  /** SO_TIMESTAMPING with SOF_TIMESTAMPING_* flags, and SO_SELECT_ERR_QUEUE so poll reports TX timestamps as POLLPRI. */
  setTimestamping(flags: number): void {
    this.setInt(SOL_SOCKET, SO_TIMESTAMPING, flags, 'setsockopt(SO_TIMESTAMPING)');
    this.setInt(SOL_SOCKET, SO_SELECT_ERR_QUEUE, 1, 'setsockopt(SO_SELECT_ERR_QUEUE)');
  }

  getTimestamping(): number {
    return this.getInt(SOL_SOCKET, SO_TIMESTAMPING, 'getsockopt(SO_TIMESTAMPING)');
  }

  /** SO_TXTIME: packets may carry an SCM_TXTIME launch time (honoured by etf/taprio qdiscs only). */
  setTxtime(opts: TxtimeOptions = {}): void {
    const b = Buffer.alloc(SIZEOF.sock_txtime);
    let flags = 0;
    if (opts.deadline) flags |= SOF_TXTIME_DEADLINE_MODE;
    if (opts.reportErrors ?? true) flags |= SOF_TXTIME_REPORT_ERRORS;
    b.writeInt32LE(opts.clockid ?? CLOCK_TAI, 0);
    b.writeUInt32LE(flags, 4);
    this.setBytes(SOL_SOCKET, SO_TXTIME, b, 'setsockopt(SO_TXTIME)');
  }

  /** Returns { clockid, flags } as the kernel stored them. */
  getTxtime(): { clockid: number; flags: number } {
    const b = Buffer.alloc(SIZEOF.sock_txtime);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length, 0);
    check(libc().getsockopt(this.openFd, SOL_SOCKET, SO_TXTIME, b, len), 'getsockopt(SO_TXTIME)');
    return { clockid: b.readInt32LE(0), flags: b.readUInt32LE(4) };
  }

  /** Pending error (SO_ERROR), positive errno or 0; reading it clears it. */
  pendingError(): number {
    return this.getInt(SOL_SOCKET, SO_ERROR, 'getsockopt(SO_ERROR)');
  }

  setNonBlocking(on = true): void {
    const fd = this.openFd;
    const flags = check(libc().fcntl(fd, F_GETFL), 'fcntl(F_GETFL)');
    const next = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    check(libc().fcntl(fd, F_SETFL, 'int', next), 'fcntl(F_SETFL)');
  }

  isNonBlocking(): boolean {
    return (check(libc().fcntl(this.openFd, F_GETFL), 'fcntl(F_GETFL)') & O_NONBLOCK) !== 0;
  }

  /** Blocking poll; returns revents or 0 on timeout. */
  poll(events: number, timeoutMs: number): number {
    return pollFd(this.openFd, events, timeoutMs);
  }

  /**
   * Resolves true when readable, false on timeout or when the socket is
   * closed (or released) meanwhile; the event loop keeps running.
   */
  waitReadable(timeoutMs: number): Promise<boolean> {
    return this.#wait({ readable: true }, timeoutMs);
  }

  /** Like waitReadable, for writability (a non-blocking connect() completing). */
  waitWritable(timeoutMs: number): Promise<boolean> {
    return this.#wait({ writable: true }, timeoutMs);
  }

  /** Waits in progress: 0 or 1 (one wait per descriptor at a time). */
  get pendingWaits(): number {
    return this.#waits.size;
  }

  #wait(events: { readable: true } | { writable: true }, timeoutMs: number): Promise<boolean> {
    try {
      const w: PendingWait = startWait(this.openFd, events, timeoutMs, () => this.#waits.delete(w));
      this.#waits.add(w);
      return w.done;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Ends the waits in progress (resolved false): nothing may poll an fd that is closed or handed over. */
  #endWaits(): void {
    for (const w of [...this.#waits]) w.cancel();
  }

  /** Gives up ownership of the fd (e.g. to Node's net module) without closing it. */
  release(): number {
    const fd = this.openFd;
    this.#endWaits();
    this.#fd = -1;
    this.dispose();
    return fd;
  }

  /** Closes the fd; waits in progress resolve false first (check `fd < 0` to tell a close from a timeout). */
  close(): void {
    if (this.#fd < 0) return;
    this.#endWaits();
    const fd = this.#fd;
    this.#fd = -1;
    this.dispose();
    check(libc().close(fd), 'close');
  }

  /** Frees what subclasses hold besides the fd. */
  protected dispose(): void {}
}

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

/** Puts a reused ControlInfo back to emptyControlInfo()'s values, keeping its `unknown` array. */
export function resetControlInfo(c: ControlInfo): void {
  c.swTs = 0n;
  c.hwTs = 0n;
  c.tsKey = -1;
  c.tsType = -1;
  c.txtimeDropped = 0n;
  c.txtimeCode = 0;
  c.txtime = 0n;
  c.otherError = null;
  c.unknown.length = 0;
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
   * messages are parsed into `out` (every field reset first) and nothing
   * else is created, no Received, no views. Returns the entry's length, or
   * -1 on timeout. The payload, if wanted, is in the RX block until the
   * next receive.
   */
  recvErrQueueInto(timeoutMs: number, out: ControlInfo): number {
    const n = this.#recvmsg(MSG_ERRQUEUE | MSG_DONTWAIT, POLLPRI | POLLERR, timeoutMs, 'recvmsg(MSG_ERRQUEUE)');
    if (n < 0) return -1;
    resetControlInfo(out);
    parseControl(this.#rx.control, 0, this.#rx.controlLen, out);
    return n;
  }

  /**
   * recvErrQueueInto with numbers instead of bigints (parseControlStamps):
   * the TX timestamp loop's read, which allocates nothing per entry.
   * Returns the entry's length, or -1 on timeout.
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
