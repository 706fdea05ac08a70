// The receiver's data sockets, opened as the C receiver opens them:
//   L2: AF_PACKET/SOCK_RAW for --etype, bound to the interface and to our
//       destination MAC; a multicast MAC joins the group (or allmulti, promisc);
//   L4: UDP on port 6000 of any address (IPv6 dual stack, IPv4 if the kernel
//       has no IPv6), bound to the interface;
// both with the sender's SO_TIMESTAMPING flags, and SIOCSHWTSTAMP first
// unless --omit-hwts.
import { isIsochronError } from '../src/core/errors.js';
import type { DeviceIoctl } from '../src/sys/ioctl.js';
import { kernelIoctl } from '../src/sys/ioctl.js';
import { PacketSocket } from '../src/sys/packet.js';
import type { DgramSocket } from '../src/sys/dgram.js';
import { macBytes } from '../src/sys/structs.js';
import { setHwTimestamping, timestampingFlags } from '../src/sys/tstamp.js';
import { UdpSocket } from '../src/sys/udp.js';
import { RcvDataSocket } from './errors.js';
import type { DataSocketConfig } from './contract.js';
import type { RxEndpoint } from './receive-loop.js';

const EAFNOSUPPORT = 97;

/** C's receive buffer (BUF_SIZ): the largest frame the sender may send. */
export const RX_BUFFER_SIZE = 10000;

export interface OpenSockets {
  endpoints: RxEndpoint[];
  close(): void;
}

function isMulticast(mac: Buffer): boolean {
  return (mac[0] & 1) === 1;
}

function wrap(what: string, ifname: string, err: unknown): Error {
  if (!isIsochronError(err)) return err as Error;
  // Keep the kernel's errno: it is the exit status, as in C.
  return RcvDataSocket.with({ errno: err.errno, cause: err }, what, ifname, err.message);
}

function enableTimestamps(sock: DgramSocket, cfg: DataSocketConfig, io: DeviceIoctl): void {
  // C configures the NIC before the socket option (hwts_init, then SO_TIMESTAMPING).
  if (!cfg.omitHwts) setHwTimestamping(cfg.ifname, { txOn: true }, io);
  sock.setTimestamping(timestampingFlags({ hardware: !cfg.omitHwts }));
}

function openL2(cfg: DataSocketConfig, io: DeviceIoctl): PacketSocket {
  const mac = macBytes(cfg.dmac);
  const sock = PacketSocket.open({ ifname: cfg.ifname, ethertype: cfg.etype & 0xffff, mac, bufferSize: RX_BUFFER_SIZE });
  try {
    if (isMulticast(mac)) sock.addMembership(mac);
    enableTimestamps(sock, cfg, io);
  } catch (err) {
    sock.close();
    throw err;
  }
  return sock;
}

function openL4(cfg: DataSocketConfig, io: DeviceIoctl): UdpSocket {
  const common = { device: cfg.ifname, bufferSize: RX_BUFFER_SIZE };
  let sock: UdpSocket;
  try {
    sock = UdpSocket.open({ family: 6, bind: { address: '::', port: cfg.dataPort }, ...common });
  } catch (err) {
    // A kernel without IPv6: plain IPv4, as C falls back.
    if (!isIsochronError(err) || err.errno !== -EAFNOSUPPORT) throw err;
    sock = UdpSocket.open({ family: 4, bind: { address: '0.0.0.0', port: cfg.dataPort }, ...common });
  }
  try {
    enableTimestamps(sock, cfg, io);
  } catch (err) {
    sock.close();
    throw err;
  }
  return sock;
}

/** Opens the enabled sockets; on failure closes what was opened and throws ISOCHRON_ERR_RCV_DATA_SOCKET (with the kernel's errno). */
export function openDataSockets(cfg: DataSocketConfig, io: DeviceIoctl = kernelIoctl): OpenSockets {
  const opened: DgramSocket[] = [];
  const endpoints: RxEndpoint[] = [];
  const close = (): void => {
    for (const s of opened.splice(0)) s.close();
  };
  try {
    if (cfg.l2) {
      let s: PacketSocket;
      try {
        s = openL2(cfg, io);
      } catch (err) {
        throw wrap('L2', cfg.ifname, err);
      }
      opened.push(s);
      endpoints.push({ source: s, fd: s.fd, l2: true });
    }
    if (cfg.l4) {
      let s: UdpSocket;
      try {
        s = openL4(cfg, io);
      } catch (err) {
        throw wrap(`L4 (UDP port ${cfg.dataPort})`, cfg.ifname, err);
      }
      opened.push(s);
      endpoints.push({ source: s, fd: s.fd, l2: false });
    }
  } catch (err) {
    close();
    throw err;
  }
  return { endpoints, close };
}
