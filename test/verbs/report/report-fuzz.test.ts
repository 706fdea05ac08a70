// Property tests: random truncations and bit flips of valid files never make
// runReport throw or hang; each run ends with status 0 or with one stderr line
// carrying the status of a known error. Seeded and bounded for CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { vectorsDir } from '../../helpers/paths.js';
import { runReport } from '../../../src/verbs/report/run.js';
import { declaredErrorCodes, exitStatusForErrno } from '../../../src/core/errors.js';

const sources = ['synth_basic_100.dat', 'synth_lost_40.dat', 'real_l2_64b_1ms_100.dat']
  .map((f) => readFileSync(join(vectorsDir, 'dat', f)));
const tmp = mkdtempSync(join(tmpdir(), 'isochron-fuzz-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

async function runOn(bytes: Uint8Array, summary: boolean, fmt?: string) {
  const file = join(tmp, 'in.dat');
  writeFileSync(file, bytes);
  const outFd = openSync(join(tmp, 'out'), 'w+');
  const errFd = openSync(join(tmp, 'err'), 'w+');
  try {
    const status = await runReport({ inputFile: file, summary, start: 0, stop: 0, printfFormat: fmt, printfArgs: fmt ? 'qST' : undefined },
      { stdoutFd: outFd, stderrFd: errFd });
    return { status, stderr: readFileSync(join(tmp, 'err'), 'utf8') };
  } finally {
    ftruncateSync(outFd);
    closeSync(outFd);
    closeSync(errFd);
  }
}

const knownStatuses = new Set([...declaredErrorCodes().values()].map(exitStatusForErrno));

function check(r: { status: number; stderr: string }): void {
  if (r.status === 0) {
    assert.equal(r.stderr, '');
    return;
  }
  assert.ok(knownStatuses.has(r.status), `status ${r.status} is not one of a declared error`);
  assert.match(r.stderr, /^[^\n]+\n$/, 'exactly one error line');
  assert.doesNotMatch(r.stderr, /at .*\.js|internal error/, 'no stack trace, no internal error');
}

test('truncated files give output or a known error', async () => {
  await fc.assert(fc.asyncProperty(
    fc.nat({ max: sources.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(),
    async (k, frac, summary) => {
      const src = sources[k];
      check(await runOn(src.subarray(0, Math.floor(src.length * frac)), summary, summary ? undefined : '%u %T %x\\n'));
    },
  ), { seed: 2024, numRuns: 60 });
});

test('bit flips anywhere (header included) give output or a known error', async () => {
  await fc.assert(fc.asyncProperty(
    fc.nat({ max: sources.length - 1 }),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 7 })), { minLength: 1, maxLength: 8 }),
    fc.boolean(),
    async (k, flips, headerOnly) => {
      const b = Uint8Array.from(sources[k]);
      for (const [pos, bit] of flips) b[headerOnly ? pos % 96 : pos % b.length] ^= 1 << bit;
      check(await runOn(b, true));
      check(await runOn(b, false, '%u %T %x\\n'));
    },
  ), { seed: 77, numRuns: 80 });
});
