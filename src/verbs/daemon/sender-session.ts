// One test run of the daemon's sender: the C daemon's
// prog_prepare_send_session (data socket, frame, log, session start, loop
// threads) is src/engine/sender's startSenderRun; this adds what only the daemon
// does: the TEST_STATE life cycle, the GET_ERROR failure, the hardware
// timestamp fallback and its log lines. The parts of
// `isochron send` that belong to the orchestrator here (receiver
// connection, sync monitor, .dat file) are not used.
//
//   SET TEST_STATE 1 -> start() -> running --loops end--> finished | failed
//                                     \--stop()--> loops stopped -> torn down
//
// Unlike the C daemon, a run whose loops ended reports idle even without a
// TX timestamp thread (C's --no-ts run stays "running" forever, quirk 26),
// and an interface without hardware timestamping falls back to software
// timestamps instead of failing SIOCSHWTSTAMP (orchestrate_omithwts_fail).
import type { IsochronError } from '../../core/errors.js';
import type { OutputStreams } from '../../core/output.js';
import type { LoopPools } from '../../engine/sender/worker-pools.js';
import { faultSummaryLines, faultTotal } from '../../engine/sender/faults.js';
import { startSenderRun, type SenderRun, type SenderRunResult } from '../../engine/sender/sender.js';
import { resolveUtcTaiOffset } from '../../engine/sender/utc-offset.js';
import { SOF_TIMESTAMPING } from '../../sys/constants.js';
import { kernelIoctl, type DeviceIoctl } from '../../sys/ioctl.js';
import { getTsInfo } from '../../sys/tstamp.js';
import type { SendLog } from '../../engine/traffic/logs.js';
import { DaemonTestFailed } from './errors.js';
import type { DaemonLog } from './log.js';
import type { DaemonPlan } from './plan.js';
import type { DaemonMetrics } from './metrics.js';

export interface SessionDeps {
  pools: LoopPools;
  log: DaemonLog;
  /** NIC ioctls; tests may stand in for a NIC with hardware timestamping. */
  dev?: DeviceIoctl;
  /** The metrics endpoint's registry (--metrics-port): each run reports to it. */
  metrics?: DaemonMetrics;
}

export type SessionState = 'running' | 'finished' | 'failed';

const HW_TS_BITS = SOF_TIMESTAMPING.TX_HARDWARE | SOF_TIMESTAMPING.RX_HARDWARE | SOF_TIMESTAMPING.RAW_HARDWARE;

/**
 * True when the interface cannot give hardware timestamps. An interface we
 * cannot even ask is left to the data socket, which reports it properly.
 */
function lacksHardwareTimestamps(ifname: string, dev: DeviceIoctl): boolean {
  try {
    return (getTsInfo(ifname, dev).soTimestamping & HW_TS_BITS) !== HW_TS_BITS;
  } catch {
    return false;
  }
}

export class SenderSession {
  state: SessionState = 'running';
  /** Why the run failed (rc + text for GET_ERROR TEST_STATE). */
  failure: IsochronError | null = null;
  /** Settles when the loops ended and the socket is closed (never rejects). */
  readonly done: Promise<void>;
  #stopping = false;

  private constructor(
    private readonly run: SenderRun,
    readonly softwareFallback: boolean,
    private readonly out: DaemonLog,
  ) {
    this.done = run.finished.then(
      (r) => this.#finish(r),
      (err: unknown) => this.#fail(DaemonTestFailed('Sender loops', err instanceof Error ? err.message : String(err))),
    );
  }

  get log(): SendLog {
    return this.run.log;
  }

  get operBaseTime(): bigint {
    return this.run.operBaseTime;
  }

  /** Opens everything and starts the loops; throws the first IsochronError (nothing left open). */
  static start({ plan }: DaemonPlan, deps: SessionDeps): SenderSession {
    const dev = deps.dev ?? kernelIoctl;
    const io: OutputStreams = { out: (t) => deps.log.write(t), err: (t) => deps.log.write(t) };
    const utcTaiOffset = resolveUtcTaiOffset(plan.utcTaiOffset, io);
    let fallback = false;
    if (plan.timestamps && lacksHardwareTimestamps(plan.ifname, dev)) {
      // No MID carries --omit-hwts, so a C daemon cannot run on such an
      // interface at all; software timestamps still give a usable test.
      fallback = true;
      plan = { ...plan, omitHwts: true };
      deps.log.line(`Interface ${plan.ifname} has no hardware timestamping (ETHTOOL_GET_TS_INFO), falling back to software timestamps`);
    }
    // planFromParams insists on a destination MAC for L2.
    const dmac = plan.data.kind === 'l2' ? (plan.data.dmac as Buffer) : Buffer.alloc(6);
    const observer = deps.metrics?.senderRun(plan.ifname);
    const run = startSenderRun(plan, dmac, { pools: deps.pools, io, utcTaiOffset, dev, ...(observer ? { observer } : {}) });
    return new SenderSession(run, fallback, deps.log);
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Stops the loops (C: SET TEST_STATE idle, or the client went away) and waits for the teardown. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.run.stop();
    await this.done;
  }

  #fail(err: IsochronError): void {
    this.failure = err;
    this.state = 'failed';
    this.out.line(err.message);
  }

  #finish(r: SenderRunResult): void {
    if (r.txTimedOut) {
      this.out.line(`Timed out waiting for TX timestamps, ${Math.max(0, r.sent - this.log.timestamped)} timestamps unacknowledged`);
    }
    const first = r.senderError
      ? DaemonTestFailed.with({ errno: r.senderError.errno }, 'Sender thread', r.senderError.message)
      : r.txError
        ? DaemonTestFailed.with({ errno: r.txError.errno }, 'TX timestamping thread', r.txError.message)
        : r.logError
          ? DaemonTestFailed.with({ errno: r.logError.errno }, 'Sender log', r.logError.message)
          : null;
    if (first) {
      this.#fail(first);
      return;
    }
    this.state = 'finished';
    this.out.line(`Test ${this.#stopping ? 'stopped' : 'finished'}: ${r.sent} packets sent, ${this.log.timestamped} fully timestamped`);
    // The run kept going (no management id carries --fail-fast): the log,
    // zeros where timestamps are missing, stays complete for the orchestrator.
    for (const note of this.run.faultNotes) this.out.line(note);
    for (const line of faultSummaryLines(r.faults)) this.out.line(line);
    if (faultTotal(r.faults) > 0) this.out.line('Kept going at the measurement faults (the daemon has no --fail-fast); the log marks them with zero timestamps');
  }
}
