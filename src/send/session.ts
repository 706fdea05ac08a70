// One session attempt of `isochron send`, in the C sender's order
// (docs/sender-receiver.md section 1): interface check, receiver
// connection, destination MAC, data socket, frame, mlockall, first sync
// check, log drain, wait for sync, receiver preparation, the two loops with
// the monitor beside them, then the end: print or collect, and the .dat.
import { writeDatFile } from '../dat/writer.js';
import type { IsochronError } from '../errors.js';
import { strerror } from '../sys/libc.js';
import { withErrno } from '../sys/errors.js';
import { kernelIoctl, type DeviceIoctl } from '../sys/ioctl.js';
import { SendLog, RCV_RECORD_SIZE } from '../traffic/logs.js';
import { formatMac, initialIntervalNs, monitorIntervalNs } from '../traffic/mgmt-sequence.js';
import { datFileToWrite, sessionHeader } from '../traffic/session.js';
import { SendInterfaceDown, SendInterrupted, SendMeasurementFaults, SendReceiverLost } from './errors.js';
import { faultSummaryLines, faultsLine, type SendFaults } from './faults.js';
import type { SendIo } from './io.js';
import { linkFlags } from './link-state.js';
import type { SentObserver } from './log-filler.js';
import type { LoopPools } from './loops.js';
import { sessionOptions, type SendPlan } from './plan.js';
import { ReceiverLink } from './receiver-link.js';
import { SenderData, type SenderRun, type SenderRunResult } from './sender-run.js';
import { SyncMonitor, type CheckResult, type SyncSettings } from './sync-monitor.js';

/** Set by SIGINT/SIGTERM; sessions register how to stop what runs. */
export class StopSignal {
  stopped = false;
  private readonly hooks = new Set<() => void>();

  trigger(): void {
    this.stopped = true;
    for (const h of this.hooks) h();
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
  io: SendIo;
  pools: LoopPools;
  signal: StopSignal;
  utcTaiOffset: number;
  /** NIC ioctls (ts info, SIOCSHWTSTAMP, MAC); a fake in tests. */
  dev?: DeviceIoctl;
  /** Sees every sent packet (the benchmark's wakeup statistics). */
  onSent?: SentObserver;
  /** ptp4l/PHC monitoring (absent or local null: --omit-sync). */
  sync?: SyncSettings;
}

export type SessionOutcome =
  | {
      kind: 'done';
      status: number;
      error: IsochronError | null;
      log: SendLog | null;
      datFile: string | null;
      /** Per-kind measurement faults and duplicates of the run (src/send/faults.ts), for the end-of-run summary. */
      faults: SendFaults;
    }
  | { kind: 'repeat' };

const ZERO_MAC = Buffer.alloc(6);
const NS_PER_MS = 1_000_000n;

export async function runSession(ctx: SessionContext): Promise<SessionOutcome> {
  const { plan, io } = ctx;
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
    await waitUntilSynced(monitor, first, ctx.signal);
    if (link) await link.prepare(plan.data.kind === 'l2', plan.numFrames);

    await threadsUp;
    const run = data.start({ pools: ctx.pools, io, utcTaiOffset: ctx.utcTaiOffset, onSent: ctx.onSent });
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
    }
    const errors = reportLoops(result, log, plan, io, run.faultNotes);

    if (!link) {
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
      const err = withErrno(
        SendReceiverLost(link.where, 'GET PORT_LINK_STATE', verdict.error.message, `Sender log saved to ${file} (receiver log left empty)`),
        -verdict.error.errno,
      );
      io.err(`${err.message}\n`);
      return { kind: 'done', status: err.exitStatus, error: err, log, datFile: file, faults: result.faults };
    }
    io.out('Collecting receiver stats\n');
    const rcv = await link.collect();
    const file = datFileToWrite({ client: true, outputFile: plan.outputFile }, verdict.kind === 'ok');
    if (file) writeDatFile(file, header(rcv.length), log.buffer, rcv);
    if (verdict.kind === 'sync-lost') return { kind: 'repeat' };
    return { kind: 'done', status: errors ? errors.exitStatus : 0, error: errors, log, datFile: file, faults: result.faults };
  } finally {
    data?.close();
    await link?.close();
  }
}

async function waitUntilSynced(monitor: SyncMonitor, first: CheckResult, signal: StopSignal): Promise<void> {
  // C's syncmon_wait_until_ok: numChecks good checks (not necessarily in a
  // row), spaced by the interval the first check chose.
  const interval = Number(initialIntervalNs(first.ok ? 'ok' : first.within3x ? 'within-3x' : 'bad') / NS_PER_MS);
  let toGo = monitor.numChecks;
  for (;;) {
    if (signal.stopped) throw SendInterrupted();
    const res = await monitor.check();
    if (res.lost) throw res.lost;
    if (res.ok && --toGo === 0) return;
    await signal.sleep(interval);
  }
}

type MonitorVerdict = { kind: 'ok' } | { kind: 'sync-lost' } | { kind: 'lost'; error: IsochronError };

async function monitorWhileSending(monitor: SyncMonitor, run: SenderRun, signal: StopSignal, intervalNs: bigint, io: SendIo): Promise<MonitorVerdict> {
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
export function reportLoops(r: SenderRunResult, log: SendLog, plan: SendPlan, io: SendIo, faultNotes: readonly string[]): IsochronError | null {
  if (r.senderError) io.err(`${r.senderError.message}\nsender thread failed: ${strerror(-r.senderError.errno)}\n`);
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
