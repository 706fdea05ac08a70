// A PTP management client for ptp4l's UNIX datagram socket (C's ptpmon):
// bind a local path, send a GET to ptp4l's path, wait for the RESPONSE.
// Differences from C, on purpose:
//   - every wait has a deadline: ptp4l silently drops requests of another
//     domainNumber/transportSpecific, and C would block forever;
//   - replies are matched by sequenceId, so a late answer to a request that
//     timed out is skipped instead of being taken for the next one;
//   - one request in flight at a time (queries from the receiver's
//     management server and from the sender's monitor may overlap).
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { isIsochronError, type IsochronError, E } from '../../core/errors.js';
import { strerror } from '../../core/errno-text.js';
import { UnixDgramSocket } from '../../sys/unix.js';
import {
  decodeDefaultDataSet,
  decodeGrandmasterIdentity,
  decodeMasterOffset,
  decodeNetworkProtocol,
  decodePortProperties,
  decodeUtcOffset,
  SHAPES,
  type DefaultDataSet,
  type PortProperties,
} from './datasets.js';
import { PtpmonBadReply, PtpmonClosed, PtpmonManagementError, PtpmonNotRunning, PtpmonPathTooLong, PtpmonPortNotFound, PtpmonSocket, PtpmonTimeout } from './errors.js';
import { managementErrorText, PtpMid, ptpMidName } from './ids.js';
import { ALL_PORTS, encodeGet, parseReply, PTP_MSGSIZE, type PortIdentity } from './message.js';
import { realDevice } from './real-dev.js';

export const DEFAULT_PTPMON_TIMEOUT_MS = 1000;
const UNIX_PATH_MAX = 108;
const MSG_TRUNC = 0x20;

export interface PtpmonOptions {
  /** ptp4l's socket (--unix-domain-socket, default /var/run/ptp4l). */
  udsPath: string;
  domainNumber: number;
  transportSpecific: number;
  /** Our bound path; default /var/run/isochron.PID (C's), made unique per client in this process. */
  localPath?: string;
  /** Per request; default 1000 ms. */
  timeoutMs?: number;
}

let clients = 0;
/** Bound paths of open clients: a process that exits without close() must not leave socket files behind. */
const openPaths = new Set<string>();
let exitHook = false;

function trackPath(path: string): void {
  openPaths.add(path);
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const p of openPaths) {
      try {
        unlinkSync(p);
      } catch {
        // already gone
      }
    }
  });
}

function defaultLocalPath(): string {
  const n = clients++;
  return n === 0 ? `/var/run/isochron.${process.pid}` : `/var/run/isochron.${process.pid}.${n}`;
}

function checkPath(which: string, path: string): void {
  const len = Buffer.byteLength(path);
  if (len === 0 || len >= UNIX_PATH_MAX) throw PtpmonPathTooLong(which, path);
}

/** Removes a stale socket file left by a previous run with our pid (C unlinks blindly). */
function removeStaleSocket(path: string): void {
  try {
    if (existsSync(path) && lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // bind will say what is wrong
  }
}

export class PtpmonClient {
  readonly udsPath: string;
  readonly localPath: string;
  readonly domainNumber: number;
  readonly transportSpecific: number;
  readonly timeoutMs: number;
  #sock: UnixDgramSocket | null;
  #sequenceId = 0;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #source: PortIdentity;

  private constructor(sock: UnixDgramSocket, o: Required<PtpmonOptions>) {
    this.#sock = sock;
    this.udsPath = o.udsPath;
    this.localPath = o.localPath;
    this.domainNumber = o.domainNumber;
    this.transportSpecific = o.transportSpecific;
    this.timeoutMs = o.timeoutMs;
    // C's source portIdentity: zero clock identity, our pid as port number.
    this.#source = { clockIdentity: Buffer.alloc(8), portNumber: process.pid & 0xffff };
  }

  /** Binds the local socket; nothing is sent yet (a missing ptp4l shows at the first query). */
  static open(o: PtpmonOptions): PtpmonClient {
    const localPath = o.localPath ?? defaultLocalPath();
    checkPath('Local', localPath);
    checkPath('Remote', o.udsPath);
    const timeoutMs = o.timeoutMs ?? DEFAULT_PTPMON_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`PtpmonClient option timeoutMs must be positive, got ${timeoutMs}`);
    removeStaleSocket(localPath);
    const sock = UnixDgramSocket.open({ bufferSize: PTP_MSGSIZE + 1 });
    try {
      sock.bind(localPath);
    } catch (err) {
      sock.close();
      if (!isIsochronError(err)) throw err;
      throw PtpmonSocket.with({ errno: err.errno }, err.message);
    }
    trackPath(localPath);
    return new PtpmonClient(sock, {
      udsPath: o.udsPath,
      localPath,
      domainNumber: o.domainNumber & 0xff,
      transportSpecific: o.transportSpecific & 0xf,
      timeoutMs,
    });
  }

  get closed(): boolean {
    return this.#sock === null;
  }

  /** GET `mid` (clock-wide unless `target`), resolving to the TLV's data field, checked against its shape. */
  query(mid: number, target: PortIdentity = ALL_PORTS): Promise<Buffer> {
    const run = this.#queue.then(
      () => this.#exchange(mid, target),
      () => this.#exchange(mid, target),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** CLOCK_DESCRIPTION networkProtocol of one port (3: layer 2, 1: UDPv4, 2: UDPv6); null when the reply does not hold it. */
  async networkProtocol(port: PortIdentity): Promise<number | null> {
    return decodeNetworkProtocol(await this.query(PtpMid.CLOCK_DESCRIPTION, port));
  }

  /** CURRENT_DATA_SET offsetFromMaster, ns. */
  async masterOffset(): Promise<bigint> {
    return decodeMasterOffset(await this.query(PtpMid.CURRENT_DATA_SET));
  }

  /** TIME_PROPERTIES_DATA_SET currentUtcOffset, s. */
  async utcOffset(): Promise<number> {
    return decodeUtcOffset(await this.query(PtpMid.TIME_PROPERTIES_DATA_SET));
  }

  /** PARENT_DATA_SET grandmasterIdentity (8 bytes). */
  async grandmasterIdentity(): Promise<Buffer> {
    return decodeGrandmasterIdentity(await this.query(PtpMid.PARENT_DATA_SET));
  }

  async defaultDataSet(): Promise<DefaultDataSet> {
    return decodeDefaultDataSet(await this.query(PtpMid.DEFAULT_DATA_SET));
  }

  /**
   * The state of ptp4l's port on `ifname` (C's ptpmon_query_port_state_by_name):
   * walks ports 1..numberPorts with PORT_PROPERTIES_NP and compares real devices.
   */
  async portStateByName(ifname: string): Promise<number> {
    return (await this.portPropertiesByName(ifname)).portState;
  }

  /** PORT_PROPERTIES_NP of ptp4l's port on `ifname` (state, timestamping, name), found as portStateByName does. */
  async portPropertiesByName(ifname: string): Promise<PortProperties> {
    const wanted = realDevice(ifname);
    const dds = await this.defaultDataSet();
    const tried: string[] = [];
    for (let port = 1; port <= dds.numberPorts; port++) {
      const props = decodePortProperties(await this.query(PtpMid.PORT_PROPERTIES_NP, { clockIdentity: dds.clockIdentity, portNumber: port }));
      const real = realDevice(props.iface);
      if (real === wanted) return props;
      tried.push(real);
    }
    throw PtpmonPortNotFound(wanted, dds.numberPorts, tried.join(', '));
  }

  /**
   * Closes the socket. A query waiting for its reply rejects with
   * ISOCHRON_ERR_PTPMON_CLOSED at once: the socket's close() ends the wait
   * before the fd goes away.
   */
  close(): void {
    const sock = this.#sock;
    if (!sock) return;
    openPaths.delete(this.localPath);
    this.#sock = null;
    sock.close();
  }

  async #exchange(mid: number, target: PortIdentity): Promise<Buffer> {
    const sock = this.#sock;
    if (!sock) throw PtpmonClosed(this.udsPath);
    const shape = SHAPES[mid];
    if (!shape) throw new RangeError(`no data set shape known for managementId ${ptpMidName(mid)}`);
    const sequenceId = this.#sequenceId;
    this.#sequenceId = (this.#sequenceId + 1) & 0xffff;
    const request = encodeGet({ sequenceId, domainNumber: this.domainNumber, transportSpecific: this.transportSpecific, source: this.#source, target, mid });
    try {
      sock.sendTo(request, this.udsPath);
    } catch (err) {
      throw this.#sendError(err);
    }
    const what = ptpMidName(mid);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      // close() during the wait: say so, rather than read a closed fd.
      if (this.#sock !== sock) throw PtpmonClosed(this.udsPath);
      const got = sock.recv(0);
      if (!got) {
        const left = deadline - Date.now();
        if (left <= 0) throw PtpmonTimeout(this.udsPath, what, this.timeoutMs, this.domainNumber, this.transportSpecific);
        await sock.waitReadable(left);
        continue;
      }
      if (got.flags & MSG_TRUNC || got.length > PTP_MSGSIZE) {
        throw PtpmonBadReply(this.udsPath, what, `datagram larger than a PTP message (${PTP_MSGSIZE} bytes)`);
      }
      const verdict = parseReply(Buffer.from(got.data), sequenceId, mid, shape);
      switch (verdict.kind) {
        case 'data':
          return verdict.data;
        case 'stale':
          continue;
        case 'error-status':
          throw PtpmonManagementError(verdict.code, managementErrorText(verdict.code), verdict.mid, what);
        case 'bad':
          throw PtpmonBadReply(this.udsPath, what, verdict.detail);
      }
    }
  }

  #sendError(err: unknown): IsochronError | unknown {
    if (!isIsochronError(err)) return err;
    const errnum = -err.errno;
    // No socket file, or a file nobody listens on (ptp4l died): not running.
    if (errnum === E.ENOENT || errnum === E.ECONNREFUSED) return PtpmonNotRunning.with({ errno: errnum }, this.udsPath, strerror(errnum));
    return PtpmonSocket.with({ errno: errnum }, `sendto(${this.udsPath}): ${strerror(errnum)}`);
  }
}
