// The receiver's state machine on the main thread: the RcvSession (count,
// log, hold/forward of GET LOG), its 5 s data timer, the management
// operations, and the one client being served. Packets arrive in batches
// from the DataPlane's ring; management messages from the MgmtConnection.
//
//   ring batch ---> onRecords ---> RcvSession.packet ---> (held LOG reply)
//   client msg ---> drain ring first (C handles data before management)
//               ---> dispatchMessage(receiverOps) ---> replies
//   timer (5 s after the last packet / SET PACKET_COUNT) ---> timerExpired
import type { Socket } from 'node:net';
import type { IsochronError } from '../../core/errors.js';
import { dispatchMessage, encodeResponseParts, Mid, MgmtOpError, MidErrorTable, type ManagementMessage, type OpsTable } from '../mgmt/index.js';
import type { RecordRing } from '../../../workers/ring.js';
import { CLOCK_TAI } from '../../sys/constants.js';
import { clockGettime, kernelTaiOffset } from '../../sys/time.js';
import { RCV_DATA_TIMEOUT_MS, RcvSession, type RcvAction } from '../traffic/rcv-session.js';
import type { RcvLog } from '../traffic/logs.js';
import { utcToTai } from '../traffic/schedule.js';
import { MgmtConnection } from './connection.js';
import { logAllocationError, logPayload, MAX_RCV_PACKET_COUNT, receiverOps } from './handlers.js';
import { RxRecord, RxRecordStatus } from '../../../workers/contract.js';
import type { Sysmon } from './sync-sources.js';
import { createSyncSources, fixupKernelUtcOffset, observeSyncSources, type SyncObserver, type SyncSources } from '../syncmon/index.js';
import type { ReceiveObserver } from './observer.js';
import { setReceiverUtcTaiOffset } from './utc.js';
import { Errno } from '../../core/errors.js';
import type { OutputStreams } from '../../core/output.js';


/** What the Receiver needs of the DataPlane (an interface so tests can drive it without threads). */
export interface DataPlaneControl {
  drain(): void;
  setEnabled(l2: boolean, l4: boolean): Promise<void>;
  readonly config: { readonly l2: boolean; readonly l4: boolean };
  readonly dropped: number;
}

export interface ReceiverSettings {
  ifname: string;
  quiet: boolean;
  /** Our destination MAC, aa:bb:cc:dd:ee:ff. */
  dmac: string;
  utcTaiOffset: number;
  udsPath: string;
  /** ptp4l's domainNumber and transportSpecific (default 0). */
  domainNumber?: number;
  transportSpecific?: number;
  dataTimeoutMs?: number;
  partialTimeoutMs?: number;
}

export interface ReceiverDeps {
  out: OutputStreams;
  linkRunning: () => boolean | null;
  sysmon: Sysmon | null;
  /** ptp4l/PHC answers; default: from the settings and `sysmon`. */
  sync?: SyncSources;
  /** Told every frame logged (the metrics endpoint). */
  observer?: ReceiveObserver;
  /** Told every sync offset answered (the metrics endpoint's gauges). */
  syncObserver?: SyncObserver;
}

export class Receiver {
  readonly session = new RcvSession();
  readonly errors = new MidErrorTable();
  readonly settings: ReceiverSettings;
  readonly #deps: ReceiverDeps;
  readonly #ops: OpsTable;
  readonly #sync: SyncSources;
  #plane: DataPlaneControl | null = null;
  #client: MgmtConnection | null = null;
  #timer: NodeJS.Timeout | null = null;
  #reportedDrops = 0;
  /** Frames logged since start, over all clients (the end-of-run line). */
  loggedTotal = 0;

  constructor(settings: ReceiverSettings, deps: ReceiverDeps) {
    this.settings = settings;
    this.#deps = deps;
    const sync = (this.#sync = observeSyncSources(
      deps.sync ??
        createSyncSources({
          ifname: settings.ifname,
          udsPath: settings.udsPath,
          domainNumber: settings.domainNumber ?? 0,
          transportSpecific: settings.transportSpecific ?? 0,
          sysmon: deps.sysmon,
        }),
      deps.syncObserver,
    ));
    this.#ops = receiverOps({
      setPacketCount: (count) => this.#setPacketCount(count),
      takeLogOrHold: () => this.#takeLog(),
      setL2: (on) => this.#setEnabled(on, null),
      setL4: (on) => this.#setEnabled(null, on),
      destinationMac: () => settings.dmac,
      linkRunning: () => deps.linkRunning(),
      sysmonOffset: () => sync.sysmonOffset(),
      ptpmonOffset: () => sync.ptpmonOffset(),
      utcOffset: () => this.#utcOffset(),
      portState: () => sync.portState(),
      gmClockIdentity: () => sync.gmClockIdentity(),
      clockTai: () => clockGettime(CLOCK_TAI),
    });
  }

  attachDataPlane(plane: DataPlaneControl): void {
    this.#plane = plane;
  }

  get client(): MgmtConnection | null {
    return this.#client;
  }

  /** The served client has a test here (a packet count set, or a GET LOG on hold): it keeps its turn. */
  holdsTest(): boolean {
    return this.session.packetCount > 0 || this.session.timerArmed;
  }

  /** A client's turn has come: serve it until it leaves; `done` is told when it has. */
  serve(socket: Socket, done: () => void): MgmtConnection {
    // A new client starts from a fresh receiver: C would hand it the previous
    // client's leftover (zeroed) log in reply to its first GET LOG, which the
    // sender throws away; an empty log is what a fresh C receiver sends.
    this.session.clientClosed();
    this.session.setPacketCount(0);
    this.session.timerArmed = false;
    this.#disarm();
    const conn = new MgmtConnection(
      socket,
      {
        message: (msg) => this.handleMessage(msg),
        protocolError: (err, recoverable) => this.#protocolError(err, recoverable),
        closed: () => {
          if (this.#client === conn) {
            this.#client = null;
            this.session.clientClosed();
            this.#disarm();
          }
          done();
        },
      },
      { partialTimeoutMs: this.settings.partialTimeoutMs },
    );
    this.#client = conn;
    this.#deps.out.out(`Accepted connection from ${conn.remoteAddress}\n`);
    return conn;
  }

  /** Handles one request of the current client (data already received is accounted first). */
  async handleMessage(msg: ManagementMessage): Promise<void> {
    this.#plane?.drain();
    const conn = this.#client;
    await dispatchMessage(msg, this.#ops, this.errors, {
      send: (reply) => conn?.send(reply),
      log: (line) => this.#deps.out.err(`${line}\n`),
    }, undefined);
  }

  /** RecordSink of the DataPlane: one batch of received frames. */
  onRecords(ring: RecordRing): void {
    const n = ring.readable();
    if (n === 0) return;
    const d = ring.data;
    const quiet = this.settings.quiet;
    const observer = this.#deps.observer;
    for (let i = 0; i < n; i++) {
      const at = ring.peek(i);
      if (d[at + RxRecord.Status] === RxRecordStatus.TooShort) {
        if (!quiet) this.#deps.out.out(`Packet too short (${d[at + RxRecord.Length]} bytes)\n`);
        continue;
      }
      const seqid = Number(d[at + RxRecord.Seqid]);
      const outcome = this.session.packet(seqid, d[at + RxRecord.Arrival], d[at + RxRecord.Hwts], d[at + RxRecord.Swts], this.settings.utcTaiOffset);
      if (outcome.kind === 'discarded') {
        if (!quiet) this.#deps.out.out(outcome.stdout);
      } else if (outcome.kind === 'zero-seqid') {
        // C would exit here ("cannot log rcv packet with index 4294967295"); we drop it.
        if (!quiet) this.#deps.out.out('Discarding seqid 0\n');
      } else {
        this.loggedTotal++;
        if (observer) {
          const sw = d[at + RxRecord.Swts];
          observer.packetReceived(d[at + RxRecord.Arrival], d[at + RxRecord.Hwts], sw === 0n ? 0n : utcToTai(sw, this.settings.utcTaiOffset));
        }
        this.#act(outcome.action);
      }
    }
    ring.release(n);
    // Every frame re-arms the data timer in C, short and discarded ones too.
    this.#rearm();
    const dropped = this.#plane?.dropped ?? 0;
    if (dropped > this.#reportedDrops) {
      this.#deps.out.err(`Receive ring full: ${dropped - this.#reportedDrops} packet(s) not logged (the main thread fell behind)\n`);
      this.#reportedDrops = dropped;
    }
  }

  /** What `isochron rcv` prints at exit unless --quiet: what is left in the log. */
  exitLines(): string[] {
    return this.settings.quiet ? [] : this.session.currentLog.printLines();
  }

  /** Stops the timer and drops the client (shutdown). */
  shutdown(): void {
    this.#disarm();
    this.#sync.close();
    this.#client?.close();
  }

  #protocolError(err: IsochronError, recoverable: boolean): void {
    const what = recoverable ? 'ignored' : 'closing the connection';
    this.#deps.out.err(`${err.message} [${err.code}; ${what}]\n`);
  }

  #setPacketCount(count: bigint): void {
    if (count < 0n || count > BigInt(MAX_RCV_PACKET_COUNT)) throw logAllocationError(count);
    try {
      this.session.setPacketCount(Number(count));
    } catch {
      throw logAllocationError(count);
    }
    this.#rearm();
  }

  #takeLog(): RcvLog | null {
    const action = this.session.getLog();
    if (action.kind === 'send-log') {
      if (action.stderr) this.#deps.out.err(action.stderr);
      return action.log;
    }
    return null;
  }

  async #setEnabled(l2: boolean | null, l4: boolean | null): Promise<void> {
    const plane = this.#plane;
    if (!plane) throw new MgmtOpError(Errno.EIO, 'the receive loop is not running');
    await plane.setEnabled(l2 ?? plane.config.l2, l4 ?? plane.config.l4);
  }

  /** C: the answer also fixes the kernel's UTC-TAI offset and becomes ours. */
  async #utcOffset(): Promise<number> {
    const offset = await this.#sync.utcOffset();
    fixupKernelUtcOffset(offset, kernelTaiOffset, (v) => setReceiverUtcTaiOffset(BigInt(v)), (t) => this.#deps.out.out(t));
    this.settings.utcTaiOffset = offset;
    return offset;
  }

  #act(action: RcvAction): void {
    if (action.kind !== 'send-log') return;
    if (action.stderr) this.#deps.out.err(action.stderr);
    // Not awaited: the connection streams it behind any reply in progress.
    void this.#client?.send(encodeResponseParts(Mid.LOG, logPayload(action.log)));
  }

  #rearm(): void {
    if (!this.session.timerArmed) return;
    if (this.#timer) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#act(this.session.timerExpired());
    }, this.settings.dataTimeoutMs ?? RCV_DATA_TIMEOUT_MS);
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
