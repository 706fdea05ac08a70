// Where the send loop's warm-up sends its frames: one end of a non-blocking
// AF_UNIX datagram socketpair, wrapped in the same FdSource class as the
// data socket, so the warm-up runs the very code (and gives the JIT the very
// types) of the real sendmsg path; the other end reads each datagram back
// and drops it. Nothing reaches a NIC, a receiver or the TX timestamp queue.
// The peer is autobound to an abstract address and every send names it, as
// the data socket's sends name their sockaddr_ll: a warm-up without
// msg_name left that branch cold and the first real packet deoptimised
// (0.5 ms). SCM_TXTIME cannot be warmed here (AF_UNIX refuses it).
import { AF_UNIX, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK } from '../src/sys/constants.js';
import { closeFd, discardPending, openSocketPair } from '../src/sys/socket.js';
import { autobindUnix } from '../src/sys/unix.js';
import { FdSource } from './fd-timestamps.js';

export class DiscardSink {
  /** Sends to the peer; no destination address (the pair is connected). */
  readonly source: FdSource;
  readonly #peer: number;
  readonly #scratch: Buffer;

  private constructor(source: FdSource, peer: number, bufferSize: number) {
    this.source = source;
    this.#peer = peer;
    this.#scratch = Buffer.alloc(bufferSize);
  }

  static open(bufferSize: number): DiscardSink {
    const [a, b] = openSocketPair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 'socketpair(AF_UNIX) for the send warm-up');
    try {
      return new DiscardSink(new FdSource(a, autobindUnix(b, 'the send warm-up'), bufferSize), b, bufferSize);
    } catch (err) {
      closeFd(a);
      closeFd(b);
      throw err;
    }
  }

  /** Reads and drops what the source sent, so its sends never find the pair full. */
  drain(): void {
    discardPending(this.#peer, this.#scratch);
  }

  close(): void {
    const fd = this.source.sock.fd;
    this.source.close();
    if (fd >= 0) closeFd(fd);
    closeFd(this.#peer);
  }
}
