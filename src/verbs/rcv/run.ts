// `isochron rcv`: start-up checks, the stats server, the receive loop in its
// worker thread, and a clean stop on SIGINT/SIGTERM, printing what is left
// in the log unless --quiet, then the end-of-run line; exit 252 (C exits 0
// after a signal; every verb of ours gives an interrupted run 252).
import type { RcvOptions } from './options.js';
import { isIsochronError, type IsochronError } from '../../core/errors.js';
import { interfaceFlags } from '../../sys/iface.js';
import { kernelIoctl, type DeviceIoctl } from '../../sys/ioctl.js';
import { formatRunSummary } from '../../engine/traffic/run-summary.js';
import { WaitNotice } from '../../engine/syncmon/wait-notice.js';
import { DataPlane } from '../../engine/receiver/worker-pool.js';
import { RcvInterrupted } from '../../engine/receiver/errors.js';
import { Receiver } from '../../engine/receiver/receiver.js';
import { processStreams, type OutputStreams } from '../../core/output.js';
import { prepareReceiver } from './startup.js';
import { IDLE_YIELD_MS, StatsServer, type ListenAddress } from '../../engine/receiver/stats-server.js';
import { envMs } from '../../core/env.js';
import type { ReceiveTaskConfig } from '../../../workers/contract.js';
import { progressTerminal, StatusLine } from '../../engine/progress/status-line.js';
import { RateMeter } from '../../engine/progress/meters.js';
import { receivingLine } from '../../engine/progress/lines.js';
import { metricsApartFromStats, metricsConfig } from '../../engine/metrics/config.js';
import type { MetricsEndpoint } from '../../engine/metrics/endpoint.js';
import { errorText } from '../../core/hints.js';

/** How long the loop blocks before it looks at its stop flag. */
export const RCV_POLL_MS = 50;

export interface RcvRuntime {
  out: OutputStreams;
  io: DeviceIoctl;
  /** Resolves when the receiver should stop (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<unknown>;
  /** Called once the receiver listens and receives (tests, the main job). */
  onReady?: (info: { statsPort: number }) => void;
}

function signalStop(): { promise: Promise<NodeJS.Signals>; dispose(): void } {
  let handler: (sig: NodeJS.Signals) => void = () => undefined;
  const promise = new Promise<NodeJS.Signals>((resolve) => {
    handler = resolve;
  });
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

function listenAddress(o: RcvOptions): ListenAddress | null {
  const a = o.statsAddress;
  if (!a) return null;
  return { family: a.family, address: a.address, ...(a.device ? { device: a.device } : {}) };
}

/** How often the receiver looks at its link while it runs. */
const CARRIER_POLL_MS = 1000;

/**
 * A receiver on a link without carrier gets nothing, silently: it says so
 * every WAIT_NOTICE_INTERVAL_MS while the link is not running (C prints
 * nothing). Reading the flags is one ioctl a second.
 */
function watchCarrier(ifname: string, err: (line: string) => void): { stop(): void } {
  let notice: WaitNotice | null = null;
  const timer = setInterval(() => {
    let flags;
    try {
      flags = interfaceFlags(ifname);
    } catch {
      return; // gone or renamed: the data plane reports what matters
    }
    if (flags.running) {
      notice = null;
      return;
    }
    notice ??= new WaitNotice(err, 'for frames');
    notice.tick([flags.up ? `no carrier on ${ifname} (link is up, no carrier: is the cable or the peer (veth peer, switch port) connected and up?)` : `interface ${ifname} is down`]);
  }, CARRIER_POLL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The receiver's end-of-run line: frames it logged over its life; it writes no file. */
function rcvSummary(rcv: Receiver, status: number, reason: string): string {
  return formatRunSummary({ who: 'rcv', sent: null, txTimestamped: null, received: rcv.loggedTotal, file: null, status, reason });
}

/** The receiver's status line: what the current sender's test got so far. */
function showReceiving(progress: StatusLine, rcv: Receiver): void {
  if (!progress.enabled) return;
  const rate = new RateMeter();
  progress.show(() => {
    const s = rcv.session;
    return receivingLine({ received: s.receivedCount, expected: s.packetCount, rate: rate.sample(rcv.loggedTotal), lost: s.missingBelowHighest });
  });
}

export async function runRcv(o: RcvOptions, rt: Partial<RcvRuntime> = {}): Promise<number> {
  // Only the CLI's own streams can share a terminal with the status line.
  const progress = new StatusLine(rt.out ? null : progressTerminal(o.noProgress));
  const out = progress.wrap(rt.out ?? processStreams);
  const signals = rt.stopSignal ? null : signalStop();
  const stopSignal = rt.stopSignal ?? (signals as { promise: Promise<unknown> }).promise;
  let plane: DataPlane | null = null;
  let server: StatsServer | null = null;
  let receiver: Receiver | null = null;
  let sysmonClose: (() => void) | null = null;
  let receiverStarted = false;
  let metrics: MetricsEndpoint | null = null;
  try {
    const metricsAt = metricsApartFromStats(metricsConfig(o.metricsPort, o.metricsAddress), o.statsPort, o.statsAddress);
    const prep = prepareReceiver(o, out, rt.io ?? kernelIoctl);
    // The endpoint (loaded only when asked for) reads the receiver at each scrape.
    const nodeStatus = () => ({ interface: o.interface, testState: receiver?.holdsTest() ? 1 : 0 });
    if (metricsAt) metrics = await (await import('../../engine/metrics/endpoint.js')).startMetricsEndpoint(metricsAt, 'receiver', nodeStatus);
    sysmonClose = prep.sysmon ? () => prep.sysmon?.close() : null;
    const rcv = new Receiver(
      {
        ifname: o.interface,
        quiet: o.quiet,
        dmac: prep.dmac,
        utcTaiOffset: prep.utcTaiOffset,
        udsPath: o.unixDomainSocket,
        domainNumber: Number(BigInt.asUintN(8, o.domainNumber)),
        transportSpecific: Number(BigInt.asUintN(8, o.transportSpecific)),
      },
      {
        out,
        sysmon: prep.sysmon,
        ...(metrics ? { observer: metrics.metrics.receiver(o.interface), syncObserver: metrics.metrics.sync(() => o.interface) } : {}),
        linkRunning: () => {
          try {
            return interfaceFlags(o.interface).running;
          } catch (err) {
            out.err(`Failed to query port ${o.interface} link state\n`);
            return null;
          }
        },
      },
    );
    receiver = rcv;
    // C opens the listening socket before the data sockets (a busy port is
    // reported first) but serves no client before both are open: a client
    // that connects early waits, so no frame it triggers can be missed.
    let dataReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      dataReady = resolve;
    });
    server = await StatsServer.listen({ address: listenAddress(o), port: prep.statsPort, idleYieldMs: envMs('ISOCHRON_RCV_IDLE_YIELD_MS', IDLE_YIELD_MS) }, (socket) => {
      void ready.then(() => {
        if (!socket.destroyed) rcv.serve(socket, () => server?.release(socket));
        else server?.release(socket);
      });
    });
    server.setYieldGuard({
      holdsTest: () => rcv.holdsTest(),
      yielded: (socket, idleMs) =>
        out.err(`Closing the idle client ${socket.remoteAddress ?? '?'} port ${socket.remotePort ?? '?'} (no traffic for ${idleMs} ms, no test set up): another client is waiting\n`),
    });
    let failure: IsochronError | null = null;
    let failed: () => void = () => undefined;
    const loopFailed = new Promise<void>((resolve) => {
      failed = resolve;
    });
    const config: ReceiveTaskConfig = {
      ifname: o.interface,
      l2: o.l2,
      l4: o.l4,
      dmac: prep.dmac,
      etype: Number(o.etype) & 0xffff,
      dataPort: Number(o.dataPort),
      omitHwts: o.omitHwts,
      thread: { policy: o.schedFifo ? 'fifo' : o.schedRr ? 'rr' : null, priority: Number(o.schedPriority), cpus: null },
      pollMs: RCV_POLL_MS,
    };
    plane = new DataPlane(config, (ring) => rcv.onRecords(ring), (err) => {
      failure = err;
      failed();
    });
    rcv.attachDataPlane(plane);
    await plane.start();
    receiverStarted = true;
    dataReady();
    rt.onReady?.({ statsPort: server.port });
    showReceiving(progress, rcv);
    const carrier = watchCarrier(o.interface, (line) => out.err(line));
    let stoppedBy: unknown;
    try {
      stoppedBy = await Promise.race([stopSignal, loopFailed]);
    } finally {
      carrier.stop();
    }
    progress.stop();
    rcv.shutdown();
    await plane.close();
    plane = null;
    if (failure) throw failure;
    for (const line of rcv.exitLines()) out.out(line);
    // C exits 0 on a signal; we give the one status every verb uses for an interrupted run.
    const by = typeof stoppedBy === 'string' ? stoppedBy : 'a stop request';
    const status = RcvInterrupted(by).exitStatus;
    out.err(rcvSummary(rcv, status, `interrupted by ${by}`));
    return status;
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    out.err(errorText(err));
    // Once the receiver ran, its end says what it got.
    if (receiver && plane === null && receiverStarted) out.err(rcvSummary(receiver, err.exitStatus, err.code));
    return err.exitStatus;
  } finally {
    progress.stop();
    signals?.dispose();
    receiver?.shutdown();
    await server?.close();
    await metrics?.close();
    await plane?.close().catch(() => undefined);
    sysmonClose?.();
  }
}
