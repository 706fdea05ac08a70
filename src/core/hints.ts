// The one table of hints: what to check after an operation failed with an
// errno. A hint is printed only when it names the real cause of that errno
// for that operation; an errno this table does not know for an operation
// gets no hint at all (a wrong hint sends the user the wrong way, so silence
// is better). test/core/hints.test.ts goes through every row, and
// test/e2e/hints-real.test.ts reproduces the rows the machine allows.
//
// Printed after the error's message (the C tool's line, where it has one) as
//   hint: <text> (ISOCHRON_ERR_...)
// so that the recorded C lines stay byte-identical and the stable code is
// on a line of its own that scripts and users can grep.
import { E, isIsochronError } from './errors.js';

/** What was being done when the errno came back (the row's first key). */
export type HintOperation =
  /** A management (stats) port: socket, bind, listen (daemon, rcv). */
  | 'listen'
  /** bind() of a UDP data socket (rcv --l4, send --l4 with a source address). */
  | 'bind-udp'
  /** SO_BINDTODEVICE for an "address%device" value. */
  | 'bind-device'
  /** TCP connect from `send --client` to a receiver. */
  | 'connect-receiver'
  /** TCP connect from the orchestrator to a node (daemon or receiver). */
  | 'connect-node'
  /** socket(AF_PACKET) or socket(AF_INET, SOCK_DGRAM) for the data path. */
  | 'data-socket'
  /** setsockopt on a data socket (SO_PRIORITY, SO_TXTIME, SO_TIMESTAMPING). */
  | 'socket-option'
  /** ioctl(SIOCSHWTSTAMP): turning hardware timestamping on. */
  | 'ioctl-hwtstamp'
  /** ioctl(SIOCETHTOOL, ETHTOOL_GET_TS_INFO). */
  | 'ioctl-ts-info'
  /** The interface ioctls by name (SIOCGIFINDEX, SIOCGIFHWADDR, SIOCGIFFLAGS). */
  | 'ioctl-interface'
  /** open() of a file the tool writes (--output-file, --pid-file, --log-file). */
  | 'open-write'
  /** open() of a file the tool reads (--input-file). */
  | 'open-read'
  /** open() of a PTP clock device (/dev/ptpN). */
  | 'open-phc'
  /** sched_setscheduler / pthread attributes for --sched-fifo/--sched-rr. */
  | 'sched-policy'
  /** sched_setaffinity for --cpu-mask. */
  | 'sched-affinity'
  /** connect() to ptp4l's management socket (--unix-domain-socket). */
  | 'ptp4l-connect'
  /** bind() of our own end of a unix socket. */
  | 'unix-bind'
  /** Any other system call: only the causes that hold whatever the call. */
  | 'syscall';

/** Arguments a hint may name (each row says which it uses). */
export interface HintContext {
  /** The interface (-i), or the device of an "address%device". */
  ifname?: string;
  /** The peer or local address, as printed ("10.0.0.1", "[fe80::1]"). */
  address?: string;
  /** The TCP port. */
  port?: number;
  /** The path of a file. */
  path?: string;
}

type HintText = string | ((c: HintContext) => string);

const ipRoute = (c: HintContext): string => (c.address ? `"ip route get ${c.address.replace(/^\[|\]$/g, '')}"` : '"ip route"');
const iface = (c: HintContext): string => (c.ifname ? `interface ${c.ifname}` : 'the interface');
const portOpt = (c: HintContext): string => (c.port === undefined ? '--stats-port' : `--stats-port ${c.port}`);

const ROOT = 'needs root (or CAP_NET_RAW and CAP_NET_ADMIN)';
const NO_INTERFACE = (c: HintContext): string =>
  `${iface(c)} does not exist here: check the name with "ip link" (and the network namespace)`;
const ROUTE_REFUSES = (c: HintContext): string =>
  `the route to this address refuses traffic (a blackhole, prohibit or unreachable route?): check ${ipRoute(c)}`;
const NO_ROUTE = (c: HintContext): string => `no route to the host: check the address and ${ipRoute(c)}`;
const NO_ANSWER = (c: HintContext): string =>
  `no answer from the host: is it up, and does a firewall drop ${c.port === undefined ? 'the TCP port' : `TCP port ${c.port}`}?`;
const NO_HWTS = (c: HintContext): string =>
  `${iface(c)} has no hardware timestamping: add --omit-hwts to use software timestamps`;

/** What a failed TCP connect means, whoever is at the other end (`who`: "the receiver", "the node"). */
function connectHints(who: string): Record<number, HintText> {
  return {
    [E.EHOSTUNREACH]: NO_ROUTE,
    [E.ENETUNREACH]: NO_ROUTE,
    [E.EINVAL]: ROUTE_REFUSES,
    [E.EACCES]: ROUTE_REFUSES,
    [E.EPERM]: 'a firewall rule rejects the connection',
    [E.ETIMEDOUT]: NO_ANSWER,
    [E.ENETDOWN]: `the interface toward ${who} is down: "ip link set IFNAME up"`,
    [E.ENODEV]: NO_INTERFACE,
  };
}

/**
 * The table: operation -> errno (positive, as the kernel reports it) -> hint.
 * A missing entry means "no hint" for that pair.
 */
export const HINTS: { readonly [op in HintOperation]: Readonly<Record<number, HintText>> } = {
  listen: {
    [E.EADDRINUSE]: 'another program (a daemon or an isochron rcv?) listens on this port: choose another with --stats-port',
    [E.EADDRNOTAVAIL]: (c) =>
      `${c.address ?? 'the address'} is not an address of this host (or of this network namespace): check "ip addr", or leave --stats-address out to listen on all`,
    [E.EACCES]: 'ports below 1024 need root or CAP_NET_BIND_SERVICE',
    [E.EAFNOSUPPORT]: 'IPv6 is disabled on this host: use an IPv4 address',
    [E.EINVAL]: 'the address cannot be listened on (a multicast or broadcast address?): give one of this host\'s unicast addresses',
  },
  'bind-udp': {
    [E.EADDRINUSE]: 'another program uses this UDP port: choose another with --data-port',
    [E.EADDRNOTAVAIL]: (c) => `${c.address ?? 'the address'} is not an address of this host (or of this network namespace): check "ip addr"`,
  },
  'bind-device': {
    [E.ENODEV]: NO_INTERFACE,
    [E.EPERM]: 'binding a socket to a device needs root or CAP_NET_RAW',
  },
  'connect-receiver': {
    ...connectHints('the receiver'),
    [E.ECONNREFUSED]: (c) => `nothing listens there: is "isochron rcv" running on that host with ${portOpt(c)}?`,
  },
  'connect-node': {
    ...connectHints('the node'),
    [E.ECONNREFUSED]: (c) =>
      `nothing listens there: is "isochron daemon" (or "isochron rcv") running on that host with ${portOpt(c)}? (the node's "port" key)`,
  },
  'data-socket': {
    [E.EPERM]: `raw (AF_PACKET) sockets ${ROOT}`,
    [E.EACCES]: `raw (AF_PACKET) sockets ${ROOT}`,
    [E.ENODEV]: NO_INTERFACE,
    [E.ENETDOWN]: (c) => `${iface(c)} is down: "ip link set ${c.ifname ?? 'IFNAME'} up"`,
    [E.EAFNOSUPPORT]: 'this kernel has no AF_PACKET support (CONFIG_PACKET)',
  },
  'socket-option': {
    [E.EPERM]: 'SO_PRIORITY above 6 needs CAP_NET_ADMIN',
    [E.ENOPROTOOPT]: 'this kernel does not know the option (SO_TXTIME needs Linux 4.19 or later)',
  },
  'ioctl-hwtstamp': {
    [E.EOPNOTSUPP]: NO_HWTS,
    [E.ERANGE]: (c) => `${iface(c)} cannot timestamp every frame in hardware: add --omit-hwts to use software timestamps`,
    [E.EINVAL]: NO_HWTS,
    [E.EPERM]: 'turning hardware timestamping on needs root or CAP_NET_ADMIN',
    [E.ENODEV]: NO_INTERFACE,
  },
  'ioctl-ts-info': {
    [E.EOPNOTSUPP]: (c) => `the driver of ${iface(c)} reports no timestamping capabilities: add --omit-hwts`,
    [E.ENODEV]: NO_INTERFACE,
  },
  'ioctl-interface': {
    [E.ENODEV]: NO_INTERFACE,
    [E.ENXIO]: NO_INTERFACE,
  },
  'open-write': {
    [E.ENOENT]: (c) => `the directory of ${c.path ?? 'the file'} does not exist: create it first`,
    [E.EACCES]: 'no permission to write there: choose another directory or run as a user who may',
    [E.EISDIR]: 'that path is a directory: give a file name',
    [E.ENOTDIR]: 'a part of the path is not a directory',
    [E.EROFS]: 'the file system is mounted read-only',
    [E.ENOSPC]: 'the file system is full',
  },
  'open-read': {
    [E.ENOENT]: (c) => `${c.path ?? 'the file'} does not exist: check the path (relative paths start at the current directory)`,
    [E.EACCES]: 'no permission to read that file',
    [E.EISDIR]: 'that path is a directory: give a file name',
  },
  'open-phc': {
    [E.ENOENT]: 'no such PTP clock: the interface has none (use --omit-hwts) or its driver is not loaded',
    [E.EACCES]: 'opening a PTP clock needs root (or read-write access to /dev/ptpN)',
  },
  'sched-policy': {
    [E.EPERM]: 'real-time policies (--sched-fifo, --sched-rr) need root or CAP_SYS_NICE (and an RLIMIT_RTPRIO that allows the priority)',
    [E.EINVAL]: 'a real-time policy needs a priority: add --sched-priority 1..99',
  },
  'sched-affinity': {
    [E.EINVAL]: 'the --cpu-mask names no CPU this thread may run on: check "nproc" and the cpuset ("taskset -p $$")',
  },
  'ptp4l-connect': {
    [E.ENOENT]: (c) => `no socket at ${c.path ?? 'that path'}: is ptp4l running (and --unix-domain-socket its uds_address)? Without ptp4l use --omit-sync`,
    [E.ECONNREFUSED]: (c) => `nothing answers at ${c.path ?? 'that path'}: is ptp4l running? Without ptp4l use --omit-sync`,
    [E.EACCES]: 'no permission to use ptp4l\'s socket: run as root',
  },
  'unix-bind': {
    [E.EADDRINUSE]: 'a socket file of that name exists: remove the stale file or choose another path',
    [E.EACCES]: 'no permission to create a socket file there',
  },
  syscall: {
    [E.EPERM]: 'not permitted: run as root (or grant the capability the call needs: CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_NICE)',
    [E.EACCES]: 'not permitted: run as root (or grant the capability the call needs: CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_NICE)',
    [E.ENODEV]: NO_INTERFACE,
    [E.ENETDOWN]: (c) => `${iface(c)} is down: "ip link set ${c.ifname ?? 'IFNAME'} up"`,
  },
};

/**
 * The hint for `op` failing with `errnum` (either sign), or null when the
 * table names no cause for that pair.
 */
export function hintFor(op: HintOperation, errnum: number, context: HintContext = {}): string | null {
  const text = HINTS[op][Math.abs(errnum)];
  if (text === undefined) return null;
  return typeof text === 'string' ? text : text(context);
}

/** The line printed after an error's message: its hint and its stable code. */
export function hintLine(code: string, hint: string | null | undefined): string {
  return hint ? `hint: ${hint} (${code})\n` : '';
}

/** An error as printed on stderr: its message (the C line first), then its hint line if it has one. */
export function errorText(err: { message: string; code: string; hint?: string | null }): string {
  return `${err.message}\n${hintLine(err.code, err.hint)}`;
}

/**
 * The hint for a failed connect to a peer's management port: the table's
 * for the connect itself, or, when SO_BINDTODEVICE of an "addr%dev" failed
 * before it, that call's (src/sys gave it).
 */
export function connectHint(
  op: 'connect-receiver' | 'connect-node',
  err: unknown,
  errnum: number,
  peer: { address: string; port: number; device?: string },
): string | null {
  if (isIsochronError(err) && err.message.includes('SO_BINDTODEVICE')) return err.hint;
  const address = peer.address.includes(':') ? `[${peer.address}]` : peer.address;
  const hint = hintFor(op, errnum, { address, port: peer.port, ifname: peer.device });
  return hint === null ? null : `${address} port ${peer.port}: ${hint}`;
}

