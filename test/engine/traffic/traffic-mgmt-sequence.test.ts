// The sender<->receiver management sequence as data: variants the recorded
// runs do not cover (sync monitoring, no --client, --dmac) and the matcher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMac } from '../../../src/core/mac.js';
import { initialIntervalNs, monitorIntervalNs } from '../../../src/engine/syncmon/intervals.js';
import {
  Mid,
  cleanRunStdout,
  enabledPayload,
  matchSenderRequests,
  numSyncChecks,
  packetCountPayload,
  remoteSyncCheck,
  senderMgmtSequence,
  type ObservedRequest,
  type SenderMgmtInput,
} from '../../helpers/mgmt-sequence.js';

const plain: SenderMgmtInput = { client: true, transport: 'l2', dmacGiven: false, numFrames: 100, omitSync: true, omitRemoteSync: true };
const g = (mid: number): ObservedRequest => ({ action: 'GET', mid });
const s = (mid: number, payload: Uint8Array): ObservedRequest => ({ action: 'SET', mid, payload });

test('payload encodings', () => {
  assert.deepEqual(enabledPayload(true), Uint8Array.of(1, 0, 0, 0));
  assert.deepEqual(enabledPayload(false), Uint8Array.of(0, 0, 0, 0));
  assert.equal(Buffer.from(packetCountPayload(100)).toString('hex'), '0000000000000064');
  assert.equal(Buffer.from(packetCountPayload(2n ** 40n)).toString('hex'), '0000010000000000');
});

test('phase list per variant', () => {
  const names = (i: SenderMgmtInput): string[] => senderMgmtSequence(i).map((p) => p.name);
  assert.deepEqual(names(plain), ['destination-mac', 'syncmon-init', 'drain-log', 'wait-until-sync', 'prepare-receiver', 'monitor', 'collect-log']);
  assert.deepEqual(names({ ...plain, dmacGiven: true }), names({ ...plain, transport: 'l4' }));
  assert.ok(!names({ ...plain, transport: 'l4' }).includes('destination-mac'));
  assert.deepEqual(senderMgmtSequence({ ...plain, client: false }), []);
});

test('sync checks: link state only without remote sync, five more GETs with it', () => {
  assert.deepEqual(remoteSyncCheck(plain).map((r) => r.mid), [Mid.PORT_LINK_STATE]);
  assert.deepEqual(remoteSyncCheck({ ...plain, omitSync: false, omitRemoteSync: false }).map((r) => r.name), [
    'PORT_LINK_STATE', 'SYSMON_OFFSET', 'PTPMON_OFFSET', 'UTC_OFFSET', 'PORT_STATE', 'GM_CLOCK_IDENTITY',
  ]);
  assert.equal(remoteSyncCheck({ ...plain, omitSync: false, omitRemoteSync: true }).length, 1);
  assert.equal(numSyncChecks(plain), 1);
  assert.equal(numSyncChecks({ ...plain, omitSync: false }), 3);
  assert.equal(numSyncChecks({ ...plain, omitSync: false, omitRemoteSync: false }), 3);
  const wait = senderMgmtSequence({ ...plain, omitSync: false, omitRemoteSync: false }).find((p) => p.name === 'wait-until-sync');
  assert.equal(wait?.minRounds, 3);
  assert.equal(wait?.maxRounds, null);
});

test('matcher accepts a synced conversation and names the first deviation', () => {
  const synced: SenderMgmtInput = { ...plain, transport: 'l4', omitSync: false, omitRemoteSync: false, numFrames: 5 };
  const check = [g(42), g(1), g(2), g(3), g(4), g(5)];
  const conv: ObservedRequest[] = [
    ...check, g(0), ...check, ...check, ...check, ...check,
    s(33, enabledPayload(false)), s(34, enabledPayload(true)), s(6, packetCountPayload(5)),
    ...check, ...check, g(0),
  ];
  assert.deepEqual(matchSenderRequests(senderMgmtSequence(synced), conv), {
    ok: true,
    rounds: { 'syncmon-init': 1, 'drain-log': 1, 'wait-until-sync': 4, 'prepare-receiver': 1, monitor: 2, 'collect-log': 1 },
  });

  const phases = senderMgmtSequence(plain);
  const good = [g(7), g(42), g(0), g(42), s(33, enabledPayload(true)), s(34, enabledPayload(false)), s(6, packetCountPayload(100)), g(42), g(0)];
  assert.equal(matchSenderRequests(phases, good).ok, true);
  assert.deepEqual(matchSenderRequests(phases, good.slice(1)), {
    ok: false, index: 0, expected: 'GET DESTINATION_MAC (destination-mac)', got: 'GET PORT_LINK_STATE',
  });
  const wrongCount = good.map((r) => (r.mid === 6 ? s(6, packetCountPayload(99)) : r));
  assert.deepEqual(matchSenderRequests(phases, wrongCount), {
    ok: false, index: 6, expected: 'SET PACKET_COUNT (prepare-receiver)', got: 'SET PACKET_COUNT',
  });
  assert.deepEqual(matchSenderRequests(phases, [...good, g(99)]), { ok: false, index: 9, expected: 'end of conversation', got: 'GET MID 99' });
  assert.deepEqual(matchSenderRequests(phases, good.slice(0, -1)), {
    ok: false, index: 8, expected: 'GET LOG (collect-log)', got: 'end of conversation',
  });
});

test('intervals: test duration split over the checks, capped at 1 s; endless runs poll back to back', () => {
  assert.equal(monitorIntervalNs(100, 1_000_000n, 1), 100_000_000n);
  assert.equal(monitorIntervalNs(1000, 500_000n, 1), 500_000_000n);
  assert.equal(monitorIntervalNs(100, 1_000_000n, 3), 33_333_333n);
  assert.equal(monitorIntervalNs(10_000, 1_000_000n, 1), 1_000_000_000n);
  assert.equal(monitorIntervalNs(0, 1_000_000n, 1), 0n);
  assert.equal(initialIntervalNs('ok'), 100_000_000n);
  assert.equal(initialIntervalNs('within-3x'), 500_000_000n);
  assert.equal(initialIntervalNs('bad'), 1_000_000_000n);
});

test('stdout of a clean run', () => {
  const mac = Uint8Array.of(2, 0, 0, 0, 0x0b, 2);
  assert.equal(formatMac(mac), '02:00:00:00:0b:02');
  assert.deepEqual(cleanRunStdout(plain, mac), [
    'Destination MAC address is 02:00:00:00:0b:02\n',
    'Link state of node remote is running\n',
    'Link state of node local is running\n',
    'Collecting receiver stats\n',
  ]);
  assert.deepEqual(cleanRunStdout({ ...plain, client: false }, null), ['Link state of node local is running\n']);
});
