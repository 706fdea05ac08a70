// UNIX datagram sockets: the transport of ptp4l's management interface
// (the client binds its own path, then talks to /var/run/ptp4l).
import { unlinkSync } from 'node:fs';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_DGRAM } from './constants.js';
import { libc } from './libc.js';
import { DgramSocket, type DgramOptions } from './dgram.js';
import { openSocketFd, check } from './socket.js';
import { encodeSockaddrUn } from './structs.js';

/** sizeof(struct sockaddr_un). */
const SOCKADDR_UN = 110;

/**
 * Binds the AF_UNIX socket `fd` to an abstract name the kernel chooses
 * (bind with only the family: "autobind") and returns its sockaddr_un, as
 * many bytes as getsockname reports: the address a peer sends to. `what`
 * names the purpose in the error.
 */
export function autobindUnix(fd: number, what: string): Buffer {
  const family = Buffer.alloc(2);
  family.writeUInt16LE(AF_UNIX, 0);
  check(libc().bind(fd, family, 2), `bind(AF_UNIX, autobind) for ${what}`);
  const addr = Buffer.alloc(SOCKADDR_UN);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(SOCKADDR_UN, 0);
  check(libc().getsockname(fd, addr, len), `getsockname(AF_UNIX) for ${what}`);
  return addr.subarray(0, Math.min(len.readUInt32LE(0), SOCKADDR_UN));
}

export class UnixDgramSocket extends DgramSocket {
  #boundPath: string | null = null;

  static open(opts: DgramOptions = {}): UnixDgramSocket {
    return new UnixDgramSocket(openSocketFd(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, 'socket(AF_UNIX, SOCK_DGRAM)'), opts);
  }

  /** Binds to a filesystem path; the path is unlinked again on close(). */
  bind(path: string): void {
    const { addr, len } = encodeSockaddrUn(path);
    check(libc().bind(this.openFd, addr, len), `bind(${path})`, 'unix-bind');
    this.#boundPath = path;
  }

  /** connect(2): the default peer of send(), and the only one recv() accepts from. */
  connect(path: string): void {
    const { addr, len } = encodeSockaddrUn(path);
    check(libc().connect(this.openFd, addr, len), `connect(${path})`, 'ptp4l-connect', { path });
  }

  sendTo(payload: Uint8Array, path: string): number {
    const { addr, len } = encodeSockaddrUn(path);
    return this.send(payload, undefined, addr.subarray(0, len));
  }

  /** Receives one datagram without blocking the event loop; null on timeout or when closed meanwhile. */
  async recvAsync(timeoutMs: number): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.recv(0);
      if (got) return Buffer.from(got.data);
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.waitReadable(left))) {
        // close() ends the wait: nothing more to read from a closed socket.
        if (this.fd < 0) return null;
        const last = this.recv(0);
        return last ? Buffer.from(last.data) : null;
      }
    }
  }

  protected override dispose(): void {
    super.dispose();
    if (this.#boundPath) {
      try {
        unlinkSync(this.#boundPath);
      } catch {
        // already gone: nothing to clean
      }
      this.#boundPath = null;
    }
  }
}
