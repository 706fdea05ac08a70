// The node's metrics in prom-client: the one module (with server.ts) that
// loads it. NodeMetrics implements the observers the engines call from
// the main thread (SendRunObserver, ReceiveObserver, SyncObserver) and
// renders the exposition on a scrape. Every series has the labels
// interface and role (names.ts COMMON_LABELS).
//
// Per frame, an observer only adds to plain numbers (counter totals,
// LatencySeries); prom-client's metrics read them when a scrape collects,
// so its label hashing is paid per scrape, not per frame.
import { Counter, Gauge, Registry } from 'prom-client';
import type { SendRunObserver, TimestampedPacket } from '../sender/observer.js';
import type { ReceiveObserver } from '../receiver/observer.js';
import type { SyncObserver } from '../syncmon/observed.js';
import {
  COMMON_LABELS, DEADLINE_MISSES, EXPORTED_METRICS, LATENCY, PACKETS_RECEIVED, PACKETS_SENT,
  PHC_TO_SYSTEM_OFFSET, PTP_MASTER_OFFSET, TEST_STATE, TX_TIMESTAMPS_MISSING, type ExportingRole, type SenderLatencyMetric,
} from './names.js';
import { LatencySeries } from './latency.js';

/** What the node is doing now, read at each scrape (the test state gauge). */
export interface NodeStatus {
  /** The test interface ("" before the daemon's sender role names one). */
  interface: string;
  /** names.ts TEST_STATE_VALUES. */
  testState: number;
}

type Labels = { interface: string; role: ExportingRole };

/** A counter's running total for one label set (incremented per frame, read per scrape). */
interface Total {
  readonly labels: Labels;
  value: number;
}

const NS_PER_S = 1e9;
const seconds = (ns: bigint): number => Number(ns) / NS_PER_S;

function help(name: string): string {
  return (EXPORTED_METRICS.find((m) => m.name === name) as { help: string }).help;
}

/** A counter that shows the totals of its label sets at each scrape. */
function countersOf(name: string, registry: Registry, totals: Map<string, Total>): void {
  new Counter({
    name,
    help: help(name),
    labelNames: [...COMMON_LABELS],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of totals.values()) this.inc(t.labels, t.value);
    },
  });
}

export class NodeMetrics {
  readonly registry = new Registry();
  readonly role: ExportingRole;
  /** Counter totals by metric name, then by label set. */
  readonly #totals = new Map<string, Map<string, Total>>();
  readonly #latency = new Map<string, LatencySeries>();
  readonly #masterOffset: Gauge<string>;
  readonly #phcOffset: Gauge<string>;

  /** `status` is read at every scrape. */
  constructor(role: ExportingRole, status: () => NodeStatus) {
    this.role = role;
    const registers = [this.registry];
    const labelNames = [...COMMON_LABELS];
    const counters = role === 'sender' ? [PACKETS_SENT, TX_TIMESTAMPS_MISSING, DEADLINE_MISSES] : [PACKETS_RECEIVED];
    for (const name of counters) {
      const totals = new Map<string, Total>();
      this.#totals.set(name, totals);
      countersOf(name, this.registry, totals);
    }
    const latency = this.#latency;
    // A histogram family rendered from LatencySeries (prom-client's Registry takes any metric with get()).
    this.registry.registerMetric({
      name: LATENCY,
      help: help(LATENCY),
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({
        name: LATENCY,
        help: help(LATENCY),
        type: 'histogram',
        aggregator: 'sum',
        values: [...latency.values()].flatMap((series) => series.samples(LATENCY)),
      }),
      reset: () => latency.forEach((series) => series.reset()),
    } as unknown as Parameters<Registry['registerMetric']>[0]);
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

  #labels(ifname: string): Labels {
    return { interface: ifname, role: this.role };
  }

  /** The running total of counter `name` for `labels` (created at 0: the series shows from now on). */
  #total(name: string, labels: Labels): Total {
    const totals = this.#totals.get(name) as Map<string, Total>;
    const key = `${labels.interface}\0${labels.role}`;
    let t = totals.get(key);
    if (!t) totals.set(key, (t = { labels, value: 0 }));
    return t;
  }

  #series(labels: Labels, metric: string): LatencySeries {
    const key = `${labels.interface}\0${labels.role}\0${metric}`;
    let s = this.#latency.get(key);
    if (!s) this.#latency.set(key, (s = new LatencySeries({ ...labels, metric })));
    return s;
  }

  /** The observer of one daemon sender run on `ifname`. */
  senderRun(ifname: string): SendRunObserver {
    const labels = this.#labels(ifname);
    const sent = this.#total(PACKETS_SENT, labels);
    const missing = this.#total(TX_TIMESTAMPS_MISSING, labels);
    const misses = this.#total(DEADLINE_MISSES, labels);
    const latency = (m: SenderLatencyMetric): LatencySeries => this.#series(labels, m);
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
        sent.value++;
        wakeup.observe(seconds(wakeupNs - (scheduled - advance)));
      },
      packetTimestamped(p: TimestampedPacket) {
        sender.observe(seconds(p.swts - p.wakeup));
        driver.observe(seconds(p.swts - p.schedTs));
        // T: the hardware TX timestamp, or the software one without hardware timestamping (as `report`).
        const tx = omitHwts ? p.swts : p.hwts;
        toTx.observe(seconds(tx - p.wakeup));
        // `report`'s "TX deadline misses": sent after its scheduled time (not counted with taprio/txtime).
        if (!macMode && tx > p.scheduled) misses.value++;
      },
      deadlineMissed() {
        // Only reported with taprio/txtime, where T > S is the MAC latency, not a miss.
        misses.value++;
      },
      runEnded(r) {
        missing.value += r.missingTimestamps;
      },
    };
  }

  /** The receiver's observer (`isochron rcv` on `ifname`). */
  receiver(ifname: string): ReceiveObserver {
    const labels = this.#labels(ifname);
    const received = this.#total(PACKETS_RECEIVED, labels);
    const arrival = this.#series(labels, 'arrival-latency');
    return {
      packetReceived(arrivalNs, hw, swTai) {
        received.value++;
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
