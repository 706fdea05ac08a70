// Buffered, synchronous writes to a file descriptor. The report writes
// megabytes per run, so output is gathered in large chunks; a pipe whose
// reader set O_NONBLOCK makes write() fail with EAGAIN, which only means
// "full for now": wait briefly and retry instead of losing output.
import { writeSync } from 'node:fs';
import { ReportOutputFailed } from './errors.js';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Writes every byte of `data` to `fd`, retrying on EAGAIN. */
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
      throw ReportOutputFailed(fd, (err as Error).message);
    }
  }
}

export class FdWriter {
  private readonly buf: Buffer;
  private used = 0;

  constructor(
    readonly fd: number,
    size = 1 << 16,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  write(data: string | Uint8Array, encoding: BufferEncoding = 'utf8'): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, encoding) : data;
    if (bytes.length > this.buf.length - this.used) {
      this.flush();
      if (bytes.length >= this.buf.length) {
        writeFully(this.fd, bytes);
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
    writeFully(this.fd, this.buf.subarray(0, n));
  }
}
