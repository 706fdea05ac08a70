// The node's metrics registry: what each observer call does to the
// exposition (counters, the latency histogram by report metric name, the
// sync gauges, the test state read at each scrape), that promtool accepts
// the Prometheus text, and the OpenMetrics rendering of the same registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeMetrics, toOpenMetrics } from '../../../src/engine/metrics/registry.js';
import { EXPORTED_METRICS, LATENCY_METRICS_BY_ROLE } from '../../../src/engine/metrics/names.js';
import { METRICS } from '../../../src/engine/report/metrics.js';
import { observeSyncSources } from '../../../src/engine/syncmon/index.js';
import type { SyncSources } from '../../../src/engine/syncmon/index.js';
import { promtoolCheck, sampleValue } from '../../helpers/metrics-support.js';

const S = 1_800_000_000_000_000_000n;

test('sender: sent, deadline misses, missing timestamps and the latencies it can compute', async () => {
  let state = { interface: 'eth0', testState: 1 };
  const m = new NodeMetrics('sender', () => state);
  const run = m.senderRun('eth0');
  run.runStarted({ advanceTime: 500_000n, omitHwts: true, macMode: false });
  for (let i = 0n; i < 3n; i++) {
    const scheduled = S + i * 1_000_000n;
    const wakeup = scheduled - 500_000n + 20_000n; // 20 us late
    run.packetSent(scheduled, wakeup);
    run.packetTimestamped({ scheduled, wakeup, hwts: 0n, swts: wakeup + 30_000n, schedTs: wakeup + 25_000n });
  }
  // One frame sent after its scheduled time: `report`'s TX deadline miss.
  run.packetTimestamped({ scheduled: S, wakeup: S - 1000n, hwts: 0n, swts: S + 1n, schedTs: S });
  run.runEnded({ sent: 3, missingTimestamps: 2 });
  const text = await m.prometheusText();
  const l = { interface: 'eth0', role: 'sender' };
  assert.equal(sampleValue(text, 'isochron_packets_sent_total', l), 3);
  assert.equal(sampleValue(text, 'isochron_deadline_misses_total', l), 1);
  assert.equal(sampleValue(text, 'isochron_tx_timestamps_missing_total', l), 2);
  assert.equal(sampleValue(text, 'isochron_packets_received_total'), null, 'a sender does not export what only a receiver knows');
  const hist = (metric: string, what: string, le?: string) =>
    sampleValue(text, `isochron_latency_seconds_${what}`, { ...l, metric, ...(le ? { le } : {}) });
  assert.equal(hist('wakeup-latency', 'count'), 3);
  assert.equal(hist('sender-latency', 'count'), 4);
  assert.ok(Math.abs((hist('wakeup-latency', 'sum') as number) - 60e-6) < 1e-12);
  assert.equal(hist('wakeup-latency', 'bucket', '0.00001'), 0);
  assert.equal(hist('wakeup-latency', 'bucket', '0.000025'), 3);
  assert.ok(Math.abs((hist('sender-latency', 'sum') as number) - 91.001e-6) < 1e-12, 't - w');
  assert.ok(Math.abs((hist('driver-latency', 'sum') as number) - 15.001e-6) < 1e-12, 't - s');
  // Without hardware timestamps T is the software one (as `report`).
  assert.ok(Math.abs((hist('wakeup-to-tx-timestamp', 'sum') as number) - 91.001e-6) < 1e-12, 'T - w');
  assert.equal(sampleValue(text, 'isochron_test_state', l), 1);
  state = { interface: 'eth1', testState: 2 };
  const again = await m.prometheusText();
  assert.equal(sampleValue(again, 'isochron_test_state', { interface: 'eth1', role: 'sender' }), 2);
  assert.equal(sampleValue(again, 'isochron_test_state', l), null, 'only the current interface has a state');
  const check = promtoolCheck(again);
  assert.equal(check.status, 0, check.output);
});

test('sender with hardware timestamps: T is the hardware TX timestamp; taprio/txtime count only reported misses', async () => {
  const m = new NodeMetrics('sender', () => ({ interface: 'eth0', testState: 0 }));
  const run = m.senderRun('eth0');
  run.runStarted({ advanceTime: 0n, omitHwts: false, macMode: false });
  run.packetTimestamped({ scheduled: S, wakeup: S - 10_000n, hwts: S - 3_000n, swts: S + 30_000n, schedTs: S + 25_000n });
  let text = await m.prometheusText();
  assert.ok(Math.abs((sampleValue(text, 'isochron_latency_seconds_sum', { metric: 'wakeup-to-tx-timestamp' }) as number) - 7e-6) < 1e-12);
  assert.equal(sampleValue(text, 'isochron_deadline_misses_total'), 0, 'T before S even though t is after it');
  const mac = m.senderRun('eth1');
  mac.runStarted({ advanceTime: 0n, omitHwts: false, macMode: true });
  mac.packetTimestamped({ scheduled: S, wakeup: S - 10_000n, hwts: S + 3_000n, swts: S + 30_000n, schedTs: S + 25_000n });
  mac.deadlineMissed();
  text = await m.prometheusText();
  assert.equal(sampleValue(text, 'isochron_deadline_misses_total', { interface: 'eth1' }), 1, 'T > S is the MAC latency with taprio/txtime');
});

test('receiver: received frames and the arrival latency (hardware RX stamp first, else the software one)', async () => {
  const m = new NodeMetrics('receiver', () => ({ interface: 'vxb', testState: 0 }));
  const rx = m.receiver('vxb');
  rx.packetReceived(S + 50_000n, 0n, S); // software: 50 us
  rx.packetReceived(S + 50_000n, S + 40_000n, S); // hardware: 10 us
  rx.packetReceived(S, 0n, 0n); // no RX stamp: counted, no latency
  const text = await m.prometheusText();
  const l = { interface: 'vxb', role: 'receiver' };
  assert.equal(sampleValue(text, 'isochron_packets_received_total', l), 3);
  assert.equal(sampleValue(text, 'isochron_latency_seconds_count', { ...l, metric: 'arrival-latency' }), 2);
  assert.ok(Math.abs((sampleValue(text, 'isochron_latency_seconds_sum', { ...l, metric: 'arrival-latency' }) as number) - 60e-6) < 1e-12);
  assert.equal(sampleValue(text, 'isochron_packets_sent_total'), null);
  const check = promtoolCheck(text);
  assert.equal(check.status, 0, check.output);
});

test('sync gauges: the offsets a sync check was answered with, on the interface of that moment', async () => {
  let ifname = 'eth0';
  const m = new NodeMetrics('sender', () => ({ interface: ifname, testState: 0 }));
  const sources: SyncSources = {
    sysmonOffset: () => ({ offset: -37_000_000_250n, time: 1n, delay: 100n }),
    ptpmonOffset: async () => -42n,
    utcOffset: async () => 37,
    portState: async () => 9,
    gmClockIdentity: async () => Buffer.alloc(8),
    close: () => undefined,
  };
  const observed = observeSyncSources(sources, m.sync(() => ifname));
  let text = await m.prometheusText();
  assert.equal(sampleValue(text, 'isochron_ptp_master_offset_seconds'), null, 'no value before a sync check');
  assert.equal(await observed.ptpmonOffset(), -42n);
  assert.equal(observed.sysmonOffset().offset, -37_000_000_250n);
  ifname = 'eth1';
  await observed.ptpmonOffset();
  text = await m.prometheusText();
  assert.equal(sampleValue(text, 'isochron_ptp_master_offset_seconds', { interface: 'eth0' }), -42e-9);
  assert.equal(sampleValue(text, 'isochron_ptp_master_offset_seconds', { interface: 'eth1' }), -42e-9);
  assert.equal(sampleValue(text, 'isochron_phc_to_system_offset_seconds', { interface: 'eth0', role: 'sender' }), -37.00000025);
  // A failing source sets nothing and fails as before.
  const failing = observeSyncSources({ ...sources, ptpmonOffset: () => Promise.reject(new Error('no ptp4l')) }, m.sync(() => 'eth9'));
  await assert.rejects(failing.ptpmonOffset(), /no ptp4l/);
  assert.equal(sampleValue(await m.prometheusText(), 'isochron_ptp_master_offset_seconds', { interface: 'eth9' }), null);
});

test('OpenMetrics: counter families without _total, samples with it, # EOF last', async () => {
  const m = new NodeMetrics('sender', () => ({ interface: 'eth0', testState: 0 }));
  m.senderRun('eth0').packetSent(S, S);
  const om = await m.openMetricsText();
  assert.match(om, /^# TYPE isochron_packets_sent counter$/m);
  assert.match(om, /^# HELP isochron_packets_sent Frames/m);
  assert.match(om, /^isochron_packets_sent_total\{interface="eth0",role="sender"\} 1$/m);
  assert.match(om, /^# TYPE isochron_latency_seconds histogram$/m);
  assert.ok(om.endsWith('\n# EOF\n'));
  assert.doesNotMatch(om, /\n\n/);
  // The Prometheus text of the same registry is unchanged by it.
  assert.match(await m.prometheusText(), /^# TYPE isochron_packets_sent_total counter$/m);
  assert.equal(toOpenMetrics('# HELP a_total x\n# TYPE a_total counter\na_total 1\n'), '# HELP a x\n# TYPE a counter\na_total 1\n# EOF\n');
});

test('names: every exported metric is in the exposition of its role, latency labels are report metric names', async () => {
  const reportNames = new Set<string>(METRICS.map((m) => m.key));
  for (const names of Object.values(LATENCY_METRICS_BY_ROLE)) for (const n of names) assert.ok(reportNames.has(n), n);
  for (const role of ['sender', 'receiver'] as const) {
    const m = new NodeMetrics(role, () => ({ interface: 'x', testState: 0 }));
    const text = await m.prometheusText();
    for (const e of EXPORTED_METRICS) {
      assert.equal(text.includes(`# TYPE ${e.name} ${e.type}`), e.roles.includes(role), `${role}: ${e.name}`);
    }
  }
});
