// TCP sockets bound to a device (SO_BINDTODEVICE), created here and handed to
// Node's net module, which has no such option:
//
//   listening: socket + SO_REUSEADDR + SO_BINDTODEVICE + bind + listen here,
//              then `net.createServer().listen({ fd })`;
//   client:    non-blocking socket + SO_BINDTODEVICE + connect here, wait
//              for writability, check SO_ERROR, then
//              `new net.Socket({ fd, readable: true, writable: true })`.
//
// Node takes ownership of the fd in both cases (it closes it).
import { closeSync } from 'node:fs';
import type { Server } from 'node:net';
import { E, Errno, isIsochronError } from '../core/errors.js';
import { AF_INET, AF_INET6, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_STREAM } from './constants.js';
import { InvalidSysArgument, sysError } from './errors.js';
import { lastErrno, libc } from './libc.js';
import { Socket, check, openSocketFd } from './socket.js';
import { encodeSockaddrIn } from './structs.js';

export interface TcpListenOptions {
  family: 4 | 6;
  /** Local address; any address of the family when omitted. */
  address?: string;
  port: number;
  device?: string;
  backlog?: number;
}

/** A listening TCP socket's fd, for `server.listen({ fd })`. */
export function listenTcp(opts: TcpListenOptions): number {
  const domain = familyDomain(opts.family);
  const sock = new Socket(openSocketFd(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 'socket(SOCK_STREAM)'));
  try {
    sock.setReuseAddr(true);
    if (opts.device) sock.bindToDevice(opts.device);
    const address = opts.address ?? (opts.family === 4 ? '0.0.0.0' : '::');
    const sa = encodeSockaddrIn({ family: opts.family, address, port: opts.port });
    check(libc().bind(sock.fd, sa, sa.length), `bind(TCP ${address} port ${opts.port})`, 'listen', { address, port: opts.port });
    check(libc().listen(sock.fd, opts.backlog ?? 16), `listen(TCP port ${opts.port})`, 'listen', { address, port: opts.port });
    return sock.release();
  } catch (err) {
    sock.close();
    throw err;
  }
}

/**
 * A listening socket on `address` (its family, optional device), or, when it
 * is null, on any address: `::` dual stack, falling back to `0.0.0.0` where
 * the kernel has no IPv6 (EAFNOSUPPORT), as the C tool's management port
 * does. Throws the kernel's error (an IsochronError with its errno).
 */
export function listenTcpAnyOrAt(address: Omit<TcpListenOptions, 'port'> | null, port: number): number {
  if (address) return listenTcp({ ...address, port });
  try {
    return listenTcp({ family: 6, address: '::', port });
  } catch (err) {
    if (!isIsochronError(err) || err.errno !== Errno.EAFNOSUPPORT) throw err;
    return listenTcp({ family: 4, address: '0.0.0.0', port });
  }
}

/** "TCP port P", or "ADDRESS:P (device D)" with IPv6 in brackets: a listener in messages. */
export function describeListen(address: Omit<TcpListenOptions, 'port'> | null, port: number): string {
  if (!address) return `TCP port ${port}`;
  const host = address.family === 6 ? `[${address.address}]` : address.address;
  return `${host}:${port}${address.device ? ` (device ${address.device})` : ''}`;
}

/**
 * Hands a listening fd (listenTcp, listenTcpAnyOrAt) to a Node server. When
 * Node refuses it the fd is still ours, so it is closed here before the
 * error is rethrown.
 */
export async function serveListeningFd(server: Server, fd: number): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ fd }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

export interface TcpConnectOptions {
  family: 4 | 6;
  address: string;
  port: number;
  device?: string;
  timeoutMs?: number;
}

/** A connected TCP socket's fd, for `new net.Socket({ fd, readable: true, writable: true })`. */
export async function connectTcp(opts: TcpConnectOptions): Promise<number> {
  const domain = familyDomain(opts.family);
  const sock = new Socket(openSocketFd(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 'socket(SOCK_STREAM)'));
  const where = `${opts.address} port ${opts.port}${opts.device ? ` via ${opts.device}` : ''}`;
  try {
    if (opts.device) sock.bindToDevice(opts.device);
    const sa = encodeSockaddrIn({ family: opts.family, address: opts.address, port: opts.port });
    if (libc().connect(sock.fd, sa, sa.length) < 0) {
      const errnum = lastErrno();
      if (errnum !== E.EINPROGRESS) throw sysError(`connect(TCP ${where})`, errnum);
      if (!(await sock.waitWritable(opts.timeoutMs ?? 10_000))) throw sysError(`connect(TCP ${where})`, E.ETIMEDOUT);
      const pending = sock.pendingError();
      if (pending) throw sysError(`connect(TCP ${where})`, pending);
    }
    return sock.release();
  } catch (err) {
    sock.close();
    throw err;
  }
}

function familyDomain(family: 4 | 6): number {
  if (family === 4) return AF_INET;
  if (family === 6) return AF_INET6;
  throw InvalidSysArgument(`TCP family must be 4 or 6, got ${String(family)}`);
}

