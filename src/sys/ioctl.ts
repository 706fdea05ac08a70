// The narrow boundary to device ioctls: everything about hardware
// timestamping and PTP hardware clocks goes through one `DeviceIoctl`
// function, so that a test can stand in for a NIC or a PHC that this machine
// does not have (see test/helpers/sys-fakes.ts) while every encoder,
// decoder and error path above it stays real.
import { allocNative, lastErrno, libc } from './libc.js';
import { IFREQ_UNION } from './structs.js';

/**
 * Issues `request` on `fd`. `arg` is the argument struct, updated in place
 * with what the kernel wrote back. For ifreq-based requests (SIOCETHTOOL,
 * SIOCSHWTSTAMP) `data` is the struct ifr_data points to, also updated in
 * place. Returns 0 on success or the positive errno.
 */
export type DeviceIoctl = (fd: number, request: number, arg: Buffer, data?: Buffer) => number;

/** The real ioctl(2) through libc. */
export const kernelIoctl: DeviceIoctl = (fd, request, arg, data) => {
  if (!data) {
    const rc = libc().ioctl(fd, request, 'void *', arg);
    return rc < 0 ? lastErrno() : 0;
  }
  // ifr_data is a pointer stored inside the ifreq: both structs must sit in
  // memory that does not move during the call.
  const block = allocNative(arg.length + data.length);
  try {
    const mem = block.bytes;
    arg.copy(mem, 0);
    data.copy(mem, arg.length);
    mem.writeBigUInt64LE(block.address + BigInt(arg.length), IFREQ_UNION);
    const rc = libc().ioctl(fd, request, 'void *', block.address);
    const errnum = rc < 0 ? lastErrno() : 0;
    mem.copy(arg, 0, 0, IFREQ_UNION); // the name only: the union holds our pointer
    mem.copy(data, 0, arg.length, arg.length + data.length);
    return errnum;
  } finally {
    block.free();
  }
};
