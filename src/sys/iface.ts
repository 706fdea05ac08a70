// Interface lookups: index by name, MAC address (SIOCGIFHWADDR).
import { AF_INET, E, SIOCGIFHWADDR, SOCK_CLOEXEC, SOCK_DGRAM } from './constants.js';
import { NoSuchInterface, sysError, withErrno } from './errors.js';
import { kernelIoctl, type DeviceIoctl } from './ioctl.js';
import { lastErrno, libc } from './libc.js';
import { IFREQ_UNION, ifnameBytes, makeIfreq } from './structs.js';

export function ifNameToIndex(ifname: string): number {
  ifnameBytes(ifname);
  const index = libc().if_nametoindex(ifname);
  if (index === 0) {
    const errnum = lastErrno();
    throw withErrno(NoSuchInterface(ifname), errnum === E.ENODEV || errnum === 0 ? E.ENODEV : errnum);
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
  if (errnum === E.ENODEV) throw withErrno(NoSuchInterface(ifname), errnum);
  if (errnum) throw sysError(`ioctl(SIOCGIFHWADDR, ${ifname})`, errnum);
  return Buffer.from(ifr.subarray(IFREQ_UNION + 2, IFREQ_UNION + 8));
}
