// The daemon's sender role feeds the metrics registry (in process, on lo):
// the test state and interface while a run goes and after it, frames sent
// summed over runs, the latencies only of frames that have them, and a
// dropped role reported as idle without an interface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagementClient, Mid, TestState } from '../../../src/engine/mgmt/index.js';
import { NodeMetrics } from '../../../src/engine/metrics/registry.js';
import { daemonStatus } from '../../../src/verbs/daemon/metrics.js';
import type { DaemonServer } from '../../../src/verbs/daemon/server.js';
import { sleep, startInProcess } from '../../helpers/daemon-support.js';
import { sampleValue } from '../../helpers/metrics-support.js';
import { closeSync, openSync } from 'node:fs';
import { collectingLog } from '../../../src/verbs/daemon/log.js';
import { SenderRole } from '../../../src/verbs/daemon/role.js';
import type { SessionDeps } from '../../../src/verbs/daemon/sender-session.js';
import { SIOCETHTOOL } from '../../../src/sys/constants.js';
import type { DeviceIoctl } from '../../../src/sys/ioctl.js';
import { fakeNic, fakePhc } from '../../helpers/sys-fakes.js';

test('a run on lo: running then idle on lo, sent counted over runs, latencies of timestamped frames only', async () => {
  let daemon: DaemonServer | null = null;
  const metrics = new NodeMetrics('sender', () => daemonStatus(daemon?.dispatcher.role ?? null));
  const { server, port } = await startInProcess({ metrics });
  daemon = server;
  const c = await ManagementClient.connect({ host: '127.0.0.1', port, timeoutMs: 5000 });
  const lo = { interface: 'lo', role: 'sender' };
  const scrape = () => metrics.prometheusText();
  try {
    assert.equal(sampleValue(await scrape(), 'isochron_test_state', { interface: '', role: 'sender' }), 0, 'no role: idle, no interface');
    await c.set(Mid.NODE_ROLE, 'sender');
    await c.set(Mid.IF_NAME, 'lo');
    await c.set(Mid.DESTINATION_MAC, '02:00:00:00:0b:02');
    await c.set(Mid.PACKET_SIZE, 64);
    // 200 frames (below lo's ~250, see daemon-server.test.ts) over 2 s: long enough to see it run.
    await c.set(Mid.CYCLE_TIME, 10_000_000n);
    await c.set(Mid.PACKET_COUNT, 200n);
    await c.set(Mid.TS_ENABLED, true);
    await c.set(Mid.SYNC_MONITOR_ENABLED, false);
    await c.set(Mid.L2_ENABLED, true);
    await c.set(Mid.TEST_STATE, TestState.RUNNING);
    assert.equal(sampleValue(await scrape(), 'isochron_test_state', lo), 1, 'running');
    while ((await c.get(Mid.TEST_STATE)) === TestState.RUNNING) await sleep(50);
    let text = await scrape();
    assert.equal(sampleValue(text, 'isochron_test_state', lo), 0, 'finished: idle');
    assert.equal(sampleValue(text, 'isochron_packets_sent_total', lo), 200);
    assert.equal(sampleValue(text, 'isochron_tx_timestamps_missing_total', lo), 0);
    assert.equal(sampleValue(text, 'isochron_latency_seconds_count', { ...lo, metric: 'sender-latency' }), 200);
    // A second run without timestamps: sent adds up, timestamp latencies do not move.
    await c.set(Mid.TEST_STATE, TestState.IDLE);
    await c.set(Mid.TS_ENABLED, false);
    await c.set(Mid.CYCLE_TIME, 1_000_000n);
    await c.set(Mid.PACKET_COUNT, 20n);
    await c.set(Mid.TEST_STATE, TestState.RUNNING);
    while ((await c.get(Mid.TEST_STATE)) === TestState.RUNNING) await sleep(50);
    text = await scrape();
    assert.equal(sampleValue(text, 'isochron_packets_sent_total', lo), 220);
    assert.equal(sampleValue(text, 'isochron_latency_seconds_count', { ...lo, metric: 'wakeup-latency' }), 220);
    assert.equal(sampleValue(text, 'isochron_latency_seconds_count', { ...lo, metric: 'sender-latency' }), 200);
    assert.equal(sampleValue(text, 'isochron_tx_timestamps_missing_total', lo), 0);
    // The client sets idle and leaves: no run, so the role is dropped (an ended run not set idle would be kept, orphaned).
    await c.set(Mid.TEST_STATE, TestState.IDLE);
    c.socket.destroy();
    const deadline = Date.now() + 5000;
    while (server.dispatcher.role && Date.now() < deadline) await sleep(20);
    text = await scrape();
    assert.equal(sampleValue(text, 'isochron_test_state', { interface: '', role: 'sender' }), 0);
    assert.equal(sampleValue(text, 'isochron_test_state', lo), null);
    assert.equal(sampleValue(text, 'isochron_packets_sent_total', lo), 220, 'counters outlive the role');
  } finally {
    c.socket.destroy();
    await server.close();
  }
});

test("the role's SYSMON_OFFSET answer (a fake PHC) sets the PHC-to-system gauge on its interface", async () => {
  const OFFSET = -37_000_000_500n;
  const nic = fakeNic({ ifname: 'lo', phcIndex: 3 });
  const phc = fakePhc({ offsetNs: OFFSET, startNs: 1_700_000_000_000_000_000n, windowsNs: [500n], supports: { precise: false, extended: true, basic: true } });
  const dev: DeviceIoctl = (fd, req, arg, data) => (req === SIOCETHTOOL ? nic(fd, req, arg, data) : phc(fd, req, arg, data));
  const metrics = new NodeMetrics('sender', () => ({ interface: 'lo', testState: 0 }));
  const log = collectingLog();
  const fds: number[] = [];
  const role = new SenderRole({ log, dev, metrics } as unknown as SessionDeps, log, {
    sysmon: {
      io: dev,
      openPhc: (i) => {
        const fd = openSync('/dev/null', 'r');
        fds.push(fd);
        return { fd, path: `/dev/ptp${i}`, clockId: ((~fd) << 3) | 3, close: () => closeSync(fd) };
      },
    },
  });
  try {
    role.params.ifname = 'lo';
    await role.set(Mid.SYSMON_ENABLED, Buffer.from([1, 0, 0, 0]));
    assert.equal(sampleValue(await metrics.prometheusText(), 'isochron_phc_to_system_offset_seconds'), null, 'nothing before a sync check');
    await role.get(Mid.SYSMON_OFFSET);
    assert.equal(sampleValue(await metrics.prometheusText(), 'isochron_phc_to_system_offset_seconds', { interface: 'lo', role: 'sender' }), -37.0000005);
  } finally {
    await role.teardown();
  }
});
