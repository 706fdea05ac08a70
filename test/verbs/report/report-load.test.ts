// `report` loads neither koffi nor piscina, checked on a real run: the CLI
// is started with a preload (test/fixtures/load-watch.ts) that records every
// koffi or piscina module resolved, every koffi `.node` object mapped into
// the process at exit, and any such module in require.cache. The static
// rule is in test/architecture/layers.test.ts; this one catches dynamic
// imports and anything a dependency pulls in. A control run that does load
// both proves the watch sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { cliEntry, repoRoot } from '../../helpers/paths.js';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { DatFlags } from '../../../src/engine/dat/layout.js';

const preload = new URL('../../fixtures/load-watch.js', import.meta.url).href;

function watched(args: string[], dir: string, name: string) {
  const out = join(dir, `${name}.loads`);
  const r = spawnSync(process.execPath, ['--import', preload, ...args], {
    cwd: repoRoot, env: { ...process.env, LOAD_WATCH_FILE: out }, encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, loads: existsSync(out) ? readFileSync(out, 'utf8') : '' };
}

test('report --summary and report on a damaged file load neither koffi nor piscina', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-load-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'small.dat');
  const base = 1_700_000_000_000_000_000n;
  const send = [1, 2, 3].map((seqid) => {
    const scheduled = base + BigInt(seqid) * 1_000_000n;
    return { seqid, scheduled, wakeup: scheduled - 15_000n, hwts: scheduled - 2_000n, swts: scheduled - 3_000n, schedTs: scheduled - 9_000n };
  });
  const rcv = send.map((s) => ({ seqid: s.seqid, arrival: s.hwts + 30_000n, hwts: s.hwts + 4_000n, swts: s.hwts + 9_000n }));
  writeDatFile(file, {
    packetCount: 3, frameSize: 64, flags: DatFlags.OMIT_SYNC | DatFlags.DO_TS, baseTime: base,
    advanceTime: 20_000n, shiftTime: 0n, cycleTime: 1_000_000n, windowSize: 0n,
  }, send, rcv);

  const ok = watched([cliEntry, 'report', '-F', file, '--summary'], dir, 'summary');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^Summary:$/m);
  assert.equal(ok.loads, '');

  // The error path prints strerror() texts and checks lseek's rules: still no FFI.
  const bad = watched([cliEntry, 'report', '-F', join(dir, 'missing.dat'), '--summary'], dir, 'missing');
  assert.equal(bad.stderr, `Failed to open file ${join(dir, 'missing.dat')}: No such file or directory\n`);
  assert.equal(bad.loads, '');
});

test('the load watch sees koffi and piscina when they are loaded (control)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-load-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = watched(['--input-type=module', '-e', "await import('piscina'); const k = (await import('koffi')).default; k.load('libc.so.6');"], dir, 'control');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.loads, /imported .*node_modules\/piscina\//);
  assert.match(r.loads, /imported .*node_modules\/koffi\//);
  assert.match(r.loads, /mapped .*koffi.*\.node/);
});
