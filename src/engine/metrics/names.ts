// The metrics a node exports at /metrics: one definition per name, read by
// the registry (registry.ts), the docs and the test that checks the Grafana
// dashboard (docs/grafana-dashboard.json) queries nothing else. No
// prom-client here: the list is readable without loading the endpoint.
import type { MetricKey } from '../report/metrics.js';

/** Which node exports a metric: the daemon's sender role, `isochron rcv`, or both. */
export type ExportingRole = 'sender' | 'receiver';

export interface ExportedMetric {
  readonly name: string;
  readonly type: 'counter' | 'histogram' | 'gauge';
  readonly help: string;
  readonly roles: readonly ExportingRole[];
}

/** Every metric carries these labels: the test interface and the node's role. */
export const COMMON_LABELS = ['interface', 'role'] as const;

export const PACKETS_SENT = 'isochron_packets_sent_total';
export const PACKETS_RECEIVED = 'isochron_packets_received_total';
export const TX_TIMESTAMPS_MISSING = 'isochron_tx_timestamps_missing_total';
export const DEADLINE_MISSES = 'isochron_deadline_misses_total';
export const LATENCY = 'isochron_latency_seconds';
export const PTP_MASTER_OFFSET = 'isochron_ptp_master_offset_seconds';
export const PHC_TO_SYSTEM_OFFSET = 'isochron_phc_to_system_offset_seconds';
export const TEST_STATE = 'isochron_test_state';

/**
 * The report metrics (src/engine/report/metrics.ts names) a node can compute
 * from its own timestamps, per role: the sender has scheduled, wakeup and
 * its TX timestamps; the receiver its RX timestamps and arrival. Path delay
 * and the RX deadline delta need both logs: `isochron report` has them.
 */
export const LATENCY_METRICS_BY_ROLE = {
  sender: ['wakeup-latency', 'sender-latency', 'driver-latency', 'wakeup-to-tx-timestamp'],
  receiver: ['arrival-latency'],
} as const satisfies Record<ExportingRole, readonly MetricKey[]>;

export type SenderLatencyMetric = (typeof LATENCY_METRICS_BY_ROLE.sender)[number];

/** Histogram buckets, seconds: 1 us to 1 s (a wakeup late by a whole cycle of a slow schedule still fits). */
export const LATENCY_BUCKETS: readonly number[] = [
  1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1,
];

/** The values of isochron_test_state: the management protocol's TEST_STATE (idle 0, running 1, failed 2). */
export const TEST_STATE_VALUES = { idle: 0, running: 1, failed: 2 } as const;

export const EXPORTED_METRICS: readonly ExportedMetric[] = [
  { name: PACKETS_SENT, type: 'counter', roles: ['sender'], help: 'Frames the send loop handed to the kernel (sendmsg), all runs of this process.' },
  { name: PACKETS_RECEIVED, type: 'counter', roles: ['receiver'], help: 'Frames logged for a test (seqid within the packet count), all clients of this process.' },
  {
    name: TX_TIMESTAMPS_MISSING,
    type: 'counter',
    roles: ['sender'],
    help: 'Frames sent whose TX timestamps did not all arrive, counted when their run ends.',
  },
  {
    name: DEADLINE_MISSES,
    type: 'counter',
    roles: ['sender'],
    help: "Frames TX-timestamped after their scheduled time (report's TX deadline misses); with --taprio/--txtime, late transmissions and txtime drops.",
  },
  {
    name: LATENCY,
    type: 'histogram',
    roles: ['sender', 'receiver'],
    help: 'Per-frame latencies by report metric name (label metric), seconds.',
  },
  { name: PTP_MASTER_OFFSET, type: 'gauge', roles: ['sender', 'receiver'], help: "ptp4l's offset from master at this node's last sync check, seconds." },
  {
    name: PHC_TO_SYSTEM_OFFSET,
    type: 'gauge',
    roles: ['sender', 'receiver'],
    help: "CLOCK_REALTIME minus the PHC at this node's last sync check, seconds (about minus the UTC offset when the PHC runs TAI).",
  },
  { name: TEST_STATE, type: 'gauge', roles: ['sender', 'receiver'], help: 'Test state: 0 idle, 1 running, 2 failed (the receiver: 1 while a client has a test set up).' },
];

/**
 * The series names a scrape shows for a metric (a histogram's _bucket,
 * _sum and _count; a counter as named, with _total).
 */
export function seriesNames(m: ExportedMetric): string[] {
  return m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name];
}
