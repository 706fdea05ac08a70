// A TimestampSource over a socket fd the main thread opened: each worker
// wraps the same fd with its own native msghdr blocks, sends to the stored
// destination (C keeps msg_name set for L2 and L4), and gives the fd back
// untouched when done.
import type { Received, TimestampSource } from '../src/sys/boundary.js';
import type { ControlStamps } from '../src/sys/cmsg.js';
import { DgramSocket } from '../src/sys/dgram.js';

export class FdSource implements TimestampSource {
  readonly sock: DgramSocket;
  private readonly dest: Buffer;

  constructor(fd: number, dest: Uint8Array, bufferSize: number) {
    this.sock = new DgramSocket(fd, { bufferSize });
    this.dest = Buffer.from(dest);
  }

  get txBuffer(): Buffer {
    return this.sock.txBuffer;
  }

  sendPrepared(length: number, txtime?: bigint): number {
    return this.sock.sendPrepared(length, txtime, this.dest);
  }

  recv(timeoutMs: number): Received | null {
    return this.sock.recv(timeoutMs);
  }

  recvErrQueue(timeoutMs: number): Received | null {
    return this.sock.recvErrQueue(timeoutMs);
  }

  /** The TX timestamp loop's allocation-free read (see DgramSocket.recvErrQueueStamps). */
  recvErrQueueStamps(timeoutMs: number, out: ControlStamps): number {
    return this.sock.recvErrQueueStamps(timeoutMs, out);
  }

  /** Frees this wrapper's native memory; the fd stays open (the main thread owns it). */
  close(): void {
    if (this.sock.fd >= 0) this.sock.release();
  }
}
