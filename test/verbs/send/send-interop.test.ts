// Our sender against the C receiver (omit-hwts branch), when ISOCHRON_C names
// its binary: every frame must arrive and the C receiver's log must come
// back into our .dat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnIn } from '../../helpers/netns.js';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { cliIn, IP_B, vethPair } from '../../helpers/send-support.js';

const C_BINARY = process.env.ISOCHRON_C;

test('our send -> C isochron rcv: every frame received', { skip: C_BINARY ? false : 'ISOCHRON_C not set (path of a C isochron binary, omit-hwts branch)' }, async (t) => {
  const pair = await vethPair(t);
  const rcv = spawnIn(pair.nsB, C_BINARY as string, ['rcv', '-i', 'vxb', '--omit-hwts', '--stats-port', '5029', '--quiet'], { stdio: 'ignore' });
  t.after(() => rcv.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 1000));
  const dir = mkdtempSync(join(tmpdir(), 'isochron-interop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'interop.dat');
  const res = await cliIn(pair.nsA, ['send', '-i', 'vxa', '--omit-sync', '--omit-remote-sync', '--omit-hwts', '--client', IP_B, '--stats-port', '5029', '--cycle-time', '0.001', '--num-frames', '500', '--frame-size', '64', '--output-file', file]);
  assert.equal(res.status, 0, res.stderr);
  const { rcv: log } = readDatFile(file);
  assert.equal(log.length, 500);
  log.forEach((r, i) => assert.equal(r.seqid, i + 1));
});
