// Interface lookups: index by name, MAC address (SIOCGIFHWADDR), admin and
// link state (SIOCGIFFLAGS).
import { E } from '../core/errors.js';
import { AF_INET, IFF_RUNNING, IFF_UP, SIOCGIFFLAGS, SIOCGIFHWADDR, SOCK_CLOEXEC, SOCK_DGRAM } from './constants.js';
import { NoSuchInterface, sysError } from './errors.js';
import { kernelIoctl, type DeviceIoctl } from './ioctl.js';
import { lastErrno, libc } from './libc.js';
import { IFREQ_UNION, ifnameBytes, makeIfreq } from './structs.js';

export function ifNameToIndex(ifname: string): number {
  ifnameBytes(ifname);
  const index = libc().if_nametoindex(ifname);
  if (index === 0) {
    const errnum = lastErrno();
    throw NoSuchInterface.with({ errno: errnum === E.ENODEV || errnum === 0 ? E.ENODEV : errnum }, ifname);
  }
  return index;
}

/** Runs `fn` with a throwaway AF_INET datagram socket, the handle for interface ioctls. */
export function withControlSocket<T>(fn: (fd: number) => T): T {
  const fd = libc().socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw sysError('socket(AF_INET, SOCK_DGRAM)', lastErrno());
  try {
    return fn(fd);
  } finally {
    libc().close(fd);
  }
}

/** The interface's hardware address (6 bytes). */
export function interfaceMac(ifname: string, io: DeviceIoctl = kernelIoctl): Buffer {
  const ifr = makeIfreq(ifname);
  const errnum = withControlSocket((fd) => io(fd, SIOCGIFHWADDR, ifr));
  if (errnum === E.ENODEV) throw NoSuchInterface.with({ errno: errnum }, ifname);
  if (errnum) throw sysError(`ioctl(SIOCGIFHWADDR, ${ifname})`, errnum, 'ioctl-interface', { ifname });
  return Buffer.from(ifr.subarray(IFREQ_UNION + 2, IFREQ_UNION + 8));
}

export interface InterfaceFlags {
  /** Administratively up (`ip link set IF up`): IFF_UP. */
  up: boolean;
  /** Operationally up (carrier, as the kernel's link watch last saw it): IFF_RUNNING. */
  running: boolean;
}

/**
 * The interface's admin and link state. C asks rtnetlink for the same two
 * bits; one ioctl on a socket of the caller's namespace answers them too.
 * Throws ISOCHRON_ERR_IFNAME_TOO_LONG, ISOCHRON_ERR_NO_SUCH_INTERFACE (ENODEV)
 * or a system error.
 */
export function interfaceFlags(ifname: string, io: DeviceIoctl = kernelIoctl): InterfaceFlags {
  const ifr = makeIfreq(ifname);
  const errnum = withControlSocket((fd) => io(fd, SIOCGIFFLAGS, ifr));
  if (errnum === E.ENODEV) throw NoSuchInterface.with({ errno: errnum }, ifname);
  if (errnum) throw sysError(`ioctl(SIOCGIFFLAGS, ${ifname})`, errnum, 'ioctl-interface', { ifname });
  const flags = ifr.readUInt16LE(IFREQ_UNION);
  return { up: (flags & IFF_UP) !== 0, running: (flags & IFF_RUNNING) !== 0 };
}
