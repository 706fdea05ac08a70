// One session attempt of `isochron send`, in the C sender's order
// (docs/sender-receiver.md section 1): interface check, receiver
// connection, destination MAC, data socket, frame, mlockall, first sync
// check, log drain, wait for sync, receiver preparation, the two loops with
// the monitor beside them, then the end: print or collect, and the .dat.
import { writeDatFile } from '../dat/writer.js';
import { isIsochronError, type IsochronError } from '../errors.js';
import { clockGettime } from '../sys/time.js';
import { CLOCK_TAI } from '../sys/constants.js';
import { strerror } from '../sys/libc.js';
import { withErrno } from '../sys/errors.js';
import { kernelIoctl, type DeviceIoctl } from '../sys/ioctl.js';
import { buildFrameTemplate, headerOffset } from '../traffic/frame.js';
import { SendLog, RCV_RECORD_SIZE } from '../traffic/logs.js';
import { formatMac, initialIntervalNs, monitorIntervalNs } from '../traffic/mgmt-sequence.js';
import { resolveSchedule, scheduleBanner, SendSchedule } from '../traffic/schedule.js';
import { datFileToWrite, sessionHeader } from '../traffic/session.js';
import { openDataSocket, socketBufferSize, type DataSocket } from './data-socket.js';
import { SendInterfaceDown, SendInterrupted, SendReceiverLost } from './errors.js';
import type { SendIo } from './io.js';
import { linkFlags } from './link-state.js';
import { SendLogFiller, type SentObserver } from './log-filler.js';
import { resultError, RunningLoops, type LoopPools, type LoopsOutcome } from './loops.js';
import { frameTransport, sessionOptions, type SendPlan } from './plan.js';
import { ReceiverLink } from './receiver-link.js';
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
  | { kind: 'done'; status: number; error: IsochronError | null; log: SendLog | null; datFile: string | null }
  | { kind: 'repeat' };

const ZERO_MAC = Buffer.alloc(6);
const NS_PER_MS = 1_000_000n;

export async function runSession(ctx: SessionContext): Promise<SessionOutcome> {
  const { plan, io } = ctx;
  if (!linkFlags(plan.ifname).up) throw SendInterfaceDown(plan.ifname);
  let link: ReceiverLink | null = null;
  let sock: DataSocket | null = null;
  try {
    if (plan.client) link = await ReceiverLink.connect(plan.client);
    let dmac = plan.data.kind === 'l2' ? plan.data.dmac : null;
    if (plan.data.kind === 'l2' && !dmac && link) {
      dmac = await link.destinationMac();
      io.out(`Destination MAC address is ${formatMac(dmac)}\n`);
    }
    sock = openDataSocket(plan, dmac ?? ZERO_MAC, io, ctx.dev ?? kernelIoctl);
    // Checked here, where C builds its frame: a cycle of 0 or a frame too
    // short for the header fail before anything is sent (C would send them).
    const resolved = resolveSchedule(plan.schedule);
    const transport = frameTransport(plan, dmac ?? ZERO_MAC, sock.smac);
    const frame = buildFrameTemplate(plan.frameSize, transport);
    // No mlockall, unlike C: V8 flips page permissions of its code space at
    // run time, and mprotect on locked pages fails, which V8 treats as fatal
    // ("Check failed" in OS::SetPermissions: measured with MCL_CURRENT and
    // with MCL_CURRENT|MCL_FUTURE, as root).
    const monitor = new SyncMonitor(plan.ifname, link, io, ctx.sync ?? null);
    const first = await monitor.check();
    if (first.lost) throw first.lost;
    if (link) await link.drainLog();
    await waitUntilSynced(monitor, first, ctx.signal);

    const log = new SendLog(plan.numFrames, {
      omitHwts: plan.omitHwts,
      utcTaiOffset: ctx.utcTaiOffset,
      checkTx: plan.taprio || plan.txtime,
      deadline: plan.deadline,
      cycleTime: resolved.cycleTime,
    });
    if (link) await link.prepare(plan.data.kind === 'l2', plan.numFrames);

    const sessionStart = clockGettime(CLOCK_TAI);
    const schedule = SendSchedule.start(resolved, sessionStart);
    io.err(scheduleBanner(sessionStart, schedule));
    const filler = new SendLogFiller(log, resolved.advanceTime, ctx.onSent);
    const loops = new RunningLoops(
      ctx.pools,
      {
        fd: sock.socket.fd,
        dest: sock.dest,
        bufferSize: socketBufferSize(plan.frameSize),
        frame,
        headerOffset: headerOffset(transport),
        numFrames: plan.numFrames,
        firstScheduled: schedule.operBaseTime,
        cycleTime: schedule.cycleTime,
        advanceTime: schedule.advanceTime,
        txtime: plan.txtime,
        thread: plan.thread,
      },
      plan.timestamps ? { firstWakeup: schedule.firstWakeup } : null,
      filler,
    );
    const offSignal = ctx.signal.on(() => loops.stopSender());
    let verdict: MonitorVerdict;
    let outcome: LoopsOutcome;
    try {
      verdict = await monitorWhileSending(monitor, loops, ctx.signal, monitorIntervalNs(plan.numFrames, resolved.cycleTime, monitor.numChecks), io);
    } finally {
      loops.stopSender();
      outcome = await loops.finished;
      offSignal();
    }
    const errors = reportLoops(outcome, log, plan, io);

    if (!link) {
      if (!plan.quiet) io.out(log.printLines().join(''));
      return { kind: 'done', status: errors ? errors.exitStatus : 0, error: errors, log, datFile: null };
    }
    const header = (rcvBytes: number): ReturnType<typeof sessionHeader> =>
      sessionHeader(sessionOptions(plan, dmac ?? ZERO_MAC, sock?.smac ?? ZERO_MAC), rcvBytes);
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
      return { kind: 'done', status: err.exitStatus, error: err, log, datFile: file };
    }
    io.out('Collecting receiver stats\n');
    const rcv = await link.collect();
    const file = datFileToWrite({ client: true, outputFile: plan.outputFile }, verdict.kind === 'ok');
    if (file) writeDatFile(file, header(rcv.length), log.buffer, rcv);
    if (verdict.kind === 'sync-lost') return { kind: 'repeat' };
    return { kind: 'done', status: errors ? errors.exitStatus : 0, error: errors, log, datFile: file };
  } finally {
    sock?.close();
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

async function monitorWhileSending(monitor: SyncMonitor, loops: RunningLoops, signal: StopSignal, intervalNs: bigint, io: SendIo): Promise<MonitorVerdict> {
  // C's interval is 0 for an endless run (numFrames * cycle): it would spin.
  const ms = intervalNs > 0n ? Number(intervalNs / NS_PER_MS) || 1 : 1000;
  // C's syncmon_monitor: the test is repeated after numChecks bad checks.
  let toGo = monitor.numChecks;
  while (!loops.senderStopped && !signal.stopped) {
    const res = await monitor.check();
    if (res.lost) return { kind: 'lost', error: res.lost };
    if (!res.ok && --toGo === 0) {
      io.err('Sync lost during the test, repeating\n');
      return { kind: 'sync-lost' };
    }
    await signal.sleep(ms, loops.senderDone);
  }
  return { kind: 'ok' };
}

/** C's end-of-thread lines; returns the error that decides the exit status, if any. */
function reportLoops(o: LoopsOutcome, log: SendLog, plan: SendPlan, io: SendIo): IsochronError | null {
  const senderErr = resultError(o.sender);
  if (senderErr) io.err(`${senderErr.message}\nsender thread failed: ${strerror(-senderErr.errno)}\n`);
  if (o.logError) io.err(`${o.logError.message}\n`);
  const txErr = o.txError ?? resultError(o.tx);
  // C prints the time-out lines for any end of the timestamp thread short of
  // "all timestamped", errors included; only an error is a thread failure.
  if (txErr) io.err(`${txErr.message}\n`);
  if (o.tx?.status === 'timeout' || txErr) {
    const unacked = Math.max(0, Math.min(plan.numFrames, o.sender.count) - log.timestamped);
    io.err(`Timed out waiting for TX timestamps, ${unacked} timestamps unacknowledged\n`);
    if (!plan.quiet) io.err(log.missingTimestampLines().join(''));
  }
  if (txErr) io.err(`tx timestamp thread failed: ${strerror(-txErr.errno)}\n`);
  return senderErr ?? o.logError ?? txErr;
}
