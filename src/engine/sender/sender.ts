// The sending half of a test, shared by `isochron send` (session.ts) and
// the daemon (src/verbs/daemon/sender-session.ts): the data socket and frame
// template, then one run of the two loop threads filling a SendLog.
//
//   SenderData.open(plan, dmac)   socket, SO_PRIORITY, SO_TXTIME, timestamping,
//        |                        schedule checks, frame template (throws; nothing left open)
//        |   ... the caller's own steps (receiver, sync) ...
//   data.start(deps) -> SenderRun log, session start, banner, loops
//        |   run.stop()           ends the sender loop early
//   run.finished -> SenderRunResult
//   data.close()
//
// Two steps because `isochron send` opens its socket (and reports a NIC that
// refuses timestamping) before it waits for sync and prepares the receiver,
// like C; startSenderRun() does both at once and closes the socket itself.
import type { IsochronError } from '../../core/errors.js';
import { clockGettime } from '../../sys/time.js';
import { CLOCK_TAI } from '../../sys/constants.js';
import { kernelIoctl, type DeviceIoctl } from '../../sys/ioctl.js';
import { buildFrameTemplate, headerOffset } from '../../core/frame.js';
import { SendLog } from '../traffic/logs.js';
import { resolveSchedule, scheduleBanner, SendSchedule, type ResolvedSchedule } from '../traffic/schedule.js';
import { openDataSocket, socketBufferSize, type DataSocket } from './data-socket.js';
import type { OutputStreams } from '../../core/output.js';
import { noFaults, type SendFaults } from './faults.js';
import { SendLogFiller, type SentObserver } from './log-filler.js';
import { resultError, RunningLoops, type LoopPools, type LoopsOutcome } from './worker-pools.js';
import { frameTransport, type SendPlan } from './plan.js';
import type { SendRunObserver } from './observer.js';

export interface SenderRunDeps {
  pools: LoopPools;
  /** Where the schedule banner goes (stderr for `isochron send`, the daemon's log). */
  io: OutputStreams;
  utcTaiOffset: number;
  /** Sees every sent packet (the benchmark's wakeup statistics). */
  onSent?: SentObserver;
  /** Sees the run's packets from the main thread (the daemon's metrics endpoint). */
  observer?: SendRunObserver;
}

/** How the loops of one run ended. */
export interface SenderRunResult {
  /** Packets the sender loop sent. */
  sent: number;
  /**
   * The TX timestamp loop gave up waiting for a timestamp: C's 2 s without
   * any (--fail-fast), or 2 s after the sender ended while keeping going.
   */
  txTimedOut: boolean;
  /**
   * Measurement faults and duplicate timestamps, per kind (see
   * src/engine/sender/faults.ts). Keeping going, faults end nothing: they are
   * counted here and the caller reports them (faultSummaryLines) and
   * exits FAULT_EXIT_STATUS; with --fail-fast the first one is txError.
   */
  faults: SendFaults;
  /** The sender loop failed (a send error, a worker crash). */
  senderError: IsochronError | null;
  /** The TX timestamp loop failed, or a timestamp was refused by the log. */
  txError: IsochronError | null;
  /** The main thread's pump failed (a log refusal, a ring overflow). */
  logError: IsochronError | null;
}

/** One running pair of loops. */
export interface SenderRun {
  readonly log: SendLog;
  /** Scheduled time of seqid 1. */
  readonly operBaseTime: bigint;
  /** True once the sender loop has ended (the timestamp loop may still run). */
  readonly senderStopped: boolean;
  /** Settles when the sender loop has ended. */
  readonly senderDone: Promise<unknown>;
  /** Settles after both loops ended and their rings are drained. */
  readonly finished: Promise<SenderRunResult>;
  /** C's line(s) for the first fault of each kind while keeping going (complete once `finished` settled). */
  readonly faultNotes: readonly string[];
  /** Ends the sender loop early (idempotent); `finished` still settles. */
  stop(): void;
}

export function summarizeLoops(o: LoopsOutcome, filler: SendLogFiller, timestamps: boolean): SenderRunResult {
  const sent = o.sender.count;
  return {
    sent,
    txTimedOut: o.tx?.status === 'timeout' || o.txGaveUp,
    faults: timestamps ? filler.finishFaults(sent) : noFaults(),
    senderError: resultError(o.sender),
    txError: o.txError ?? resultError(o.tx),
    logError: o.logError,
  };
}

/** The data socket and frame of a run, opened before the run starts. */
export class SenderData {
  private constructor(
    readonly plan: SendPlan,
    readonly schedule: ResolvedSchedule,
    private readonly sock: DataSocket,
    private readonly frame: Buffer,
    private readonly headerOffset: number,
  ) {}

  get smac(): Buffer {
    return this.sock.smac;
  }

  /** Opens the socket and builds the frame; throws the first IsochronError with nothing left open. */
  static open(plan: SendPlan, dmac: Buffer, io: OutputStreams, dev: DeviceIoctl = kernelIoctl): SenderData {
    const sock = openDataSocket(plan, dmac, io, dev);
    try {
      // Checked here, where C builds its frame: a cycle of 0 or a frame too
      // short for the header fail before anything is sent (C would send them).
      const schedule = resolveSchedule(plan.schedule);
      const transport = frameTransport(plan, dmac, sock.smac);
      const frame = buildFrameTemplate(plan.frameSize, transport);
      return new SenderData(plan, schedule, sock, frame, headerOffset(transport));
    } catch (err) {
      sock.close();
      throw err;
    }
  }

  /** Creates the log, fixes the session start (banner on io.err) and starts both loops. */
  start(deps: SenderRunDeps): SenderRun {
    const { plan, schedule } = this;
    const log = new SendLog(plan.numFrames, {
      omitHwts: plan.omitHwts,
      utcTaiOffset: deps.utcTaiOffset,
      checkTx: plan.taprio || plan.txtime,
      deadline: plan.deadline,
      cycleTime: schedule.cycleTime,
    });
    const sessionStart = clockGettime(CLOCK_TAI);
    const s = SendSchedule.start(schedule, sessionStart);
    deps.io.err(scheduleBanner(sessionStart, s));
    const observer = deps.observer;
    observer?.runStarted({ advanceTime: s.advanceTime, omitHwts: plan.omitHwts, macMode: plan.taprio || plan.txtime });
    const onSent: SentObserver | undefined = observer
      ? (seqid, scheduled, wakeup) => {
          deps.onSent?.(seqid, scheduled, wakeup);
          observer.packetSent(scheduled, wakeup);
        }
      : deps.onSent;
    const filler = new SendLogFiller(log, s.advanceTime, onSent, { failFast: plan.failFast, ...(observer ? { observer } : {}) });
    const loops = new RunningLoops(
      deps.pools,
      {
        fd: this.sock.socket.fd,
        dest: this.sock.dest,
        bufferSize: socketBufferSize(plan.frameSize),
        frame: this.frame,
        headerOffset: this.headerOffset,
        numFrames: plan.numFrames,
        firstScheduled: s.operBaseTime,
        cycleTime: s.cycleTime,
        advanceTime: s.advanceTime,
        txtime: plan.txtime,
        thread: plan.thread,
      },
      plan.timestamps ? { firstWakeup: s.firstWakeup, failFast: plan.failFast } : null,
      filler,
    );
    return {
      log,
      operBaseTime: s.operBaseTime,
      get senderStopped() {
        return loops.senderStopped;
      },
      senderDone: loops.senderDone,
      faultNotes: filler.faultNotes,
      finished: loops.finished.then((o) => {
        const r = summarizeLoops(o, filler, plan.timestamps);
        observer?.runEnded({ sent: r.sent, missingTimestamps: r.faults.missingTimestamps });
        return r;
      }),
      stop: () => loops.stopSender(),
    };
  }

  close(): void {
    this.sock.close();
  }
}

/**
 * Opens the data socket and starts a run at once (the daemon's
 * SET TEST_STATE running). The socket is closed when `finished` settles,
 * whichever way; an error while opening leaves nothing open.
 */
export function startSenderRun(plan: SendPlan, dmac: Buffer, deps: SenderRunDeps & { dev?: DeviceIoctl }): SenderRun & { smac: Buffer } {
  const data = SenderData.open(plan, dmac, deps.io, deps.dev);
  let run: SenderRun;
  try {
    run = data.start(deps);
  } catch (err) {
    data.close();
    throw err;
  }
  const finished = run.finished.finally(() => data.close());
  return {
    log: run.log,
    operBaseTime: run.operBaseTime,
    get senderStopped() {
      return run.senderStopped;
    },
    senderDone: run.senderDone,
    finished,
    faultNotes: run.faultNotes,
    stop: () => run.stop(),
    smac: data.smac,
  };
}
