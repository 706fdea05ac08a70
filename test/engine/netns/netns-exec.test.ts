// execIn against a child that exits without reading its stdin: the write of
// the input then fails with EPIPE, which must not turn into a rejection (the
// caller asked for the child's exit status and output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVethPair, execIn } from '../../helpers/netns.js';

test('execIn: a child that ignores its (large) input still reports its status and output', async (t) => {
  const pair = await createVethPair({ a: { ifname: 'vxa' }, b: { ifname: 'vxb' }, prefix: 'isoexec' });
  t.after(() => pair.destroy());
  // 8 MiB is far more than a pipe buffer: the child is gone before it is written.
  const input = 'x'.repeat(8 << 20);
  const res = await execIn(pair.nsA, 'sh', ['-c', 'echo done; exit 3'], { input, timeoutMs: 10_000 });
  assert.equal(res.status, 3);
  assert.equal(res.stdout, 'done\n');
  // And one that reads it all sees every byte.
  const wc = await execIn(pair.nsA, 'wc', ['-c'], { input, timeoutMs: 10_000 });
  assert.equal(wc.status, 0);
  assert.equal(wc.stdout.trim(), String(input.length));
});
