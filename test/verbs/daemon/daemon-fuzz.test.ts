// 100 000 seeded mutated messages at a running daemon process (loopback):
// zero crashes (alive and answering afterwards), zero hangs (every
// connection answered and closed after its batch), memory flat. The
// 1 000 000-message run is bench/daemon-fuzz.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGet, Mid } from '../../../src/engine/mgmt/index.js';
import { fuzz, mutate, prng, corpus } from '../../../bench/daemon-fuzz.js';
import { runCli } from '../../helpers/cli.js';
import { vectorsDir } from '../../helpers/paths.js';
import { alive, RawPeer, rssKb, stopPid } from '../../helpers/daemon-support.js';

test('the mutator is deterministic for a seed', () => {
  const seeds = corpus(vectorsDir);
  const a = prng(7);
  const b = prng(7);
  for (let i = 0; i < 1000; i++) assert.deepEqual(mutate(seeds, a), mutate(seeds, b));
});

test('fuzz: 100 000 mutated messages, no crash, no hang, flat memory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isofuzz-'));
  const port = 5650;
  const res = await runCli(['daemon', '-P', String(port), '-S', '127.0.0.1', '-p', join(dir, 'pid'), '-l', join(dir, 'log')]);
  assert.equal(res.status, 0, res.stderr.toString());
  const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  try {
    await fuzz({ port, messages: 10_000, seed: 99 }, vectorsDir); // warm-up: JIT, buffers
    const before = rssKb(pid);
    const r = await fuzz({ port, messages: 100_000, seed: 1 }, vectorsDir);
    const after = rssKb(pid);
    assert.equal(r.messages, 100_000);
    assert.equal(r.hangs, 0, 'every connection was answered and closed');
    assert.ok(alive(pid), 'the daemon is alive');
    assert.ok(r.bytesReceived > 0, 'the daemon answered');
    assert.ok(after - before < 40 * 1024, `RSS ${before} kB -> ${after} kB`);
    const p = await RawPeer.connect(port);
    assert.equal((await p.ask(encodeGet(Mid.CURRENT_CLOCK_TAI))).tlvs[0].mid, Mid.CURRENT_CLOCK_TAI);
    p.close();
    assert.doesNotMatch(readFileSync(join(dir, 'log'), 'utf8'), /Internal error/);
  } finally {
    await stopPid(pid);
    rmSync(dir, { recursive: true, force: true });
  }
});
