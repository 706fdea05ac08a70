// Network namespaces of the calling thread.
import { CLONE_NEWNET } from './constants.js';
import { lastErrno, libc } from './libc.js';

/**
 * setns(fd, CLONE_NEWNET): moves the calling thread into the network
 * namespace that `fd` refers to (an open /run/netns/<name> or
 * /proc/.../ns/net). Sockets opened afterwards belong to that namespace.
 * Returns 0, or the positive errno the call failed with (EPERM without
 * CAP_SYS_ADMIN, EINVAL when `fd` is no network namespace), so the caller
 * names the namespace in its own error.
 */
export function enterNetns(fd: number): number {
  return libc().setns(fd, CLONE_NEWNET) < 0 ? lastErrno() : 0;
}
