// Every way the C tool's .dat loader (src/log.c isochron_log_load) can fail,
// on damaged files made here: open, a short header, the magic, the seek to
// each log (an offset past 2^63 that turns negative, one past what the file
// system allows, a pipe that cannot seek), and the read of each log (empty,
// past the end, one byte short, a 4 GiB claim). Our `isochron report` must
// print C's stderr and exit with C's status, byte for byte.
//
// The expected texts and statuses are derived from C's source, so the test
// fails without the C tool when ours is wrong. With ISOCHRON_C the C binary
// runs on the same files and its stdout, stderr and status must equal ours.
//
// Two C quirks are part of the contract:
//  - a failed read() is printed with EPERM's text and status 255 (C passes
//    read's -1 to its error printer as a negative errno);
//  - a failed seek is printed by perror(), which replaces errno with EINVAL
//    unless stderr was opened read-write, and C returns that errno: a pipe's
//    "Illegal seek" exits 234 with `2>file` and 227 on a terminal-like,
//    read-write stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHeader, HEADER_SIZE, type DatHeader } from '../../../src/engine/dat/layout.js';
import { cliEntry } from '../../helpers/paths.js';

const C = process.env.ISOCHRON_C;
const dir = mkdtempSync(join(tmpdir(), 'isochron-load-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const ENODATA = 195;
const EINVAL = 234;
const ESPIPE = 227;
const EPERM_RAW = 255;

// One sender record (seqid 1) and one receiver record, 48 + 32 bytes.
const SEND_REC = Buffer.alloc(48);
SEND_REC.writeUInt32BE(1, 0);
SEND_REC.writeBigInt64BE(10n, 8);
const RCV_REC = Buffer.alloc(32);
RCV_REC.writeUInt32BE(1, 0);
RCV_REC.writeBigInt64BE(20n, 8);
const BODY = Buffer.concat([SEND_REC, RCV_REC]);

function header(over: Partial<DatHeader> = {}): Buffer {
  return Buffer.from(encodeHeader({
    version: 4, packetCount: 1, frameSize: 64, flags: 0x03,
    baseTime: 0n, advanceTime: 1_000_000n, shiftTime: 0n, cycleTime: 1_000_000n, windowSize: 0n,
    sendLogStart: BigInt(HEADER_SIZE), rcvLogStart: BigInt(HEADER_SIZE + 48), sendLogSize: 48, rcvLogSize: 32,
    ...over,
  }));
}
const good = (over: Partial<DatHeader> = {}): Buffer => Buffer.concat([header(over), BODY]);

// The largest offset lseek accepts depends on the file system: ext4 stops
// just below 2^44 (4 KiB blocks), tmpfs takes anything up to 2^63-1.
const EXT4_MAGIC = 0xef53;
const TMPFS_MAGIC = 0x01021994;
const fsType = statfsSync(dir).type;
const beyondFs = fsType === EXT4_MAGIC ? 'seek' : fsType === TMPFS_MAGIC ? 'read' : null;

interface Case {
  name: string;
  /** File content, or how to make the input. */
  input: Buffer | 'directory' | 'missing';
  /** C's stderr for the input path; null when it depends on a file system we do not know. */
  stderr: ((path: string) => string) | null;
  status: number;
  stdout?: string;
}

const SEEK_S = 'Failed to seek to the sender log: Invalid argument\n';
const SEEK_R = 'Failed to seek to the receiver log: Invalid argument\n';
const READ_H = 'Failed to read log header from file: No data available\n';
const READ_S = 'Failed to read sender log: No data available\n';
const READ_R = 'Failed to read receiver log: No data available\n';
const fixed = (s: string) => () => s;
const fsDependent = (which: 'sender' | 'receiver'): Pick<Case, 'stderr' | 'status'> =>
  beyondFs === 'seek'
    ? { stderr: fixed(which === 'sender' ? SEEK_S : SEEK_R), status: EINVAL }
    : beyondFs === 'read'
      ? { stderr: fixed(which === 'sender' ? READ_S : READ_R), status: ENODATA }
      : { stderr: null, status: -1 };

const cases: Case[] = [
  { name: 'missing file', input: 'missing', stderr: (p) => `Failed to open file ${p}: No such file or directory\n`, status: EPERM_RAW },
  { name: 'a directory (read fails, printed as EPERM)', input: 'directory', stderr: fixed('Failed to read log header from file: Operation not permitted\n'), status: EPERM_RAW },
  { name: 'empty file', input: Buffer.alloc(0), stderr: fixed(READ_H), status: ENODATA },
  { name: 'magic only', input: Buffer.from('ISOCHRON'), stderr: fixed(READ_H), status: ENODATA },
  { name: 'header one byte short', input: header().subarray(0, HEADER_SIZE - 1), stderr: fixed(READ_H), status: ENODATA },
  { name: 'bad magic', input: Buffer.alloc(HEADER_SIZE + 80), stderr: fixed('Unrecognized file format\n'), status: EINVAL },
  { name: 'sender log at 2^63 (negative off_t)', input: good({ sendLogStart: 1n << 63n }), stderr: fixed(SEEK_S), status: EINVAL },
  { name: 'sender log at 2^64-1', input: good({ sendLogStart: (1n << 64n) - 1n }), stderr: fixed(SEEK_S), status: EINVAL },
  { name: 'sender log at 2^63-1 (beyond the file system)', input: good({ sendLogStart: (1n << 63n) - 1n }), ...fsDependent('sender') },
  { name: 'sender log at 2^44 (beyond ext4)', input: good({ sendLogStart: 1n << 44n }), ...fsDependent('sender') },
  { name: 'sender log at 2^40 (seekable, past the end)', input: good({ sendLogStart: 1n << 40n }), stderr: fixed(READ_S), status: ENODATA },
  { name: 'sender log past the end', input: good({ sendLogStart: 1_000_000n }), stderr: fixed(READ_S), status: ENODATA },
  { name: 'sender log empty', input: good({ sendLogSize: 0 }), stderr: fixed(READ_S), status: ENODATA },
  { name: 'sender log one byte short', input: good().subarray(0, HEADER_SIZE + 47), stderr: fixed(READ_S), status: ENODATA },
  { name: 'sender log of 4 GiB claimed', input: good({ sendLogSize: 0xffffffff }), stderr: fixed(READ_S), status: ENODATA },
  { name: 'both logs at 2^63: the sender fails first', input: good({ sendLogStart: 1n << 63n, rcvLogStart: 1n << 63n }), stderr: fixed(SEEK_S), status: EINVAL },
  { name: 'sender log empty and receiver at 2^63: the sender fails first', input: good({ sendLogSize: 0, rcvLogStart: 1n << 63n }), stderr: fixed(READ_S), status: ENODATA },
  { name: 'receiver log at 2^63', input: good({ rcvLogStart: 1n << 63n }), stderr: fixed(SEEK_R), status: EINVAL },
  { name: 'receiver log at 2^50 (beyond the file system)', input: good({ rcvLogStart: 1n << 50n }), ...fsDependent('receiver') },
  { name: 'receiver log past the end', input: good({ rcvLogStart: 1_000_000n }), stderr: fixed(READ_R), status: ENODATA },
  { name: 'receiver log empty', input: good({ rcvLogSize: 0 }), stderr: fixed(READ_R), status: ENODATA },
  { name: 'receiver log one byte short', input: good().subarray(0, HEADER_SIZE + 79), stderr: fixed(READ_R), status: ENODATA },
  { name: 'receiver log of 4 GiB claimed', input: good({ rcvLogSize: 0xffffffff }), stderr: fixed(READ_R), status: ENODATA },
  { name: 'logs overlapping the header load fine', input: good({ sendLogStart: 0n, rcvLogStart: 0n, sendLogSize: 96, rcvLogSize: 96 }), stderr: fixed(''), status: 0 },
  { name: 'a sound file loads', input: good(), stderr: fixed(''), status: 0 },
];

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `BIN report -F path` with stderr on a file opened write-only (like
 * `2>file`) or read-write (like a terminal). With `pipeFrom`, stdin is a real
 * pipe (sh's `cat FILE |`; Node's own stdin pipes are socket pairs, which
 * /dev/stdin cannot open) fed from that file.
 */
function run(bin: string[], path: string, stderrMode: 'w' | 'w+', pipeFrom?: string): Outcome {
  const errPath = join(dir, `stderr-${process.pid}`);
  const errFd = openSync(errPath, stderrMode);
  const argv = [...bin, 'report', '-F', path];
  try {
    const r = spawnSync(pipeFrom ? '/bin/sh' : argv[0], pipeFrom ? ['-c', 'f=$1; shift; cat "$f" | "$@"', 'sh', pipeFrom, ...argv] : argv.slice(1), {
      stdio: ['ignore', 'pipe', errFd],
      timeout: 60_000,
      encoding: 'latin1',
    });
    return { status: r.status, stdout: r.stdout, stderr: readFileSync(errPath, 'latin1') };
  } finally {
    closeSync(errFd);
    rmSync(errPath, { force: true });
  }
}

const OURS = [process.execPath, cliEntry];

function materialise(c: Case, i: number): string {
  const p = join(dir, `case-${i}.dat`);
  if (c.input === 'missing') return p;
  if (c.input === 'directory') {
    mkdirSync(p);
    return p;
  }
  writeFileSync(p, c.input);
  return p;
}

cases.forEach((c, i) => {
  test(`report load failure: ${c.name}`, (t) => {
    const path = materialise(c, i);
    const ours = run(OURS, path, 'w');
    if (c.stderr === null) {
      t.diagnostic(`file system type 0x${fsType.toString(16)}: its largest offset is not known here; only compared with C`);
    } else {
      assert.deepEqual(ours, { status: c.status, stdout: c.stdout ?? '', stderr: c.stderr(path) });
    }
    if (!C) {
      t.diagnostic('ISOCHRON_C not set, the C tool was not run; checked against the texts from its source');
      return;
    }
    assert.deepEqual(ours, run([C], path, 'w'), 'same stdout, stderr and status as the C tool');
  });
});

test('report load failure: a pipe cannot seek ("Illegal seek"), status as perror leaves errno', (t) => {
  const input = join(dir, 'piped.dat');
  writeFileSync(input, good());
  const expect = (status: number): Outcome => ({ status, stdout: '', stderr: 'Failed to seek to the sender log: Illegal seek\n' });
  assert.deepEqual(run(OURS, '/dev/stdin', 'w', input), expect(EINVAL), 'stderr write-only: perror clobbers errno with EINVAL');
  assert.deepEqual(run(OURS, '/dev/stdin', 'w+', input), expect(ESPIPE), 'stderr read-write: lseek\'s own ESPIPE');
  // An EINVAL seek gives 234 either way.
  const neg = join(dir, 'neg.dat');
  writeFileSync(neg, good({ rcvLogStart: 1n << 63n }));
  assert.deepEqual(run(OURS, neg, 'w+'), { status: EINVAL, stdout: '', stderr: SEEK_R });
  if (!C) {
    t.diagnostic('ISOCHRON_C not set, the C tool was not run; checked against the texts from its source');
    return;
  }
  for (const mode of ['w', 'w+'] as const) {
    assert.deepEqual(run(OURS, '/dev/stdin', mode, input), run([C], '/dev/stdin', mode, input), `pipe, stderr ${mode}`);
  }
});
