// `--fail-if` on min and max beyond 2^53 ns (clocks that are not
// synchronised give such path delays): the s64 extremes are exact in the
// JSON, and a gate on them must use the exact value, not its nearest double
// (as doubles 2^53 + 1 equals 2^53, so `max > 2^53` did not hold).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../../helpers/cli.js';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { DatFlags, type SendRecord, type RcvRecord } from '../../../src/engine/dat/layout.js';

const TWO_53 = 2n ** 53n;

/** Two packets with path delays 2^53 + 1 and 2^53 + 3 ns (R - T). */
function file(path: string): void {
  const send: SendRecord[] = [];
  const rcv: RcvRecord[] = [];
  for (const [i, delay] of [[1, TWO_53 + 1n], [2, TWO_53 + 3n]] as const) {
    const scheduled = 1_000_000_000n * BigInt(i);
    const hwts = scheduled - 5_000n;
    send.push({ seqid: i, scheduled, wakeup: scheduled - 20_000n, hwts, swts: scheduled - 6_000n, schedTs: scheduled - 7_000n });
    rcv.push({ seqid: i, arrival: hwts + delay + 100n, hwts: hwts + delay, swts: scheduled + 8_000n });
  }
  writeDatFile(path, {
    packetCount: 2, frameSize: 64, flags: DatFlags.DO_TS | DatFlags.OMIT_SYNC,
    baseTime: 0n, advanceTime: 0n, shiftTime: 0n, cycleTime: 1_000_000n, windowSize: 0n,
  }, send, rcv);
}

test('--fail-if compares min and max beyond 2^53 exactly, with the threshold as written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-gate53-'));
  try {
    const f = join(dir, 'big.dat');
    file(f);
    const json = (await runCli(['report', '-F', f, '--format', 'json'])).stdout.toString();
    assert.match(json, /"path-delay":\{"unit":"ns","count":2,"min":9007199254740993,"min_seqid":1,"max":9007199254740995,/);
    const cases: [string, boolean][] = [
      [`path-delay.min > ${TWO_53}`, true],
      [`path-delay.min <= ${TWO_53}`, false],
      [`path-delay.min >= ${TWO_53 + 1n}`, true],
      [`path-delay.min < ${TWO_53 + 1n}`, false],
      [`path-delay.min > ${TWO_53}.5`, true],
      [`path-delay.min > ${TWO_53 + 1n}.000001`, false],
      [`path-delay.max >= ${TWO_53 + 4n}`, false],
      [`path-delay.max < ${TWO_53 + 4n}`, true],
      [`path-delay.max > ${TWO_53 + 2n}`, true],
      ['path-delay.max > 9007199.254740994s', true],
      ['path-delay.max > 9007199.254740995s', false],
      ['path-delay.min > -1s', true],
    ];
    for (const [expr, holdsExpected] of cases) {
      const r = await runCli(['report', '-F', f, '--fail-if', expr]);
      assert.equal(r.status, holdsExpected ? 1 : 0, `${expr}: ${r.stderr.toString()}`);
      const stat = expr.split(' ')[0];
      const value = stat.endsWith('.min') ? TWO_53 + 1n : TWO_53 + 3n;
      assert.equal(r.stderr.toString(), holdsExpected ? `--fail-if '${expr}' holds: ${stat} is ${value} ns\n` : '', expr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
