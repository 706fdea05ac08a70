// `isochron send`: the verb's entry (src/cli/verbs.ts). Settles the UTC-TAI
// offset like C (from ptp4l unless --omit-sync, see src/engine/syncmon), then runs
// sessions until one keeps sync (C repeats a session whose sync monitor
// failed, on a fresh connection). SIGINT/SIGTERM stop the sender
// cleanly: the session still ends normally, collects and saves, and the
// run exits 252. The end-of-run line and the statuses: endOfSend below,
// docs/cli.md "How a run ends".
import type { SendOptions } from '../../engine/sender/options.js';
import { isIsochronError, type IsochronError } from '../../core/errors.js';
import { formatRunSummary } from '../../engine/traffic/run-summary.js';
import { checkOutputFile } from './output-file.js';
import { openLocalSync, type LocalSync } from '../../engine/syncmon/index.js';
import { kernelTaiOffset } from '../../sys/time.js';
import { SendInterrupted, SendMeasurementFaults, SendNothingReceived, SendStopped } from '../../engine/sender/errors.js';
import { FAULT_KINDS, faultLabel } from '../../engine/sender/faults.js';
import { processStreams, type OutputStreams } from '../../core/output.js';
import { LoopPools } from '../../engine/sender/worker-pools.js';
import { planSend, type SendPlan } from '../../engine/sender/plan.js';
import { emptyTally, runSession, StopSignal, type SendTally, type SessionContext, type SessionOutcome } from './attempt.js';
import { resolveUtcTaiOffset, setSenderUtcTaiOffset } from '../../engine/sender/utc-offset.js';
import { DEFAULT_NUM_READINGS, DEFAULT_UDS } from '../../engine/traffic/defaults.js';
import { progressTerminal, StatusLine } from '../../engine/progress/status-line.js';
import { errorText } from '../../core/hints.js';
import { checkCpuMask } from './host-checks.js';
import { offloadNotices, utcTaiOffsetNotice } from '../../engine/sender/offload-notices.js';
import { qdiscKinds } from '../../sys/qdisc.js';

export interface RunSendDeps {
  io?: OutputStreams;
  signal?: StopSignal;
  /** Extra session settings (fake NIC ioctls, benchmark observer). */
  session?: Partial<Pick<SessionContext, 'dev' | 'onSent'>>;
  /** Listen to SIGINT/SIGTERM (the CLI does; in-process tests use `signal`). */
  handleSignals?: boolean;
  /** ptp4l and PHC settings for a run without --omit-sync (defaults: C's). */
  sync?: SendSyncOptions;
  /** Filled by the sessions for the end-of-run line (runSend makes its own). */
  tally?: SendTally;
  /**
   * The live status line; runSend draws one on stderr when it prints to the
   * process streams, stderr is a terminal and --no-progress is absent.
   */
  progress?: StatusLine;
  /** Writes --utc-tai-offset to the kernel (default: adjtimex; tests pass a fake, the offset is machine-wide). */
  setKernelUtcTaiOffset?: (offset: number) => void;
  /** The interface's qdisc kinds, for the --txtime/--taprio/--deadline notices (default: `tc`). */
  qdiscKinds?: (ifname: string) => string[] | null;
}

/** The sync options SendPlan does not carry (--domain-number, --transport-specific, --unix-domain-socket, --num-readings). */
export interface SendSyncOptions {
  udsPath: string;
  domainNumber: number;
  transportSpecific: number;
  numReadings: number;
  /** Per ptp4l request, ms. */
  timeoutMs?: number;
}

export const DEFAULT_SEND_SYNC: SendSyncOptions = { udsPath: DEFAULT_UDS, domainNumber: 0, transportSpecific: 0, numReadings: DEFAULT_NUM_READINGS };

export function sendSyncOptions(o: SendOptions): SendSyncOptions {
  return {
    udsPath: o.unixDomainSocket,
    domainNumber: Number(BigInt.asUintN(8, o.domainNumber)),
    transportSpecific: Number(BigInt.asUintN(8, o.transportSpecific)),
    numReadings: Number(BigInt.asIntN(32, o.numReadings)),
  };
}

export type SendResult = Extract<SessionOutcome, { kind: 'done' }>;

/** Runs a whole send; resolves to the outcome of the last session. Throws IsochronErrors. */
export async function sendWithPlan(plan: SendPlan, deps: RunSendDeps = {}): Promise<SendResult> {
  const io = deps.io ?? processStreams;
  const signal = deps.signal ?? new StopSignal();
  const onSignal = (sig: NodeJS.Signals): void => signal.trigger(sig);
  if (deps.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const pools = new LoopPools();
  let local: LocalSync | null = null;
  // The kernel's offset is the machine's: say so once when we change it.
  const setKernelOffset = (offset: number): void => {
    (deps.setKernelUtcTaiOffset ?? setSenderUtcTaiOffset)(offset);
    io.err(utcTaiOffsetNotice(offset));
  };
  try {
    for (const line of offloadNotices(plan, (deps.qdiscKinds ?? qdiscKinds)(plan.ifname))) io.err(line);
    let utcTaiOffset: number;
    if (plan.omitSync) {
      utcTaiOffset = resolveUtcTaiOffset(plan.utcTaiOffset, io, setKernelOffset);
    } else {
      const s = deps.sync ?? DEFAULT_SEND_SYNC;
      local = await openLocalSync(
        {
          ifname: plan.ifname,
          udsPath: s.udsPath,
          domainNumber: s.domainNumber,
          transportSpecific: s.transportSpecific,
          numReadings: s.numReadings,
          omitHwts: plan.omitHwts,
          utcTaiOffsetOption: plan.utcTaiOffset,
          ...(deps.session?.dev ? { io: deps.session.dev } : {}),
          ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}),
          kernelTaiOffset,
          setKernelTaiOffset: setKernelOffset,
          onInterrupt: () => SendInterrupted(),
        },
        { out: (t) => io.out(t), err: (t) => io.err(t), sleep: (ms) => signal.sleep(ms), interrupted: () => signal.stopped },
      );
      utcTaiOffset = local.utcOffset;
    }
    const sync = { local, threshold: plan.syncThreshold ?? 0n, omitRemoteSync: plan.omitRemoteSync };
    for (;;) {
      const outcome = await runSession({
        plan, io, pools, signal, utcTaiOffset, sync, ...deps.session,
        ...(deps.tally ? { tally: deps.tally } : {}),
        ...(deps.progress ? { progress: deps.progress } : {}),
      });
      if (outcome.kind === 'done') return outcome;
    }
  } finally {
    if (deps.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    await pools.destroy();
    local?.close();
  }
}

/**
 * The CLI entry: prints errors like C (message on stderr) and resolves to
 * the exit status. Once the data socket was open the run ends with the
 * summary line (src/engine/traffic/run-summary.ts) and a run that measured nothing
 * useful exits non-zero (see endOfSend).
 */
export async function runSend(options: SendOptions, deps: RunSendDeps = { handleSignals: true }): Promise<number> {
  // Only the CLI's own streams can share a terminal with the status line.
  const progress = deps.progress ?? new StatusLine(deps.io ? null : progressTerminal(options.noProgress));
  const io = progress.wrap(deps.io ?? processStreams);
  const signal = deps.signal ?? new StopSignal();
  const tally = deps.tally ?? emptyTally();
  let status = 0;
  let error: IsochronError | null = null;
  try {
    checkCpuMask(options.cpuMask);
    const plan = planSend(options);
    checkOutputFile(plan);
    const res = await sendWithPlan(plan, { sync: sendSyncOptions(options), ...deps, io, signal, tally, progress });
    status = res.status;
    error = res.error;
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    io.err(errorText(err));
    status = err.exitStatus;
    error = err;
  } finally {
    progress.stop();
  }
  if (!tally.opened) return status;
  const end = endOfSend(tally, status, error, signal.stopped ? (signal.reason ?? 'a stop request') : null);
  if (end.hint) io.err(`${end.hint.message}\n`);
  const f = tally.faults;
  const extra = f ? FAULT_KINDS.filter((k) => f[k] > 0).map((k) => ({ count: f[k], label: faultLabel(k) })) : [];
  // Not a fault (exit 0), but the end of the run is where it must be seen.
  if (f && f.duplicateTimestamps > 0) extra.push({ count: f.duplicateTimestamps, label: 'duplicate TX timestamps ignored' });
  io.err(
    formatRunSummary({ who: 'send', sent: tally.sent, txTimestamped: tally.txTimestamped, received: tally.received, extra, file: tally.file, status: end.status, reason: end.reason }),
  );
  return end.status;
}

/**
 * The exit status of a send that got as far as its data socket, in this
 * order: interrupted (SIGINT/SIGTERM) -> 252 whatever else happened; a
 * failure already reported (send thread, receiver lost, --fail-fast) keeps
 * its status; frames sent and none received -> 195; measurement faults
 * (missing TX timestamps, late or premature transmission, txtime drops:
 * src/engine/sender/faults.ts) -> 3; else 0. Partial loss is a measurement, not a
 * failure (exit 0, as in C).
 */
export function endOfSend(
  t: SendTally,
  status: number,
  error: IsochronError | null,
  interruptedBy: string | null,
): { status: number; reason: string | null; hint: IsochronError | null } {
  if (interruptedBy !== null) {
    const e = SendStopped(interruptedBy);
    // An error already printed (the sync wait's C line) says enough.
    return { status: e.exitStatus, reason: `interrupted by ${interruptedBy}`, hint: status === 0 ? e : null };
  }
  // The fault counts were printed with the run's lines; they rank below a total loss.
  const faultsOnly = error !== null && error.code === SendMeasurementFaults.code;
  if (status !== 0 && !faultsOnly) return { status, reason: error ? error.code : 'failed', hint: null };
  if (t.received === 0 && t.sent > 0) {
    const e = SendNothingReceived(t.sent);
    return { status: e.exitStatus, reason: 'no frame reached the receiver', hint: e };
  }
  if (faultsOnly) return { status, reason: 'measurement faults', hint: null };
  return { status: 0, reason: null, hint: null };
}
