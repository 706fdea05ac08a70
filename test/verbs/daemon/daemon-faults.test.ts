// The daemon's sender keeps going at measurement faults (no management id
// carries --fail-fast). The fault: a NIC faked at the syscall boundary
// (fakeNic) that claims hardware timestamping on a real veth, so the run
// asks for hardware TX timestamps that never come. The C daemon's timestamp
// thread would give up; ours runs the test to its end, the log it hands the
// orchestrator is complete (software stamps in, zeros for the missing
// hardware ones) and its log file says what happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagementClient, Mid, TestState } from '../../../src/engine/mgmt/index.js';
import { sleep, startInProcess } from '../../helpers/daemon-support.js';
import { fakeNic } from '../../helpers/sys-fakes.js';
import { enterNetns, MAC_B, vethPair } from '../../helpers/send-support.js';

test('daemon sender: hardware TX timestamps that never come are counted, the run ends normally, the log is complete', async (t) => {
  const pair = await vethPair(t);
  enterNetns(t, pair.nsA);
  const { server, log, port } = await startInProcess({ dev: fakeNic({ ifname: 'vxa', phcIndex: 0 }) });
  t.after(() => server.close());
  const d = await ManagementClient.connect({ host: '127.0.0.1', port, timeoutMs: 10_000 });
  t.after(() => d.close());
  const count = 20;
  const sets: Array<[number, unknown]> = [
    [Mid.NODE_ROLE, 'sender'], [Mid.IF_NAME, 'vxa'], [Mid.DESTINATION_MAC, MAC_B], [Mid.SOURCE_MAC, '00:00:00:00:00:00'],
    [Mid.PRIORITY, 0], [Mid.ADVANCE_TIME, 2_000_000n], [Mid.SHIFT_TIME, 0n], [Mid.CYCLE_TIME, 2_000_000n], [Mid.WINDOW_SIZE, 0n],
    [Mid.SYNC_MONITOR_ENABLED, false], [Mid.PACKET_SIZE, 128], [Mid.TS_ENABLED, true], [Mid.ETHERTYPE, 0xdead],
    [Mid.TAPRIO_ENABLED, false], [Mid.TXTIME_ENABLED, false], [Mid.DEADLINE_ENABLED, false], [Mid.PACKET_COUNT, BigInt(count)],
    [Mid.UTC_OFFSET, 0], [Mid.L2_ENABLED, true], [Mid.L4_ENABLED, false], [Mid.BASE_TIME, 0n],
  ];
  for (const [mid, v] of sets) await d.set(mid as never, v as never);
  await d.set(Mid.TEST_STATE, TestState.RUNNING);
  const deadline = Date.now() + 30_000;
  let state: number = TestState.RUNNING;
  while (state === TestState.RUNNING && Date.now() < deadline) {
    await sleep(100);
    state = await d.get(Mid.TEST_STATE);
  }
  const text = log.text();
  assert.equal(state, TestState.IDLE, `the test ends by itself, not failed:\n${text}`);
  const send = await d.getLog();
  assert.equal(send.records.length, count * 48);
  for (let i = 0; i < count; i++) {
    const off = i * 48;
    assert.equal(send.records.readUInt32BE(off), i + 1);
    assert.equal(send.records.readBigInt64BE(off + 24), 0n, `seqid ${i + 1}: hwts missing, 0 as in C's logs`);
    assert.ok(send.records.readBigInt64BE(off + 32) > 0n, `seqid ${i + 1}: software TX timestamp kept`);
  }
  assert.match(text, new RegExp(`Test finished: ${count} packets sent, 0 fully timestamped`));
  assert.match(text, new RegExp(`Timed out waiting for TX timestamps, ${count} timestamps unacknowledged`));
  assert.match(text, new RegExp(`^Measurement faults: ${count} packets with missing TX timestamps$`, 'm'));
  assert.match(text, /^Kept going at the measurement faults \(the daemon has no --fail-fast\)/m);
  assert.doesNotMatch(text, /thread failed/);
});
