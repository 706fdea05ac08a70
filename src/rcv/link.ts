// Interface flags (SIOCGIFFLAGS): the admin state C checks at start-up
// (IFF_UP) and the link state it reports in PORT_LINK_STATE (IFF_RUNNING).
// C asks rtnetlink for the same two bits; one ioctl is enough here.
import { E } from '../sys/constants.js';
import { NoSuchInterface, sysError, withErrno } from '../sys/errors.js';
import { withControlSocket } from '../sys/iface.js';
import { kernelIoctl, type DeviceIoctl } from '../sys/ioctl.js';
import { makeIfreq } from '../sys/structs.js';

const SIOCGIFFLAGS = 0x8913;
const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;

export interface LinkFlags {
  /** Administratively up (ip link set IF up). */
  up: boolean;
  /** Operationally running (carrier). */
  running: boolean;
}

export function linkFlags(ifname: string, io: DeviceIoctl = kernelIoctl): LinkFlags {
  const ifr = makeIfreq(ifname);
  const errnum = withControlSocket((fd) => io(fd, SIOCGIFFLAGS, ifr));
  if (errnum === E.ENODEV) throw withErrno(NoSuchInterface(ifname), errnum);
  if (errnum) throw sysError(`ioctl(SIOCGIFFLAGS, ${ifname})`, errnum);
  const flags = ifr.readUInt16LE(16);
  return { up: (flags & IFF_UP) !== 0, running: (flags & IFF_RUNNING) !== 0 };
}
