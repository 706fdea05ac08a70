// Waits for a descriptor to become readable or writable without blocking the
// event loop: libuv watches the fd (koffi's node.poll) and a timer bounds the
// wait. Socket.waitReadable/waitWritable are built on it, so that close()
// ends a wait before the fd goes away.
import koffi from 'koffi';
import { InvalidSysArgument } from './errors.js';

/**
 * Descriptors this thread's event loop is polling. libuv allows one poll
 * handle per fd; koffi aborts the process when a second one fails to start,
 * so a second wait is refused here with an error instead.
 */
const polled = new Set<number>();

/** One pending wait: `done` settles once, by readiness (true), timeout or cancel() (false). */
export interface PendingWait {
  readonly done: Promise<boolean>;
  /** Stops watching the fd now (synchronously) and resolves `done` with false. */
  cancel(): void;
}

/**
 * Starts watching `fd` for `events` for at most `timeoutMs`; `onEnd` runs
 * when the wait ends, however it ends. Throws InvalidSysArgument when the fd
 * is already being waited on.
 */
export function startWait(fd: number, events: { readable: true } | { writable: true }, timeoutMs: number, onEnd?: () => void): PendingWait {
  if (polled.has(fd)) {
    throw InvalidSysArgument(`fd ${fd} is already being waited on: one wait per descriptor at a time (serialise the callers)`);
  }
  let finish!: (ok: boolean) => void;
  const done = new Promise<boolean>((resolve) => {
    let over = false;
    // koffi passes (status, events); its typings declare (events) only.
    const handle = koffi.node.poll(fd, events, (() => finish(true)) as never);
    polled.add(fd);
    const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
    finish = (ok: boolean): void => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      // uv_poll_stop takes the fd out of the event loop's epoll set at once,
      // so the fd may be closed (and its number reused) right after this.
      handle.close();
      polled.delete(fd);
      onEnd?.();
      resolve(ok);
    };
  });
  return { done, cancel: () => finish(false) };
}
