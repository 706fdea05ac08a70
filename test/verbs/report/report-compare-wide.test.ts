// `report --compare` text with values as wide as the table's columns: s64
// timestamps differences of unsynchronised clocks have 19 or 20 characters,
// their difference up to 21. Each line must still split into its label and
// four cells (A, B, B - A, change): the cells were glued together
// ("-2-1152921504606846978") when a value filled its column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../../helpers/cli.js';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { DatFlags, type SendRecord, type RcvRecord } from '../../../src/engine/dat/layout.js';

/** n packets whose RX clock is `rxOffset` ns away from the TX clock (path delay about rxOffset). */
function file(path: string, n: number, rxOffset: bigint): void {
  const send: SendRecord[] = [];
  const rcv: RcvRecord[] = [];
  for (let i = 1; i <= n; i++) {
    const scheduled = 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n;
    send.push({ seqid: i, scheduled, wakeup: scheduled - 20_000n, hwts: scheduled - 5_000n, swts: scheduled - 6_000n, schedTs: scheduled - 7_000n });
    rcv.push({ seqid: i, arrival: scheduled + 30_000n + rxOffset, hwts: scheduled + 3_000n + rxOffset + BigInt(i), swts: scheduled + 8_000n });
  }
  writeDatFile(path, {
    packetCount: n, frameSize: 64, flags: DatFlags.DO_TS | DatFlags.OMIT_SYNC,
    baseTime: 0n, advanceTime: 0n, shiftTime: 0n, cycleTime: 1_000_000n, windowSize: 0n,
  }, send, rcv);
}

test('--compare text: every cell stays apart when values fill their columns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-cmpw-'));
  try {
    const a = join(dir, 'a.dat');
    const b = join(dir, 'b.dat');
    file(a, 5, -(1n << 62n)); // path delay about -4.6e18: 20 characters
    file(b, 5, 0n);
    const r = await runCli(['report', '--compare', a, b]);
    assert.equal(r.status, 0, r.stderr.toString());
    const lines = r.stdout.toString().split('\n').filter((l) => /^  \S/.test(l));
    assert.ok(lines.length > 40, 'statistic lines');
    let wide = 0;
    for (const line of lines) {
      const cells = line.trim().split(/\s+/);
      assert.equal(cells.length, 5, `label and four cells: ${JSON.stringify(line)}`);
      if (cells.slice(1, 4).some((c) => c.length >= 20)) wide++;
    }
    assert.ok(wide > 0, 'the file has values as wide as a column');
    // The ordinary layout (every value narrower than its column) is unchanged: right-aligned in 20 characters.
    const count = lines.find((l) => l.startsWith('  count'))!;
    assert.equal(count, `  count${' '.repeat(15)}${'5'.padStart(20)}${'5'.padStart(20)}${'0'.padStart(20)}${'0.00%'.padStart(12)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
