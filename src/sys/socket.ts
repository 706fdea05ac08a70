// A file descriptor from socket(2) and what isochron does with it besides
// datagram I/O (dgram.ts): opening, socket options, non-blocking mode, waits
// (blocking poll, or the event loop's through fd-wait.ts), hand-off and close.
import { E } from '../core/errors.js';
import { F_GETFL, F_SETFL, MSG_DONTWAIT, O_NONBLOCK, SOF_TXTIME_DEADLINE_MODE, SOF_TXTIME_REPORT_ERRORS, SOL_SOCKET, SO_BINDTODEVICE, SO_ERROR, SO_PRIORITY, SO_RCVBUF, SO_RCVBUFFORCE, SO_REUSEADDR, SO_SELECT_ERR_QUEUE, SO_TIMESTAMPING, SO_TXTIME, CLOCK_TAI } from './constants.js';
import { sysError } from './errors.js';
import type { HintContext, HintOperation } from '../core/hints.js';
import { startWait, type PendingWait } from './fd-wait.js';
import { lastErrno, libc } from './libc.js';
import { pollFd } from './poll.js';
import { SIZEOF, ifnameBytes } from './structs.js';

export interface TxtimeOptions {
  /** Reference clock of the launch times (CLOCK_TAI for etf/taprio). */
  clockid?: number;
  /** SOF_TXTIME_DEADLINE_MODE. */
  deadline?: boolean;
  /** SOF_TXTIME_REPORT_ERRORS (default true, as isochron sets it). */
  reportErrors?: boolean;
}

/** Throws the errno of the last call if `rc` is negative. */
export function check(rc: number, call: string, op?: HintOperation, context?: HintContext): number {
  if (rc < 0) throw sysError(call, lastErrno(), op, context);
  return rc;
}

/** socket(2), throwing the errno as an IsochronError naming `what`. */
export function openSocketFd(domain: number, type: number, protocol: number, what = 'socket', op?: HintOperation): number {
  return check(libc().socket(domain, type, protocol), what, op);
}

/** socketpair(2): two connected descriptors, throwing the errno as an IsochronError. */
export function openSocketPair(domain: number, type: number, what = 'socketpair'): [number, number] {
  const fds = Buffer.alloc(8);
  check(libc().socketpair(domain, type, 0, fds), what);
  return [fds.readInt32LE(0), fds.readInt32LE(4)];
}

/**
 * close(2) of a descriptor no Socket owns (e.g. one end of a socketpair),
 * ignoring errors: for clean-up paths, where the fd is gone either way.
 */
export function closeFd(fd: number): void {
  libc().close(fd);
}

/**
 * Reads and drops every datagram waiting on `fd` (recv with MSG_DONTWAIT
 * into the caller's `scratch`, so nothing is allocated); returns when the
 * queue is empty or on any error.
 */
export function discardPending(fd: number, scratch: Buffer): void {
  while (libc().recv(fd, scratch, scratch.length, MSG_DONTWAIT) > 0);
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
    if (this.#fd < 0) throw sysError('socket operation (the socket is already closed)', E.EBADF);
    return this.#fd;
  }

  setInt(level: number, name: number, value: number, call = `setsockopt(${level}, ${name})`, op?: HintOperation): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value, 0);
    check(libc().setsockopt(this.openFd, level, name, b, 4), call, op);
  }

  getInt(level: number, name: number, call = `getsockopt(${level}, ${name})`): number {
    const b = Buffer.alloc(4);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(4, 0);
    check(libc().getsockopt(this.openFd, level, name, b, len), call);
    return b.readInt32LE(0);
  }

  setBytes(level: number, name: number, value: Buffer, call = `setsockopt(${level}, ${name})`, op?: HintOperation): void {
    check(libc().setsockopt(this.openFd, level, name, value, value.length), call, op);
  }

  /** SO_BINDTODEVICE: only traffic through this interface. Needs CAP_NET_RAW. */
  bindToDevice(ifname: string): void {
    const name = Buffer.alloc(ifnameBytes(ifname).length + 1);
    name.write(ifname, 0, 'utf8');
    check(libc().setsockopt(this.openFd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length), `setsockopt(SO_BINDTODEVICE, ${ifname})`, 'bind-device', { ifname });
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
    this.setInt(SOL_SOCKET, SO_PRIORITY, priority, 'setsockopt(SO_PRIORITY)', 'socket-option');
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
    this.setBytes(SOL_SOCKET, SO_TXTIME, b, 'setsockopt(SO_TXTIME)', 'socket-option');
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
