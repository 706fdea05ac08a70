// One session attempt of `isochron send`, in the C sender's order
// (docs/sender-receiver.md section 1): interface check, receiver
// connection, destination MAC, data socket, frame (no mlockall, see below), first sync
// check, log drain, wait for sync, receiver preparation, the two loops with
// the monitor beside them, then the end: print or collect, and the .dat.
import { writeDatFile } from '../../engine/dat/writer.js';
import { isIsochronError, type IsochronError } from '../../core/errors.js';
import { strerror } from '../../core/errno-text.js';
import { kernelIoctl, type DeviceIoctl } from '../../sys/ioctl.js';
import { SendLog } from '../../engine/traffic/logs.js';
import { RCV_RECORD_SIZE } from '../../engine/dat/layout.js';
import { RCV_DATA_TIMEOUT_MS } from '../../engine/traffic/rcv-session.js';
import { countRcvRecords } from '../../engine/traffic/run-summary.js';
import { formatMac } from '../../core/mac.js';
import { initialIntervalNs, monitorIntervalNs } from '../../engine/syncmon/intervals.js';
import { datFileToWrite, sessionHeader } from '../../engine/traffic/session.js';
import { SendInterfaceDown, SendInterrupted, SendMeasurementFaults, SendReceiverLost } from '../../engine/sender/errors.js';
import { faultSummaryLines, faultsLine, type SendFaults } from '../../engine/sender/faults.js';
import type { OutputStreams } from '../../core/output.js';
import { linkFlags } from '../../engine/sender/link-state.js';
import type { SentObserver } from '../../engine/sender/log-filler.js';
import type { LoopPools } from '../../engine/sender/worker-pools.js';
import { sessionOptions, type SendPlan } from '../../engine/sender/plan.js';
import { ReceiverLink } from './receiver-link.js';
import { SenderData, type SenderRun, type SenderRunResult } from '../../engine/sender/sender.js';
import { SyncMonitor, type CheckResult, type SyncSettings } from './sync-monitor.js';
import { WaitNotice } from '../../engine/syncmon/wait-notice.js';
import type { StatusLine } from '../../engine/progress/status-line.js';
import { RateMeter, SendMeter } from '../../engine/progress/meters.js';
import { sendingLine, waitingForSyncLine } from '../../engine/progress/lines.js';
import { hintLine } from '../../core/hints.js';

/** Set by SIGINT/SIGTERM; sessions register how to stop what runs. */
export class StopSignal {
  stopped = false;
  /** The first signal's name (null when stopped by a caller without one). */
  reason: string | null = null;
  private readonly hooks = new Set<() => void>();
  private readonly again = new Set<() => void>();

  trigger(reason: string | null = null): void {
    if (this.stopped) {
      // A second Ctrl-C: whoever waits for one (the receiver's log) gives up.
      for (const h of this.again) h();
      return;
    }
    this.stopped = true;
    this.reason = reason;
    for (const h of this.hooks) h();
  }

  /** Settles at the next trigger after the first one (the user insisting). */
  nextTrigger(): { promise: Promise<void>; dispose(): void } {
    let fire: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => (fire = resolve));
    this.again.add(fire);
    return { promise, dispose: () => this.again.delete(fire) };
  }

  /** Runs `fn` now if already stopped, else on trigger; returns the unregister. */
  on(fn: () => void): () => void {
    if (this.stopped) fn();
    this.hooks.add(fn);
    return () => this.hooks.delete(fn);
  }

  /** Resolves after `ms` or at the stop, whichever is first (and when `also` settles). */
  sleep(ms: number, also?: Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      // Already stopped (the signal came while the caller awaited something
      // else): on() would call done before `off` exists.
      if (this.stopped) return resolve();
      const timer = setTimeout(done, ms);
      const off = this.on(done);
      void also?.then(done, done);
      function done(): void {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}

export interface SessionContext {
  plan: SendPlan;
  io: OutputStreams;
  pools: LoopPools;
  signal: StopSignal;
  utcTaiOffset: number;
  /** NIC ioctls (ts info, SIOCSHWTSTAMP, MAC); a fake in tests. */
  dev?: DeviceIoctl;
  /** Sees every sent packet (the benchmark's wakeup statistics). */
  onSent?: SentObserver;
  /** ptp4l/PHC monitoring (absent or local null: --omit-sync). */
  sync?: SyncSettings;
  /** Filled as the session goes, also when it throws: the end-of-run summary reads it. */
  tally?: SendTally;
  /** The live status line (src/engine/progress); absent or disabled off a terminal. */
  progress?: StatusLine;
}

/** What a session got to, for the end-of-run line (src/engine/traffic/run-summary.ts). */
export interface SendTally {
  /** The data socket is open: from here on the run ends with a summary line. */
  opened: boolean;
  sent: number;
  /** null: --no-ts. */
  txTimestamped: number | null;
  /** Frames the receiver logged; null when not collected (no --client, receiver lost, second signal). */
  received: number | null;
  /** Measurement faults counted per kind (src/engine/sender/faults.ts); null until the loops ended. */
  faults: SendFaults | null;
  file: string | null;
}

export function emptyTally(): SendTally {
  return { opened: false, sent: 0, txTimestamped: null, received: null, faults: null, file: null };
}

export type SessionOutcome =
  | {
      kind: 'done';
      status: number;
      error: IsochronError | null;
      log: SendLog | null;
      datFile: string | null;
      /** Per-kind measurement faults and duplicates of the run (src/engine/sender/faults.ts), for the end-of-run summary. */
      faults: SendFaults;
    }
  | { kind: 'repeat' };

const ZERO_MAC = Buffer.alloc(6);
const NS_PER_MS = 1_000_000n;

export async function runSession(ctx: SessionContext): Promise<SessionOutcome> {
  const { plan, io } = ctx;
  const tally = ctx.tally ?? emptyTally();
  if (!linkFlags(plan.ifname).up) throw SendInterfaceDown(plan.ifname);
  let link: ReceiverLink | null = null;
  let data: SenderData | null = null;
  try {
    if (plan.client) link = await ReceiverLink.connect(plan.client);
    let dmac = plan.data.kind === 'l2' ? plan.data.dmac : null;
    if (plan.data.kind === 'l2' && !dmac && link) {
      dmac = await link.destinationMac();
      io.out(`Destination MAC address is ${formatMac(dmac)}\n`);
    }
    data = SenderData.open(plan, dmac ?? ZERO_MAC, io, ctx.dev ?? kernelIoctl);
    // A repeated session starts from nothing: the summary is the last session's.
    Object.assign(tally, emptyTally(), { opened: true, txTimestamped: plan.timestamps ? 0 : null });
    // No mlockall, unlike C: V8 flips page permissions of its code space at
    // run time, and mprotect on locked pages fails, which V8 treats as fatal
    // ("Check failed" in OS::SetPermissions: measured with MCL_CURRENT and
    // with MCL_CURRENT|MCL_FUTURE, as root).
    // The loop threads start while we wait for sync and the receiver, not
    // after the session start is read (see LoopPools.prestart).
    const threadsUp = ctx.pools.prestart().catch(() => undefined);
    const monitor = new SyncMonitor(plan.ifname, link, io, ctx.sync ?? null);
    const first = await monitor.check();
    if (first.lost) throw first.lost;
    if (link) await link.drainLog();
    ctx.progress?.show(waitingLine(monitor, plan.omitSync));
    await waitUntilSynced(monitor, first, ctx.signal, io);
    if (link) await link.prepare(plan.data.kind === 'l2', plan.numFrames);

    await threadsUp;
    const onSent = watchSending(ctx, data.schedule.advanceTime);
    const run = data.start({ pools: ctx.pools, io, utcTaiOffset: ctx.utcTaiOffset, onSent });
    const { log } = run;
    const offSignal = ctx.signal.on(() => run.stop());
    let verdict: MonitorVerdict;
    let result: SenderRunResult;
    try {
      verdict = await monitorWhileSending(monitor, run, ctx.signal, monitorIntervalNs(plan.numFrames, data.schedule.cycleTime, monitor.numChecks), io);
    } finally {
      run.stop();
      result = await run.finished;
      offSignal();
      ctx.progress?.show(() => null);
    }
    const errors = reportLoops(result, log, plan, io, run.faultNotes);
    tally.sent = result.sent;
    // A frame sendmsg refused may still have been stamped (SCHED, before a qdisc drop).
    tally.txTimestamped = plan.timestamps ? Math.min(log.timestamped, result.sent) : null;
    tally.faults = result.faults;
    tally.received = null;
    tally.file = null;

    if (!link) {
      // C repeats a session whose sync was lost with or without a receiver;
      // ending here said "repeating" and exited 0 with nothing measured.
      if (verdict.kind === 'sync-lost') return { kind: 'repeat' };
      if (!plan.quiet) io.out(log.printLines().join(''));
      return { kind: 'done', status: errors ? errors.exitStatus : 0, error: errors, log, datFile: null, faults: result.faults };
    }
    const smac = data.smac;
    const header = (rcvBytes: number): ReturnType<typeof sessionHeader> =>
      sessionHeader(sessionOptions(plan, dmac ?? ZERO_MAC, smac), rcvBytes);
    if (verdict.kind === 'lost') {
      // The receiver is gone: keep our half of the run, with every packet
      // marked as not received, so the report still reads the file.
      const file = datFileToWrite({ client: true, outputFile: plan.outputFile }, true) as string;
      const rcv = Buffer.alloc(plan.numFrames * RCV_RECORD_SIZE);
      writeDatFile(file, header(rcv.length), log.buffer, rcv);
      tally.file = file;
      const err = SendReceiverLost.with(
        { errno: verdict.error.errno },
        link.where,
        'GET PORT_LINK_STATE',
        verdict.error.message,
        `Sender log saved to ${file} (receiver log left empty)`,
      );
      io.err(`${err.message}\n`);
      return { kind: 'done', status: err.exitStatus, error: err, log, datFile: file, faults: result.faults };
    }
    io.out('Collecting receiver stats\n');
    let rcv: Buffer | null;
    try {
      rcv = await collectReceiverLog(link, ctx.signal, io);
    } catch (err) {
      if (!isIsochronError(err)) throw err;
      // The receiver went away while it held its log (killed, link down):
      // the sender's half of the run is still worth its file.
      const file = datFileToWrite({ client: true, outputFile: plan.outputFile }, true) as string;
      writeDatFile(file, header(plan.numFrames * RCV_RECORD_SIZE), log.buffer, Buffer.alloc(plan.numFrames * RCV_RECORD_SIZE));
      tally.file = file;
      io.err(`${err.message}\nSender log saved to ${file} (receiver log left empty)\n`);
      return { kind: 'done', status: err.exitStatus, error: err, log, datFile: file, faults: result.faults };
    }
    const file = datFileToWrite({ client: true, outputFile: plan.outputFile }, verdict.kind === 'ok');
    if (file) writeDatFile(file, header(rcv?.length ?? plan.numFrames * RCV_RECORD_SIZE), log.buffer, rcv ?? Buffer.alloc(plan.numFrames * RCV_RECORD_SIZE));
    tally.received = rcv ? countRcvRecords(rcv) : null;
    tally.file = file;
    if (verdict.kind === 'sync-lost') return { kind: 'repeat' };
    return { kind: 'done', status: errors ? errors.exitStatus : 0, error: errors, log, datFile: file, faults: result.faults };
  } finally {
    data?.close();
    await link?.close();
  }
}

/**
 * GET LOG. A receiver holds its reply until every frame of PACKET_COUNT
 * arrived or 5 s passed since the last one (C's data timeout, in C's
 * receiver as in ours): after a Ctrl-C mid-test that is a 5 s pause, so it
 * is announced, and a second signal gives up on the receiver's half (null:
 * the file keeps the sender's log with an empty receiver log).
 */
async function collectReceiverLog(link: ReceiverLink, signal: StopSignal, io: OutputStreams): Promise<Buffer | null> {
  if (!signal.stopped) return link.collect();
  io.err(
    `Interrupted: waiting for the receiver's log (${link.where} answers up to ${RCV_DATA_TIMEOUT_MS / 1000} s after the last frame it got); ` +
      'interrupt again to save without it\n',
  );
  const again = signal.nextTrigger();
  try {
    const r = await Promise.race([link.collect(), again.promise.then(() => null)]);
    if (r === null) io.err('Receiver log not collected: the file keeps the sender log only\n');
    return r;
  } finally {
    again.dispose();
  }
}

/**
 * The sent-packet observer of a run: the caller's (the benchmark's) and, on
 * a terminal, the status line's meter, which it starts showing.
 */
function watchSending(ctx: SessionContext, advanceTime: bigint): SentObserver | undefined {
  const progress = ctx.progress;
  if (!progress?.enabled) return ctx.onSent;
  const meter = new SendMeter(advanceTime);
  const rate = new RateMeter();
  const total = ctx.plan.numFrames;
  progress.show(() =>
    sendingLine('send', { sent: meter.sent, total, rate: rate.sample(meter.sent), missedDeadlines: meter.missedDeadlines, worstWakeupLatency: meter.worstWakeupLatency }),
  );
  const theirs = ctx.onSent;
  return (seqid, scheduled, wakeup) => {
    meter.observe(scheduled, wakeup);
    theirs?.(seqid, scheduled, wakeup);
  };
}

/** The status line while the monitor holds the test back. */
function waitingLine(monitor: SyncMonitor, omitSync: boolean): () => string {
  const since = performance.now();
  return () => waitingForSyncLine('send', performance.now() - since, monitor.waitingFor(), omitSync ? 'the link' : 'sync');
}

async function waitUntilSynced(monitor: SyncMonitor, first: CheckResult, signal: StopSignal, io: OutputStreams): Promise<void> {
  // C's syncmon_wait_until_ok: numChecks good checks (not necessarily in a
  // row), spaced by the interval the first check chose.
  const interval = Number(initialIntervalNs(first.ok ? 'ok' : first.within3x ? 'within-3x' : 'bad') / NS_PER_MS);
  const notice = new WaitNotice((t) => io.err(t), 'before the test');
  let toGo = monitor.numChecks;
  for (;;) {
    if (signal.stopped) throw SendInterrupted();
    const res = await monitor.check();
    if (res.lost) throw res.lost;
    if (res.ok && --toGo === 0) return;
    if (!res.ok) notice.tick(monitor.waitingFor());
    await signal.sleep(interval);
  }
}

type MonitorVerdict = { kind: 'ok' } | { kind: 'sync-lost' } | { kind: 'lost'; error: IsochronError };

async function monitorWhileSending(monitor: SyncMonitor, run: SenderRun, signal: StopSignal, intervalNs: bigint, io: OutputStreams): Promise<MonitorVerdict> {
  // C's interval is 0 for an endless run (numFrames * cycle): it would spin.
  const ms = intervalNs > 0n ? Number(intervalNs / NS_PER_MS) || 1 : 1000;
  // C's syncmon_monitor: the test is repeated after numChecks bad checks.
  let toGo = monitor.numChecks;
  while (!run.senderStopped && !signal.stopped) {
    const res = await monitor.check();
    if (res.lost) return { kind: 'lost', error: res.lost };
    if (!res.ok && --toGo === 0) {
      io.err('Sync lost during the test, repeating\n');
      return { kind: 'sync-lost' };
    }
    await signal.sleep(ms, run.senderDone);
  }
  return { kind: 'ok' };
}

/**
 * C's end-of-thread lines, then the fault counts; returns the error that
 * decides the exit status, if any (a thread failure first, then
 * SendMeasurementFaults for a run that only had measurement faults).
 */
export function reportLoops(r: SenderRunResult, log: SendLog, plan: SendPlan, io: OutputStreams, faultNotes: readonly string[]): IsochronError | null {
  if (r.senderError) {
    const e = r.senderError;
    io.err(`${e.message}\nsender thread failed: ${strerror(-e.errno)}\n${hintLine(e.code, e.hint)}`);
  }
  if (r.logError) io.err(`${r.logError.message}\n`);
  // Keeping going: C's line for the first fault of each kind, where C would have stopped.
  for (const note of faultNotes) io.err(`${note}\n`);
  // C prints the time-out lines for any end of the timestamp thread short of
  // "all timestamped", errors included; only an error is a thread failure.
  if (r.txError) io.err(`${r.txError.message}\n`);
  if (r.txTimedOut || r.txError) {
    const unacked = Math.max(0, Math.min(plan.numFrames, r.sent) - log.timestamped);
    io.err(`Timed out waiting for TX timestamps, ${unacked} timestamps unacknowledged\n`);
    if (!plan.quiet) io.err(log.missingTimestampLines().join(''));
  }
  if (r.txError) io.err(`tx timestamp thread failed: ${strerror(-r.txError.errno)}\n`);
  for (const line of faultSummaryLines(r.faults)) io.err(`${line}\n`);
  const failed = r.senderError ?? r.logError ?? r.txError;
  if (failed) return failed;
  const faults = faultsLine(r.faults);
  return faults ? SendMeasurementFaults(faults) : null;
}
