// Interface flags through SIOCGIFFLAGS: the C sender asks rtnetlink for
// IFF_UP (admin state, checked once at start) and IFF_RUNNING (link state,
// checked by the sync monitor). The ioctl answers the same two bits from the
// namespace of the socket it is issued on, which is the caller's.
import { E } from '../sys/constants.js';
import { strerror, sysError, withErrno } from '../sys/errors.js';
import { withControlSocket } from '../sys/iface.js';
import { kernelIoctl, type DeviceIoctl } from '../sys/ioctl.js';
import { IFREQ_UNION, makeIfreq } from '../sys/structs.js';
import { SendInterfaceQuery } from './errors.js';

export const SIOCGIFFLAGS = 0x8913;
export const IFF_UP = 0x1;
export const IFF_RUNNING = 0x40;

export interface LinkFlags {
  up: boolean;
  running: boolean;
}

export function linkFlags(ifname: string, io: DeviceIoctl = kernelIoctl): LinkFlags {
  let ifr: Buffer;
  try {
    ifr = makeIfreq(ifname);
  } catch (err) {
    throw withErrno(SendInterfaceQuery(ifname, (err as Error).message), E.EINVAL);
  }
  const errnum = withControlSocket((fd) => io(fd, SIOCGIFFLAGS, ifr));
  if (errnum === E.ENODEV) throw withErrno(SendInterfaceQuery(ifname, strerror(errnum)), errnum);
  if (errnum) throw sysError(`ioctl(SIOCGIFFLAGS, ${ifname})`, errnum);
  const flags = ifr.readUInt16LE(IFREQ_UNION);
  return { up: (flags & IFF_UP) !== 0, running: (flags & IFF_RUNNING) !== 0 };
}

