// AF_PACKET SOCK_RAW sockets bound to one interface and EtherType: what
// isochron send/rcv use for L2 traffic. Frames include the Ethernet header.
import {
  AF_PACKET,
  ETH_ALEN,
  ETH_P_ALL,
  PACKET_ADD_MEMBERSHIP,
  PACKET_DROP_MEMBERSHIP,
  PACKET_MR_ALLMULTI,
  PACKET_MR_MULTICAST,
  PACKET_MR_PROMISC,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOL_PACKET,
} from './constants.js';
import { sysError } from './errors.js';
import { ifNameToIndex } from './iface.js';
import { lastErrno, libc } from './libc.js';
import { DgramSocket, type DgramOptions } from './dgram.js';
import { openSocketFd, check } from './socket.js';
import { SIZEOF, encodeSockaddrLl, macBytes } from './structs.js';

export interface PacketSocketOptions extends DgramOptions {
  ifname: string;
  /** EtherType to receive (and the default protocol of sent frames); ETH_P_ALL by default. */
  ethertype?: number;
  /** Destination MAC kept in the bound sockaddr_ll, as isochron does. */
  mac?: string | Uint8Array;
  /**
   * false: a send-only socket. It is opened and bound with protocol 0, which
   * hooks it into no receive path, so it never queues a frame; sends name
   * the EtherType in their sockaddr_ll (`dest`). A socket bound to its
   * EtherType would also receive its own frames looped back (on `lo`, or
   * any peer sending that EtherType), and an unread receive queue fills the
   * receive buffer the error queue shares: TX timestamps are then dropped.
   * Default true.
   */
  receive?: boolean;
}

const htons = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);

export class PacketSocket extends DgramSocket {
  readonly ifindex: number;
  readonly ifname: string;
  readonly ethertype: number;

  private constructor(fd: number, opts: PacketSocketOptions, ifindex: number) {
    super(fd, opts);
    this.ifname = opts.ifname;
    this.ifindex = ifindex;
    this.ethertype = opts.ethertype ?? ETH_P_ALL;
  }

  /**
   * socket(AF_PACKET, SOCK_RAW, htons(ethertype)), SO_BINDTODEVICE,
   * bind(sockaddr_ll); protocol 0 in both for a send-only socket. Needs
   * CAP_NET_RAW.
   */
  static open(opts: PacketSocketOptions): PacketSocket {
    const ifindex = ifNameToIndex(opts.ifname);
    const ethertype = opts.ethertype ?? ETH_P_ALL;
    const mac = opts.mac === undefined ? undefined : macBytes(opts.mac);
    const bound = opts.receive === false ? 0 : ethertype;
    const fd = openSocketFd(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(bound), 'socket(AF_PACKET, SOCK_RAW)', 'data-socket');
    const sock = new PacketSocket(fd, opts, ifindex);
    try {
      sock.bindToDevice(opts.ifname);
      check(libc().bind(fd, encodeSockaddrLl({ protocol: bound, ifindex, addr: mac }), SIZEOF.sockaddr_ll), `bind(AF_PACKET, ${opts.ifname})`, 'data-socket', { ifname: opts.ifname });
      sock.dest = encodeSockaddrLl({ protocol: ethertype, ifindex, addr: mac });
    } catch (err) {
      sock.close();
      throw err;
    }
    return sock;
  }

  /**
   * Joins a multicast MAC on the interface, falling back to all-multicast
   * and then promiscuous mode when the driver refuses the filter.
   */
  addMembership(mac: string | Uint8Array, join = true): 'multicast' | 'allmulti' | 'promisc' {
    const addr = macBytes(mac);
    const option = join ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP;
    const attempts: Array<['multicast' | 'allmulti' | 'promisc', number]> = [
      ['multicast', PACKET_MR_MULTICAST],
      ['allmulti', PACKET_MR_ALLMULTI],
      ['promisc', PACKET_MR_PROMISC],
    ];
    let errnum = 0;
    for (const [name, type] of attempts) {
      const mreq = Buffer.alloc(SIZEOF.packet_mreq);
      mreq.writeInt32LE(this.ifindex, 0);
      mreq.writeUInt16LE(type, 4);
      if (type === PACKET_MR_MULTICAST) {
        mreq.writeUInt16LE(ETH_ALEN, 6);
        addr.copy(mreq, 8);
      }
      if (libc().setsockopt(this.openFd, SOL_PACKET, option, mreq, mreq.length) === 0) return name;
      errnum = lastErrno();
    }
    throw sysError(`setsockopt(PACKET_${join ? 'ADD' : 'DROP'}_MEMBERSHIP, ${this.ifname}) (multicast, allmulti and promisc all refused)`, errnum, 'syscall', { ifname: this.ifname });
  }
}
