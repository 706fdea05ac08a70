// poll(2) over a fixed set of descriptors with one reusable pollfd array, so
// the receive loop waits on its L2 and L4 sockets at once without
// allocating per wake-up.
import { E, POLLERR, POLLIN, POLLPRI } from '../src/sys/constants.js';
import { sysError } from '../src/sys/errors.js';
import { lastErrno, libc } from '../src/sys/libc.js';

const POLLFD_SIZE = 8;

export class FdPoller {
  private readonly pfd: Buffer;
  readonly count: number;

  constructor(fds: readonly number[]) {
    this.count = fds.length;
    this.pfd = Buffer.alloc(POLLFD_SIZE * fds.length);
    fds.forEach((fd, i) => {
      this.pfd.writeInt32LE(fd, i * POLLFD_SIZE);
      this.pfd.writeInt16LE(POLLIN | POLLERR | POLLPRI, i * POLLFD_SIZE + 4);
    });
  }

  /** Waits up to timeoutMs; returns a bit mask of the ready descriptors (bit i = fds[i]). EINTR counts as a timeout. */
  wait(timeoutMs: number): number {
    for (let i = 0; i < this.count; i++) this.pfd.writeInt16LE(0, i * POLLFD_SIZE + 6);
    const rc = libc().poll(this.pfd, this.count, timeoutMs);
    if (rc < 0) {
      const errnum = lastErrno();
      if (errnum === E.EINTR) return 0;
      throw sysError('poll', errnum);
    }
    let mask = 0;
    for (let i = 0; i < this.count; i++) if (this.pfd.readInt16LE(i * POLLFD_SIZE + 6) !== 0) mask |= 1 << i;
    return mask;
  }
}
