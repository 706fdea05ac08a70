// UDP sockets over IPv4 or IPv6: the L4 transport of isochron send/rcv.
import { AF_INET, AF_INET6, IPPROTO_UDP, SOCK_CLOEXEC, SOCK_DGRAM, SOL_SOCKET, SO_REUSEADDR } from './constants.js';
import { InvalidSysArgument, sysError } from './errors.js';
import { lastErrno, libc } from './libc.js';
import { DgramSocket, type DgramOptions } from './dgram.js';
import { openSocketFd, check } from './socket.js';
import { SIZEOF, decodeSockaddrIn, encodeSockaddrIn, type InetAddress } from './structs.js';

export interface UdpSocketOptions extends DgramOptions {
  family: 4 | 6;
  /** SO_BINDTODEVICE before anything else. */
  device?: string;
  /** Local address and port to bind ('0.0.0.0' / '::' with port 0 when only a port matters). */
  bind?: { address?: string; port: number };
  /** Default destination of send(). */
  dest?: { address: string; port: number; scopeId?: number };
  reuseAddr?: boolean;
}

export class UdpSocket extends DgramSocket {
  readonly family: 4 | 6;

  private constructor(fd: number, family: 4 | 6, opts: DgramOptions) {
    super(fd, opts);
    this.family = family;
  }

  static open(opts: UdpSocketOptions): UdpSocket {
    if (opts.family !== 4 && opts.family !== 6) throw InvalidSysArgument(`UDP family must be 4 or 6, got ${String(opts.family)}`);
    const domain = opts.family === 4 ? AF_INET : AF_INET6;
    const fd = openSocketFd(domain, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP, `socket(AF_INET${opts.family === 6 ? '6' : ''}, SOCK_DGRAM)`);
    const sock = new UdpSocket(fd, opts.family, opts);
    try {
      if (opts.reuseAddr) sock.setInt(SOL_SOCKET, SO_REUSEADDR, 1, 'setsockopt(SO_REUSEADDR)');
      if (opts.device) sock.bindToDevice(opts.device);
      if (opts.bind) sock.bind(opts.bind.address ?? (opts.family === 4 ? '0.0.0.0' : '::'), opts.bind.port);
      if (opts.dest) sock.setDestination(opts.dest.address, opts.dest.port, opts.dest.scopeId);
    } catch (err) {
      sock.close();
      throw err;
    }
    return sock;
  }

  bind(address: string, port: number): void {
    const sa = encodeSockaddrIn({ family: this.family, address, port });
    check(libc().bind(this.openFd, sa, sa.length), `bind(UDP ${address} port ${port})`, 'bind-udp', { address, port });
  }

  setDestination(address: string, port: number, scopeId?: number): void {
    this.dest = encodeSockaddrIn({ family: this.family, address, port, scopeId });
  }

  /** Sends to an explicit address instead of the default destination. */
  sendTo(payload: Uint8Array, address: string, port: number, txtime?: bigint): number {
    return this.send(payload, txtime, encodeSockaddrIn({ family: this.family, address, port }));
  }

  localAddress(): InetAddress {
    const sa = Buffer.alloc(SIZEOF.sockaddr_storage);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(sa.length, 0);
    if (libc().getsockname(this.openFd, sa, len) < 0) throw sysError('getsockname', lastErrno());
    return decodeSockaddrIn(sa) as InetAddress;
  }
}
