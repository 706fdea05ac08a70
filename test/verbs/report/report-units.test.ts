// Unit checks of the report building blocks against independent arithmetic:
// the glibc-style %.3lf, the escape pass, the printf compiler's error order,
// the WASM statistics (against BigInt/plain-double references), and the
// software-timestamp summary of a file written here with our writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { formatFixed } from '../../../src/verbs/report/format-double.js';
import { replaceEscapes } from '../../../src/verbs/report/escapes.js';
import { compilePrintf, programError, OP_ERR } from '../../../src/verbs/report/printf.js';
import { runReport } from '../../../src/verbs/report/run.js';
import { writeDatFile } from '../../../src/engine/dat/writer.js';
import { DatFlags, SendRecord, RcvRecord } from '../../../src/engine/dat/layout.js';
import { parseRaw, checkSoftwareSummary } from '../../helpers/report-support.js';

/** Exact decimal of a double via BigInt, rounded half-even at 3 digits: a second, separate derivation. */
function reference3(x: number): string {
  if (Number.isNaN(x)) return '-nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  let a = Math.abs(x);
  // a = k / 2^s exactly, found by doubling until integral
  let s = 0n;
  while (!Number.isInteger(a)) {
    a *= 2;
    s++;
  }
  const num = BigInt(a) * 1000n;
  const den = 1n << s;
  let q = num / den;
  const r = num % den;
  if (2n * r > den || (2n * r === den && q % 2n === 1n)) q++;
  const str = q.toString().padStart(4, '0');
  return `${neg ? '-' : ''}${str.slice(0, -3)}.${str.slice(-3)}`;
}

test('formatFixed matches an exact half-even reference on random doubles', () => {
  fc.assert(fc.property(fc.double({ noNaN: false }), (x) => {
    assert.equal(formatFixed(x), reference3(x));
  }), { seed: 1234, numRuns: 2000 });
});

test('formatFixed: ties to even, negative zero and specials like glibc', () => {
  assert.equal(formatFixed(0.0625), '0.062'); // exact tie: toFixed would say 0.063
  assert.equal(formatFixed(0.1875), '0.188');
  assert.equal(formatFixed(-0), '-0.000');
  assert.equal(formatFixed(-0.0001), '-0.000');
  assert.equal(formatFixed(0 / 0), '-nan');
  assert.equal(formatFixed(1 / 0), 'inf');
  assert.equal(formatFixed(-1 / 0), '-inf');
  assert.equal(formatFixed(1e21), '1000000000000000000000.000');
  assert.equal(formatFixed(2.5, 0), '2');
});

test('escape pass: every escape, NUL cut, errors in C order', () => {
  const esc = (s: string) => Buffer.from(replaceEscapes(Buffer.from(s, 'latin1'))).toString('latin1');
  assert.equal(esc('\\a\\b\\r\\f\\v\\?\\\'\\"\\\\\\t\\n'), '\x07\x08\r\f\v?\'"\\\t\n');
  assert.equal(esc('x\\\ny'), 'x y');
  assert.equal(esc('a\\0b'), 'a');
  assert.throws(() => esc('a\\0\\q'), { code: 'ISOCHRON_ERR_PRINTF_UNKNOWN_ESCAPE', message: 'Unrecognized escape sequence q' });
  assert.throws(() => esc('a\\'), { code: 'ISOCHRON_ERR_PRINTF_BACKSLASH_AT_END' });
  assert.equal(esc('\\\\q'), '\\q'); // an escaped backslash is not rescanned
});

test('printf compiler: data-independent errors in the C order', () => {
  const first = (fmt: string, args: string) => {
    const p = compilePrintf(Buffer.from(fmt, 'latin1'), Buffer.from(args, 'latin1'));
    const words = Array.from(p.words);
    for (let i = 0; i < words.length; ) {
      if (words[i] === OP_ERR) return programError(p, words[i + 1]).message;
      i += words[i] === 0 ? 1 : words[i] === OP_ERR ? 2 : 3;
    }
    return null;
  };
  assert.equal(first('%u %u', 'q'), 'Not enough arguments for format');
  assert.equal(first('%u', 'qS'), 'printf arguments left unconsumed');
  assert.equal(first('%y', 'Z'), "Unknown variable code 'Z'"); // the variable is checked before the code
  assert.equal(first('%y', 'S'), "Unknown printf code 'y'");
  assert.equal(first('%d', 'q'), "Variable 'q' cannot be printed as signed int");
  assert.equal(first('%T', 'q'), "Variable 'q' cannot be printed as time");
  assert.equal(first('%u %', 'q'), 'Illegal percent placement at the end of the printf format');
  assert.equal(first('%%%u', 'q'), null);
  assert.equal(first('x'.repeat(5000), ''), 'Buffer not large enough for printf format');
  assert.equal(first('%u'.repeat(5000), 'q'.repeat(5000)), 'Destination buffer not large enough to print unsigned int');
  assert.equal(compilePrintf(new Uint8Array(0), new Uint8Array(0)).active, false);
});

function capture(dir: string, name: string) {
  const path = join(dir, name);
  return { path, fd: openSync(path, 'w') };
}

async function report(opts: Parameters<typeof runReport>[0], dir: string) {
  const out = capture(dir, 'out');
  const err = capture(dir, 'err');
  try {
    const status = await runReport(opts, { stdoutFd: out.fd, stderrFd: err.fd });
    return { status, stdout: readFileSync(out.path, 'utf8'), stderr: readFileSync(err.path, 'utf8') };
  } finally {
    closeSync(out.fd);
    closeSync(err.fd);
  }
}

function softwareOnlyFile(path: string, n: number, flags: number, seed: number): void {
  let x = seed;
  const rnd = (lo: number, hi: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return BigInt(lo + (x % (hi - lo + 1)));
  };
  const base = 1_800_000_000_000_000_000n;
  const send: SendRecord[] = [];
  const rcv: RcvRecord[] = [];
  for (let i = 1; i <= n; i++) {
    const scheduled = base + BigInt(i - 1) * 1_000_000n;
    const wakeup = scheduled - 20_000n + rnd(0, 30_000);
    const schedTs = wakeup + rnd(3_000, 12_000);
    const swts = schedTs + rnd(1_000, 6_000);
    send.push({ seqid: i, scheduled, wakeup, hwts: 0n, swts, schedTs });
    const lost = i % 7 === 3;
    const rxSw = swts + rnd(5_000, 40_000);
    rcv.push(lost ? { seqid: 0, arrival: 0n, hwts: 0n, swts: 0n } : { seqid: i, arrival: rxSw + rnd(100, 900), hwts: 0n, swts: rxSw });
  }
  writeDatFile(path, {
    packetCount: n, frameSize: 64, flags, baseTime: base, advanceTime: 20_000n,
    shiftTime: 0n, cycleTime: 1_000_000n, windowSize: 0n,
  }, send, rcv);
}

test('OMIT_HWTS summary: labelled software-timestamp statistics, checked independently', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-sw-'));
  try {
    for (const [flags, seed] of [[DatFlags.OMIT_SYNC | DatFlags.DO_TS | DatFlags.OMIT_HWTS, 7], [DatFlags.OMIT_HWTS | DatFlags.TXTIME, 9]]) {
      const file = join(dir, `sw-${flags}.dat`);
      softwareOnlyFile(file, 500, flags, seed);
      const r = await report({ inputFile: file, summary: true, start: 0, stop: 0 }, dir);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      checkSoftwareSummary(r.stdout, parseRaw(file), (ok, msg) => assert.ok(ok, msg));
      assert.match(r.stdout, /^Packets not received: \d+ /m);
      assert.doesNotMatch(r.stdout.split('\n').slice(1).join('\n'), /\bHW\b/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stdout that cannot be written gives ISOCHRON_ERR_REPORT_OUTPUT, not a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-out-'));
  try {
    const file = join(dir, 'x.dat');
    softwareOnlyFile(file, 10, DatFlags.OMIT_HWTS, 3);
    writeFileSync(join(dir, 'ro'), '');
    const ro = openSync(join(dir, 'ro'), 'r'); // writes fail with EBADF
    const err = capture(dir, 'err');
    try {
      const status = await runReport({ inputFile: file, summary: true, start: 0, stop: 0 }, { stdoutFd: ro, stderrFd: err.fd });
      assert.equal(status, 224); // -EPIPE & 0xff
      assert.match(readFileSync(err.path, 'utf8'), /^writing the report to file descriptor \d+ failed: .*EBADF/);
    } finally {
      closeSync(ro);
      closeSync(err.fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
