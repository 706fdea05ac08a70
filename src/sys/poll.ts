// Blocking poll(2) on the calling thread: one descriptor (pollFd, pollInto)
// or a fixed set of them (FdPoller, the receive loop's wait on its L2 and L4
// sockets at once). EINTR counts as a timeout everywhere: the callers loop
// on their own deadlines. Waits that keep the event loop running are in
// fd-wait.ts.
import { E } from '../core/errors.js';
import { POLLERR, POLLIN, POLLPRI } from './constants.js';
import { sysError } from './errors.js';
import { lastErrno, libc } from './libc.js';
import { SIZEOF } from './structs.js';

/** struct pollfd: int fd, short events, short revents. */
const POLLFD = { size: SIZEOF.pollfd, fd: 0, events: 4, revents: 6 } as const;

/** poll(2) on one fd; returns revents, 0 on timeout. EINTR counts as a timeout. */
export function pollFd(fd: number, events: number, timeoutMs: number): number {
  return pollInto(Buffer.alloc(POLLFD.size), fd, events, timeoutMs);
}

/** pollFd through a caller-owned struct pollfd (8 bytes): nothing allocated per call. */
export function pollInto(pfd: Buffer, fd: number, events: number, timeoutMs: number): number {
  pfd.writeInt32LE(fd, POLLFD.fd);
  pfd.writeInt16LE(events, POLLFD.events);
  pfd.writeInt16LE(0, POLLFD.revents);
  const rc = libc().poll(pfd, 1, Math.max(-1, Math.trunc(timeoutMs)));
  if (rc < 0) {
    const errnum = lastErrno();
    if (errnum === E.EINTR) return 0;
    throw sysError('poll', errnum);
  }
  return rc === 0 ? 0 : pfd.readInt16LE(POLLFD.revents);
}

/**
 * poll(2) over a fixed set of descriptors (at most 31) for input, errors and
 * error-queue entries, with one reusable pollfd array: nothing is allocated
 * per wake-up.
 */
export class FdPoller {
  private readonly pfd: Buffer;
  readonly count: number;

  constructor(fds: readonly number[]) {
    this.count = fds.length;
    this.pfd = Buffer.alloc(POLLFD.size * fds.length);
    fds.forEach((fd, i) => {
      this.pfd.writeInt32LE(fd, i * POLLFD.size + POLLFD.fd);
      this.pfd.writeInt16LE(POLLIN | POLLERR | POLLPRI, i * POLLFD.size + POLLFD.events);
    });
  }

  /** Waits up to timeoutMs; returns a bit mask of the ready descriptors (bit i = fds[i]). EINTR counts as a timeout. */
  wait(timeoutMs: number): number {
    for (let i = 0; i < this.count; i++) this.pfd.writeInt16LE(0, i * POLLFD.size + POLLFD.revents);
    const rc = libc().poll(this.pfd, this.count, timeoutMs);
    if (rc < 0) {
      const errnum = lastErrno();
      if (errnum === E.EINTR) return 0;
      throw sysError('poll', errnum);
    }
    let mask = 0;
    for (let i = 0; i < this.count; i++) if (this.pfd.readInt16LE(i * POLLFD.size + POLLFD.revents) !== 0) mask |= 1 << i;
    return mask;
  }
}
