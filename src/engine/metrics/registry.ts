// The node's metrics in prom-client: the one module (with server.ts) that
// loads it. NodeMetrics implements the observers the engines call from
// the main thread (SendRunObserver, ReceiveObserver, SyncObserver) and
// renders the exposition on a scrape. Every series has the labels
// interface and role (names.ts COMMON_LABELS).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SendRunObserver, TimestampedPacket } from '../sender/observer.js';
import type { ReceiveObserver } from '../receiver/observer.js';
import type { SyncObserver } from '../syncmon/observed.js';
import {
  COMMON_LABELS, DEADLINE_MISSES, EXPORTED_METRICS, LATENCY, LATENCY_BUCKETS, PACKETS_RECEIVED, PACKETS_SENT,
  PHC_TO_SYSTEM_OFFSET, PTP_MASTER_OFFSET, TEST_STATE, TX_TIMESTAMPS_MISSING, type ExportingRole, type SenderLatencyMetric,
} from './names.js';

/** What the node is doing now, read at each scrape (the test state gauge). */
export interface NodeStatus {
  /** The test interface ("" before the daemon's sender role names one). */
  interface: string;
  /** names.ts TEST_STATE_VALUES. */
  testState: number;
}

const NS_PER_S = 1e9;
const seconds = (ns: bigint): number => Number(ns) / NS_PER_S;

function help(name: string): string {
  return (EXPORTED_METRICS.find((m) => m.name === name) as { help: string }).help;
}

export class NodeMetrics {
  readonly registry = new Registry();
  readonly role: ExportingRole;
  readonly #sent?: Counter<string>;
  readonly #received?: Counter<string>;
  readonly #missing?: Counter<string>;
  readonly #misses?: Counter<string>;
  readonly #latency: Histogram<string>;
  readonly #masterOffset: Gauge<string>;
  readonly #phcOffset: Gauge<string>;

  /** `status` is read at every scrape. */
  constructor(role: ExportingRole, status: () => NodeStatus) {
    this.role = role;
    const registers = [this.registry];
    const labelNames = [...COMMON_LABELS];
    const counter = (name: string): Counter<string> => new Counter({ name, help: help(name), labelNames, registers });
    if (role === 'sender') {
      this.#sent = counter(PACKETS_SENT);
      this.#missing = counter(TX_TIMESTAMPS_MISSING);
      this.#misses = counter(DEADLINE_MISSES);
    } else {
      this.#received = counter(PACKETS_RECEIVED);
    }
    this.#latency = new Histogram({ name: LATENCY, help: help(LATENCY), labelNames: [...labelNames, 'metric'], buckets: [...LATENCY_BUCKETS], registers });
    this.#masterOffset = new Gauge({ name: PTP_MASTER_OFFSET, help: help(PTP_MASTER_OFFSET), labelNames, registers });
    this.#phcOffset = new Gauge({ name: PHC_TO_SYSTEM_OFFSET, help: help(PHC_TO_SYSTEM_OFFSET), labelNames, registers });
    new Gauge({
      name: TEST_STATE,
      help: help(TEST_STATE),
      labelNames,
      registers,
      collect() {
        const s = status();
        // Only the current interface: a daemon's earlier interfaces are not "idle", they are gone.
        this.reset();
        this.set({ interface: s.interface, role }, s.testState);
      },
    });
  }

  #labels(ifname: string): { interface: string; role: ExportingRole } {
    return { interface: ifname, role: this.role };
  }

  /** The observer of one daemon sender run on `ifname`. */
  senderRun(ifname: string): SendRunObserver {
    const labels = this.#labels(ifname);
    const sent = (this.#sent as Counter<string>).labels(labels);
    const missing = (this.#missing as Counter<string>).labels(labels);
    const misses = (this.#misses as Counter<string>).labels(labels);
    // Touched now so that a run shows its series (at 0) from its start.
    missing.inc(0);
    misses.inc(0);
    const latency = (m: SenderLatencyMetric): Histogram.Internal<string> => this.#latency.labels({ ...labels, metric: m });
    const wakeup = latency('wakeup-latency');
    const sender = latency('sender-latency');
    const driver = latency('driver-latency');
    const toTx = latency('wakeup-to-tx-timestamp');
    let advance = 0n;
    let omitHwts = false;
    let macMode = false;
    return {
      runStarted(run) {
        advance = run.advanceTime;
        omitHwts = run.omitHwts;
        macMode = run.macMode;
      },
      packetSent(scheduled, wakeupNs) {
        sent.inc();
        wakeup.observe(seconds(wakeupNs - (scheduled - advance)));
      },
      packetTimestamped(p: TimestampedPacket) {
        sender.observe(seconds(p.swts - p.wakeup));
        driver.observe(seconds(p.swts - p.schedTs));
        // T: the hardware TX timestamp, or the software one without hardware timestamping (as `report`).
        const tx = omitHwts ? p.swts : p.hwts;
        toTx.observe(seconds(tx - p.wakeup));
        // `report`'s "TX deadline misses": sent after its scheduled time (not counted with taprio/txtime).
        if (!macMode && tx > p.scheduled) misses.inc();
      },
      deadlineMissed() {
        // Only reported with taprio/txtime, where T > S is the MAC latency, not a miss.
        misses.inc();
      },
      runEnded(r) {
        missing.inc(r.missingTimestamps);
      },
    };
  }

  /** The receiver's observer (`isochron rcv` on `ifname`). */
  receiver(ifname: string): ReceiveObserver {
    const labels = this.#labels(ifname);
    const received = (this.#received as Counter<string>).labels(labels);
    const arrival = this.#latency.labels({ ...labels, metric: 'arrival-latency' });
    return {
      packetReceived(arrivalNs, hw, swTai) {
        received.inc();
        // R: the hardware RX timestamp, or the software one without it (as `report`).
        const rx = hw !== 0n ? hw : swTai;
        if (rx !== 0n) arrival.observe(seconds(arrivalNs - rx));
      },
    };
  }

  /** The sync gauges' observer; `ifname` is read at each answer (the daemon's interface may change). */
  sync(ifname: () => string): SyncObserver {
    return {
      masterOffset: (ns) => this.#masterOffset.set(this.#labels(ifname()), seconds(ns)),
      phcToSystemOffset: (ns) => this.#phcOffset.set(this.#labels(ifname()), seconds(ns)),
    };
  }

  /** The Prometheus text exposition (format 0.0.4). */
  prometheusText(): Promise<string> {
    return this.registry.metrics();
  }

  /** The OpenMetrics 1.0 exposition (what a Prometheus server asks for first). */
  async openMetricsText(): Promise<string> {
    return toOpenMetrics(await this.registry.metrics());
  }
}

/**
 * Prometheus text -> OpenMetrics text for the metric kinds used here: a
 * counter's family is named without `_total` in its HELP/TYPE lines, and the
 * exposition ends with `# EOF`. (prom-client's own OpenMetrics registry
 * renames the shared counter objects in place, which would break the
 * Prometheus text of the next scrape.)
 */
export function toOpenMetrics(text: string): string {
  const counters = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+)_total counter$/gm)) counters.add(m[1]);
  const lines = text.split('\n').filter((l) => l !== '');
  const out = lines.map((l) => {
    const meta = /^# (HELP|TYPE) (\S+)_total( .*)$/.exec(l);
    return meta && counters.has(meta[2]) ? `# ${meta[1]} ${meta[2]}${meta[3]}` : l;
  });
  return `${out.join('\n')}\n# EOF\n`;
}
