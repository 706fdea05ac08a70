// `isochron rcv --metrics-port`: the option checks at start (before anything
// is printed or opened), the test state a client's PACKET_COUNT sets, the
// frames received counted as they are logged, and the endpoint closed when
// the receiver stops. The orchestrated end-to-end run with a real Prometheus
// server is test/verbs/orchestrate/orchestrate-metrics.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVethPair, execIn, type VethPair } from '../../helpers/netns.js';
import { cliEntry } from '../../helpers/paths.js';
import { encodeSet, Mid } from '../../../src/engine/mgmt/index.js';
import { connectFrom, mac, openFrameSender, sleep, startRcv } from '../../helpers/rcv-support.js';
import { httpGetIn, sampleValue } from '../../helpers/metrics-support.js';

const MAC_A = '02:00:00:00:0a:01';
const MAC_B = '02:00:00:00:0b:02';
let pair: VethPair;
before(async () => {
  pair = await createVethPair({
    prefix: 'rcvmet',
    a: { ifname: 'vxa', mac: MAC_A, ipv4: '10.199.0.1/24' },
    b: { ifname: 'vxb', mac: MAC_B, ipv4: '10.199.0.2/24' },
  });
});
after(() => {
  pair?.destroy();
});

test('option checks: a port out of range, an address without a port; nothing printed before', async () => {
  const range = await execIn(pair.nsB, process.execPath, [cliEntry, 'rcv', '-i', 'vxb', '--omit-hwts', '--metrics-port', '70000']);
  assert.equal(range.status, 234);
  assert.equal(range.stderr, 'Metrics port 70000 is not a TCP port: use --metrics-port 1..65535 (or leave it out: no metrics endpoint)\n');
  const alone = await execIn(pair.nsB, process.execPath, [cliEntry, 'rcv', '-i', 'vxb', '--omit-hwts', '--metrics-address', '10.199.0.2']);
  assert.equal(alone.status, 234);
  assert.equal(alone.stderr, '--metrics-address needs --metrics-port: the metrics endpoint is off without a port\n');
});

test('a client sets a test: state 1 and frames counted as logged; the endpoint closes with the receiver', async () => {
  const rcv = startRcv(pair.nsB, ['-i', 'vxb', '--omit-hwts', '--quiet', '--stats-port', '5210', '--metrics-port', '9470']);
  const url = 'http://10.199.0.2:9470/metrics';
  const l = { interface: 'vxb', role: 'receiver' };
  try {
    const c = await connectFrom(pair.nsA, '10.199.0.2', 5210);
    let text = (await httpGetIn(pair.nsA, url)).body;
    assert.equal(sampleValue(text, 'isochron_test_state', l), 0);
    await c.request(encodeSet(Mid.PACKET_COUNT, 50n));
    text = (await httpGetIn(pair.nsA, url)).body;
    assert.equal(sampleValue(text, 'isochron_test_state', l), 1, 'a PACKET_COUNT set: a test is set up');
    const frames = openFrameSender({ ns: pair.nsA, ifname: 'vxa', frameSize: 64, transport: { kind: 'l2', dmac: mac(MAC_B), smac: mac(MAC_A), etype: 0xdead, vlan: null } });
    try {
      await frames.send(1, 50);
    } finally {
      frames.close();
    }
    const deadline = Date.now() + 10_000;
    while (sampleValue(text, 'isochron_packets_received_total', l) !== 50 && Date.now() < deadline) {
      await sleep(100);
      text = (await httpGetIn(pair.nsA, url)).body;
    }
    assert.equal(sampleValue(text, 'isochron_packets_received_total', l), 50, text);
    assert.equal(sampleValue(text, 'isochron_latency_seconds_count', { ...l, metric: 'arrival-latency' }), 50);
    c.close();
  } finally {
    rcv.child.kill('SIGTERM');
    assert.equal((await rcv.exited).status, 252);
  }
  await assert.rejects(httpGetIn(pair.nsA, url), /ECONNREFUSED/);
});
