// The one libc binding. koffi loads libc.so.6 once per thread (every worker
// thread has its own module instance, hence its own handle and prototypes);
// nothing is loaded until the first call asks for it, so importing the
// constants or parsers never touches the FFI.
//
// Pointer parameters are `void *`: callers pass a Buffer (koffi hands the
// native function a pointer to its bytes for the duration of the call) or a
// bigint address of koffi-allocated memory (stable across calls, needed when
// the pointer itself is stored inside another struct, as in msghdr).
import koffi from 'koffi';

type Ptr = Buffer | bigint | null;

export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  socketpair(domain: number, type: number, protocol: number, fds: Ptr): number;
  setsockopt(fd: number, level: number, name: number, value: Ptr, len: number): number;
  getsockopt(fd: number, level: number, name: number, value: Ptr, len: Buffer): number;
  bind(fd: number, addr: Ptr, len: number): number;
  connect(fd: number, addr: Ptr, len: number): number;
  listen(fd: number, backlog: number): number;
  getsockname(fd: number, addr: Ptr, len: Buffer): number;
  sendto(fd: number, buf: Ptr, len: number, flags: number, addr: Ptr, alen: number): number;
  send(fd: number, buf: Ptr, len: number, flags: number): number;
  recv(fd: number, buf: Ptr, len: number, flags: number): number;
  recvmsg(fd: number, msg: Ptr, flags: number): number;
  sendmsg(fd: number, msg: Ptr, flags: number): number;
  poll(fds: Ptr, nfds: number, timeoutMs: number): number;
  fcntl(fd: number, cmd: number, ...rest: unknown[]): number;
  ioctl(fd: number, request: number, ...rest: unknown[]): number;
  open(path: string, flags: number, ...rest: unknown[]): number;
  close(fd: number): number;
  if_nametoindex(name: string): number;
  clock_gettime(clockid: number, ts: Ptr): number;
  clock_nanosleep(clockid: number, flags: number, req: Ptr, rem: Ptr): number;
  sched_setscheduler(pid: number, policy: number, param: Ptr): number;
  sched_getscheduler(pid: number): number;
  sched_getparam(pid: number, param: Ptr): number;
  sched_setaffinity(pid: number, size: number, mask: Ptr): number;
  sched_getaffinity(pid: number, size: number, mask: Ptr): number;
  setns(fd: number, nstype: number): number;
  strerror(errnum: number): string;
  adjtimex(buf: Ptr): number;
  getrlimit(resource: number, rlim: Ptr): number;
}

const prototypes: Record<keyof Libc, string> = {
  socket: 'int socket(int, int, int)',
  socketpair: 'int socketpair(int, int, int, void *)',
  setsockopt: 'int setsockopt(int, int, int, void *, uint32_t)',
  getsockopt: 'int getsockopt(int, int, int, void *, void *)',
  bind: 'int bind(int, void *, uint32_t)',
  connect: 'int connect(int, void *, uint32_t)',
  listen: 'int listen(int, int)',
  getsockname: 'int getsockname(int, void *, void *)',
  sendto: 'long sendto(int, void *, size_t, int, void *, uint32_t)',
  send: 'long send(int, void *, size_t, int)',
  recv: 'long recv(int, void *, size_t, int)',
  recvmsg: 'long recvmsg(int, void *, int)',
  sendmsg: 'long sendmsg(int, void *, int)',
  poll: 'int poll(void *, unsigned long, int)',
  fcntl: 'int fcntl(int, int, ...)',
  ioctl: 'int ioctl(int, unsigned long, ...)',
  open: 'int open(const char *, int, ...)',
  close: 'int close(int)',
  if_nametoindex: 'unsigned int if_nametoindex(const char *)',
  clock_gettime: 'int clock_gettime(int, void *)',
  clock_nanosleep: 'int clock_nanosleep(int, int, void *, void *)',
  sched_setscheduler: 'int sched_setscheduler(int, int, void *)',
  sched_getscheduler: 'int sched_getscheduler(int)',
  sched_getparam: 'int sched_getparam(int, void *)',
  sched_setaffinity: 'int sched_setaffinity(int, size_t, void *)',
  sched_getaffinity: 'int sched_getaffinity(int, size_t, void *)',
  setns: 'int setns(int, int)',
  strerror: 'const char *strerror(int)',
  adjtimex: 'int adjtimex(void *)',
  getrlimit: 'int getrlimit(int, void *)',
};

let bound: Libc | undefined;

/** libc for this thread, loaded on first use. */
export function libc(): Libc {
  if (bound) return bound;
  const lib = koffi.load('libc.so.6');
  const out: Record<string, unknown> = {};
  for (const [name, proto] of Object.entries(prototypes)) out[name] = lib.func(proto);
  bound = out as unknown as Libc;
  return bound;
}

/** errno of the last failed call on this thread (koffi saves it right after the call). */
export function lastErrno(): number {
  return koffi.errno();
}

/** Stable native memory (not moved by the GC), for pointers stored inside structs. */
export interface NativeBlock {
  readonly address: bigint;
  /** Zero-copy view over the native bytes. */
  readonly bytes: Buffer;
  free(): void;
}

export function allocNative(size: number): NativeBlock {
  const address = koffi.alloc('uint8_t', size) as bigint;
  const bytes = Buffer.from(koffi.view(address, size));
  bytes.fill(0);
  let freed = false;
  return {
    address,
    bytes,
    free() {
      if (freed) return;
      freed = true;
      koffi.free(address);
    },
  };
}
