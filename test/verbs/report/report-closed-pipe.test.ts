// `report ... | head -1`: the reader of stdout goes away while the report is
// still writing. The C tool catches SIGPIPE and ignores its failed writes:
// no message, and the exit status it would have had anyway. Ours must be the
// same (no EPIPE error text, no 224), for printf lines, --packets rows and
// the summary formats, and a --fail-if gate still decides the status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { cliEntry } from '../../helpers/paths.js';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { DatFlags, type SendRecord, type RcvRecord } from '../../../src/engine/dat/layout.js';

/** Runs the CLI, reads the first chunk of stdout, then closes the pipe (as `head -c1` would). */
function runAndHangUp(args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    const err: Buffer[] = [];
    child.stdout.once('data', (b: Buffer) => {
      first = b.toString();
      child.stdout.destroy();
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, first, stderr: Buffer.concat(err).toString() });
    });
  });
}

/** A file whose every output form is far larger than a pipe's buffer. */
function bigFile(path: string, n: number): void {
  const base = 1_700_000_000_000_000_000n;
  const send: SendRecord[] = [];
  const rcv: RcvRecord[] = [];
  for (let i = 1; i <= n; i++) {
    const scheduled = base + BigInt(i) * 1_000_000n;
    const j = BigInt(i % 97);
    send.push({ seqid: i, scheduled, wakeup: scheduled - 20_000n - j, hwts: scheduled - 5_000n + j, swts: scheduled - 6_000n, schedTs: scheduled - 7_000n });
    rcv.push({ seqid: i, arrival: scheduled + 30_000n, hwts: scheduled + 3_000n + j * 3n, swts: scheduled + 8_000n });
  }
  writeDatFile(path, {
    packetCount: n, frameSize: 64, flags: DatFlags.DO_TS | DatFlags.OMIT_SYNC,
    baseTime: 0n, advanceTime: 0n, shiftTime: 0n, cycleTime: 1_000_000n, windowSize: 0n,
  }, send, rcv);
}

test('a closed stdout pipe: silent, and the exit status the report would have had', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-pipe-'));
  try {
    const file = join(dir, 'big.dat');
    bigFile(file, 60_000);
    const cases: { args: string[]; status: number; first: RegExp; stderr: string }[] = [
      { args: ['-f', '%u\\n', '-a', 'q'], status: 0, first: /^1\n2\n/, stderr: '' },
      { args: ['--packets', 'csv'], status: 0, first: /^seqid,scheduled,/, stderr: '' },
      { args: ['--packets', 'jsonl'], status: 0, first: /^\{"seqid":1,/, stderr: '' },
      // The printf lines go nowhere, the gate is still evaluated on the whole file.
      {
        args: ['-f', '%u\\n', '-a', 'q', '--fail-if', 'packets.count >= 60000'], status: 1, first: /^1\n/,
        stderr: "--fail-if 'packets.count >= 60000' holds: packets.count is 60000\n",
      },
      { args: ['-f', '%u\\n', '-a', 'q', '--fail-if', 'packets.count > 60000'], status: 0, first: /^1\n/, stderr: '' },
      { args: ['-F', file, '-f', '%u\\n', '-a', 'q', '-m'], status: 0, first: /^1\n/, stderr: '' },
    ];
    for (const c of cases) {
      const r = await runAndHangUp(['report', '-F', file, ...c.args]);
      const what = c.args.join(' ');
      assert.equal(r.signal, null, `${what}: not killed by a signal`);
      assert.equal(r.stderr, c.stderr, `${what}: stderr`);
      assert.equal(r.status, c.status, `${what}: status`);
      assert.match(r.first, c.first, `${what}: the output that was read is the real output`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
