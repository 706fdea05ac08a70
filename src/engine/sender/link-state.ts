// The sender's view of the interface flags (src/sys interfaceFlags): the
// admin state checked once at start and the link state the sync monitor
// reports, with the sender's own error for an interface it cannot ask
// about (exit status and text scripts know).
import { isIsochronError, E } from '../../core/errors.js';
import { InterfaceNameTooLong, NoSuchInterface } from '../../sys/errors.js';
import { strerror } from '../../core/errno-text.js';
import { interfaceFlags, type InterfaceFlags } from '../../sys/iface.js';
import { kernelIoctl, type DeviceIoctl } from '../../sys/ioctl.js';
import { SendInterfaceQuery } from './errors.js';
import { hintFor } from '../../core/hints.js';

export type LinkFlags = InterfaceFlags;

export function linkFlags(ifname: string, io: DeviceIoctl = kernelIoctl): LinkFlags {
  try {
    return interfaceFlags(ifname, io);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    if (err.code === NoSuchInterface.code) throw SendInterfaceQuery.with({ errno: E.ENODEV, hint: hintFor('ioctl-interface', E.ENODEV, { ifname }) }, ifname, strerror(E.ENODEV));
    if (err.code === InterfaceNameTooLong.code) throw SendInterfaceQuery.with({ errno: E.EINVAL }, ifname, err.message);
    throw err;
  }
}
