// The metrics endpoint end to end (issue 13): our daemon (sender) in
// namespace A and our rcv in B, each with --metrics-port, driven by our
// orchestrator from a third namespace, which also runs a real Prometheus
// server scraping both over the management links. After a 200-frame test
// the daemon's endpoint says 200 sent and the receiver's 200 received,
// promtool accepts both expositions, Prometheus's query API returns the
// sent counter, bad HTTP input leaves the daemon serving, and the endpoint
// goes away with the daemon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliIn, MGMT, startRcv, tmpDir, topology } from '../../helpers/orchestrate-support.js';
import { alive, startDaemonIn, stopPid } from '../../helpers/daemon-support.js';
import { execIn } from '../../helpers/netns.js';
import { httpGetIn, promQuery, promtoolCheck, sampleValue, startPrometheus } from '../../helpers/metrics-support.js';

const FRAMES = 200;
const DAEMON_METRICS = 9465;
const RCV_METRICS = 9466;
const PROMETHEUS_PORT = 9090;

/** Raw bytes to host:port from inside ns; what came back before the server closed (or 3 s). */
async function rawIn(ns: string, host: string, port: number, payload: string): Promise<string> {
  const script = `
const s = require('node:net').connect(${port}, ${JSON.stringify(host)}, () => { s.write(Buffer.from(process.argv[1], 'base64')); });
let out = ''; s.on('data', (b) => (out += b.toString('latin1'))); s.on('error', () => {});
const t = setTimeout(() => s.destroy(), 3000);
s.on('close', () => { clearTimeout(t); process.stdout.write(out); });`;
  const r = await execIn(ns, process.execPath, ['-e', script, Buffer.from(payload, 'latin1').toString('base64')]);
  return r.stdout;
}

test('orchestrated 200-frame test: the daemon exports 200 sent, the rcv 200 received, Prometheus scrapes them', async (t) => {
  const topo = await topology(t);
  const dir = tmpDir(t);
  const pid = await startDaemonIn(topo.nsA, ['-l', join(dir, 'd.log'), '--stats-port', '5040', '--metrics-port', String(DAEMON_METRICS)], join(dir, 'd.pid'));
  t.after(() => stopPid(pid));
  // The receiver's endpoint bound to its management link only (addr%dev, as --stats-address).
  const rcvNode = await startRcv(t, topo.nsB, 'vxb', 5029, ['--metrics-port', String(RCV_METRICS), '--metrics-address', `${MGMT.rcv4}%mb1`]);
  const daemonUrl = `http://${MGMT.daemon4}:${DAEMON_METRICS}/metrics`;
  const rcvUrl = `http://${MGMT.rcv4}:${RCV_METRICS}/metrics`;

  // Before any test: the series exist, nothing counted, idle.
  const before = await httpGetIn(topo.nsO, daemonUrl);
  assert.equal(before.status, 200);
  assert.equal(sampleValue(before.body, 'isochron_test_state', { role: 'sender' }), 0);
  assert.equal(sampleValue(before.body, 'isochron_packets_sent_total'), null);

  const prom = await startPrometheus(t, topo.nsO, [`${MGMT.daemon4}:${DAEMON_METRICS}`, `${MGMT.rcv4}:${RCV_METRICS}`], PROMETHEUS_PORT);

  const ini = join(dir, 'metrics.ini');
  writeFileSync(
    ini,
    `[node]\nhost = ${MGMT.daemon4}\nport = 5040\nexec = isochron send --client ${MGMT.rcv4} --stats-port 5029 --interface vxa ` +
      `--num-frames ${FRAMES} --cycle-time 0.001 --frame-size 128 --omit-sync --omit-hwts --output-file ${join(dir, 'm.dat')}\n`,
  );
  const res = await cliIn(topo.nsO, ['orchestrate', '-F', ini]);
  assert.equal(res.status, 0, res.stderr);

  const sender = await httpGetIn(topo.nsO, daemonUrl);
  assert.equal(sender.status, 200);
  const s = { interface: 'vxa', role: 'sender' };
  assert.equal(sampleValue(sender.body, 'isochron_packets_sent_total', s), FRAMES, sender.body);
  assert.equal(sampleValue(sender.body, 'isochron_tx_timestamps_missing_total', s), 0);
  for (const metric of ['wakeup-latency', 'sender-latency', 'driver-latency', 'wakeup-to-tx-timestamp']) {
    assert.equal(sampleValue(sender.body, 'isochron_latency_seconds_count', { ...s, metric }), FRAMES, metric);
  }
  // The orchestrator has left: the role is dropped, so no interface, and idle.
  assert.equal(sampleValue(sender.body, 'isochron_test_state', { interface: '', role: 'sender' }), 0, 'the run ended: idle');
  let check = promtoolCheck(sender.body);
  assert.equal(check.status, 0, check.output);

  const receiver = await httpGetIn(topo.nsO, rcvUrl);
  assert.equal(receiver.status, 200);
  const r = { interface: 'vxb', role: 'receiver' };
  assert.equal(sampleValue(receiver.body, 'isochron_packets_received_total', r), FRAMES, receiver.body);
  assert.equal(sampleValue(receiver.body, 'isochron_latency_seconds_count', { ...r, metric: 'arrival-latency' }), FRAMES);
  check = promtoolCheck(receiver.body);
  assert.equal(check.status, 0, check.output);

  // The same numbers as `isochron report` over the run's .dat: the means of the
  // latencies each node computes, and the TX deadline misses.
  const rep = await cliIn(topo.nsO, ['report', '--input-file', join(dir, 'm.dat'), '--format', 'json']);
  assert.equal(rep.status, 0, rep.stderr);
  const summary = JSON.parse(rep.stdout) as { metrics: Record<string, { mean: number }>; deadline_misses: { count: number } };
  assert.equal(sampleValue(sender.body, 'isochron_deadline_misses_total', s), summary.deadline_misses.count);
  const mean = (body: string, labels: Record<string, string>): number =>
    ((sampleValue(body, 'isochron_latency_seconds_sum', labels) as number) / (sampleValue(body, 'isochron_latency_seconds_count', labels) as number)) * 1e9;
  for (const metric of ['wakeup-latency', 'sender-latency', 'driver-latency', 'wakeup-to-tx-timestamp']) {
    assert.ok(Math.abs(mean(sender.body, { ...s, metric }) - summary.metrics[metric].mean) < 0.5, `${metric}: ${mean(sender.body, { ...s, metric })} vs report ${summary.metrics[metric].mean}`);
  }
  const arrival = mean(receiver.body, { ...r, metric: 'arrival-latency' });
  assert.ok(Math.abs(arrival - summary.metrics['arrival-latency'].mean) < 0.5, `arrival-latency: ${arrival} vs report ${summary.metrics['arrival-latency'].mean}`);

  // Prometheus scraped both (OpenMetrics, as it asks for) and answers the sent counter.
  const deadline = Date.now() + 60_000;
  let sent: Awaited<ReturnType<typeof promQuery>> = [];
  while (Date.now() < deadline) {
    sent = await promQuery(topo.nsO, prom, 'isochron_packets_sent_total');
    if (sent.length > 0 && sent[0].value === FRAMES) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.equal(sent.length, 1, `query result ${JSON.stringify(sent)}; prometheus log:\n${prom.log()}`);
  assert.equal(sent[0].value, FRAMES);
  assert.equal(sent[0].metric.interface, 'vxa');
  assert.equal(sent[0].metric.role, 'sender');
  assert.equal(sent[0].metric.instance, `${MGMT.daemon4}:${DAEMON_METRICS}`);
  const up = await promQuery(topo.nsO, prom, 'up');
  assert.deepEqual(up.map((u) => u.value), [1, 1], JSON.stringify(up));

  // Bad HTTP input: answered (or dropped), and the daemon still serves scrapes and management.
  assert.match(await rawIn(topo.nsO, MGMT.daemon4, DAEMON_METRICS, '\x16\x03\x01\x02\x00garbage\r\n\r\n'), /^HTTP\/1\.1 400 /);
  assert.match(await rawIn(topo.nsO, MGMT.daemon4, DAEMON_METRICS, 'DELETE /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 405 /);
  assert.equal(await rawIn(topo.nsO, MGMT.daemon4, DAEMON_METRICS, 'GET /met'), '');
  assert.ok(alive(pid));
  assert.equal((await httpGetIn(topo.nsO, daemonUrl)).status, 200);

  // The endpoints stop with their nodes.
  assert.ok(await stopPid(pid), 'the daemon stops on SIGTERM');
  await assert.rejects(httpGetIn(topo.nsO, daemonUrl), /ECONNREFUSED/);
  rcvNode.child.kill('SIGINT');
  assert.equal(await rcvNode.exited, 252);
  await assert.rejects(httpGetIn(topo.nsO, rcvUrl), /ECONNREFUSED/);
});

test('daemon: a metrics port in use or out of range fails the command with the reason', async (t) => {
  const topo = await topology(t);
  const dir = tmpDir(t);
  const pid = await startDaemonIn(topo.nsA, ['-l', join(dir, 'a.log'), '--stats-port', '5040', '--metrics-port', String(DAEMON_METRICS)], join(dir, 'a.pid'));
  t.after(() => stopPid(pid));
  const taken = await cliIn(topo.nsA, ['daemon', '-l', join(dir, 'b.log'), '--stats-port', '5041', '--metrics-port', String(DAEMON_METRICS)]);
  assert.equal(taken.status, 158, taken.stderr);
  assert.match(taken.stderr, new RegExp(`Failed to listen for metrics scrapes on TCP port ${DAEMON_METRICS}: .*pick another --metrics-port`));
  const range = await cliIn(topo.nsA, ['daemon', '--stats-port', '5042', '--metrics-port', '70000']);
  assert.equal(range.status, 234, range.stderr);
  assert.match(range.stderr, /Metrics port 70000 is not a TCP port/);
  // The first daemon is unaffected.
  assert.ok(alive(pid));
  assert.equal((await httpGetIn(topo.nsA, `http://127.0.0.1:${DAEMON_METRICS}/metrics`)).status, 200);
});
