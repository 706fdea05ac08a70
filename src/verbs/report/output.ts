// Buffered, synchronous writes to a file descriptor. The report writes
// megabytes per run, so output is gathered in large chunks; a pipe whose
// reader set O_NONBLOCK makes write() fail with EAGAIN, which only means
// "full for now": wait briefly and retry instead of losing output.
// A reader that has gone (`report ... | head -1`) makes write() fail with
// EPIPE: the C tool catches SIGPIPE and ignores its failed writes, so it says
// nothing and exits as it would have; the writer then drops what it is given
// (readerGone tells the walk it may stop early).
import { writeSync } from 'node:fs';
import { ReportOutputFailed } from './errors.js';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Thrown by writeFully when the reading end of `fd` is closed (EPIPE). */
export class ReaderGone extends Error {}

/** Writes every byte of `data` to `fd`, retrying on EAGAIN. Throws ReaderGone on EPIPE, ReportOutputFailed otherwise. */
export function writeFully(fd: number, data: Uint8Array): void {
  let done = 0;
  let backoff = 1;
  while (done < data.length) {
    try {
      done += writeSync(fd, data, done, data.length - done);
      backoff = 1;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        pause(backoff);
        backoff = Math.min(backoff * 2, 50);
        continue;
      }
      if (code === 'EPIPE') throw new ReaderGone(`fd ${fd}: EPIPE`);
      throw ReportOutputFailed(fd, (err as Error).message);
    }
  }
}

export class FdWriter {
  private readonly buf: Buffer;
  private used = 0;
  /** The reader of fd went away (EPIPE): everything written since was dropped. */
  readerGone = false;

  constructor(
    readonly fd: number,
    size = 1 << 16,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  write(data: string | Uint8Array, encoding: BufferEncoding = 'utf8'): void {
    if (this.readerGone) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, encoding) : data;
    if (bytes.length > this.buf.length - this.used) {
      this.flush();
      if (this.readerGone) return;
      if (bytes.length >= this.buf.length) {
        this.send(bytes);
        return;
      }
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  flush(): void {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    this.send(this.buf.subarray(0, n));
  }

  private send(bytes: Uint8Array): void {
    if (this.readerGone) return;
    try {
      writeFully(this.fd, bytes);
    } catch (e) {
      if (!(e instanceof ReaderGone)) throw e;
      this.readerGone = true;
    }
  }
}
