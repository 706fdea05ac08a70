// What a send says once before it runs: options that cannot take effect on
// the interface (--txtime/--taprio/--deadline without etf/taprio), and that
// --utc-tai-offset changes the whole machine's kernel offset. The kernel
// offset itself is never changed here: the setter is a fake (it is
// machine-wide, and other tests read CLOCK_TAI meanwhile).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offloadNotices, utcTaiOffsetNotice } from '../../../src/engine/sender/offload-notices.js';
import { sendWithPlan } from '../../../src/verbs/send/run.js';
import { planSend } from '../../../src/engine/sender/plan.js';
import { parseVerbArgs } from '../../../src/cli/command-line.js';
import { kernelTaiOffset } from '../../../src/sys/time.js';

const plan = { ifname: 'vxa', txtime: true, taprio: true, deadline: true };

test('--txtime, --deadline and --taprio without their qdisc: one note each, naming the interface and its qdiscs', () => {
  const lines = offloadNotices(plan, ['noqueue']);
  assert.deepEqual(lines, [
    'Note: --txtime has no effect on vxa: it has no etf or taprio qdisc (qdiscs: noqueue), so frames leave when sent and their launch time is not enforced\n',
    'Note: --deadline has no effect on vxa: it needs an etf qdisc with deadline_mode (qdiscs: noqueue)\n',
    'Note: --taprio has no effect on vxa: it has no taprio qdisc (qdiscs: noqueue), so no gate schedule applies to the frames\n',
  ]);
  assert.deepEqual(offloadNotices(plan, ['mqprio', 'etf', 'taprio']), []);
  assert.deepEqual(offloadNotices({ ...plan, taprio: false, deadline: false }, ['taprio']), []); // taprio's txtime-assist
  assert.deepEqual(offloadNotices(plan, null), [], 'qdiscs unknown: nothing said');
  assert.deepEqual(offloadNotices({ ...plan, txtime: false, taprio: false, deadline: false }, ['noqueue']), []);
});

test('--utc-tai-offset: the machine-wide change is said once; the kernel offset is not touched by this test', async () => {
  const before = kernelTaiOffset();
  const r = parseVerbArgs('send', ['-i', 'lo', '-c', '0.001', '-s', '64', '-n', '1', '--omit-sync', '--omit-hwts', '--dmac', '02:00:00:00:0b:02', '--utc-tai-offset', '37', '--txtime']);
  assert.equal(r.kind, 'options');
  let err = '';
  const set: number[] = [];
  await sendWithPlan(planSend(r.options), {
    io: { out: () => undefined, err: (t) => void (err += t) },
    setKernelUtcTaiOffset: (o) => void set.push(o),
    qdiscKinds: () => ['noqueue'],
  });
  assert.deepEqual(set, [37]);
  assert.equal(err.split(utcTaiOffsetNotice(37)).length - 1, 1, err);
  assert.equal(err.split('Note: --txtime has no effect on lo').length - 1, 1, err);
  assert.equal(kernelTaiOffset(), before);
});
