// The .dat reader and writer against the C tool's own files: every real run
// in the vectors is decoded field by field, rewritten with our writer (both
// the whole-file and the streaming API) and must come out byte-identical.
// Plus the reader's checks for corruptions the vectors do not cover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { vectorsDir } from '../../helpers/paths.js';
import { readDatFile, openDat } from '../../../src/engine/dat/reader.js';
import { writeDatFile, DatWriter } from '../../../src/engine/dat/writer.js';
import { encodeHeader, decodeHeader, DatFlags, HEADER_SIZE } from '../../../src/engine/dat/layout.js';
import { parseRaw } from '../../helpers/report-support.js';

const datDir = join(vectorsDir, 'dat');
const realFiles = readdirSync(datDir).filter((f) => f.startsWith('real_') && f.endsWith('.dat'));
const tmp = mkdtempSync(join(tmpdir(), 'isochron-dat-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('there are real runs to compare against', () => assert.ok(realFiles.length > 0));

for (const name of realFiles) {
  test(`reader decodes ${name} field by field like an independent parser`, () => {
    const path = join(datDir, name);
    const ours = readDatFile(path);
    const raw = parseRaw(path);
    const bytes = readFileSync(path);
    assert.equal(bytes.subarray(0, 8).toString('latin1'), 'ISOCHRON');
    assert.equal(ours.header.version, bytes.readUInt32BE(8));
    assert.equal(ours.header.packetCount, raw.packetCount);
    assert.equal(ours.header.frameSize, bytes.readUInt16BE(16));
    assert.equal(ours.header.flags, raw.flags);
    assert.equal(ours.header.baseTime, bytes.readBigInt64BE(24));
    assert.equal(ours.header.advanceTime, raw.advance);
    assert.equal(ours.header.shiftTime, bytes.readBigInt64BE(40));
    assert.equal(ours.header.cycleTime, raw.cycle);
    assert.equal(ours.header.windowSize, bytes.readBigInt64BE(56));
    assert.equal(ours.header.sendLogStart, BigInt(HEADER_SIZE));
    assert.equal(ours.header.rcvLogStart, BigInt(HEADER_SIZE + ours.header.sendLogSize));
    assert.deepEqual(ours.send, raw.send);
    assert.deepEqual(ours.rcv, raw.rcv);
  });

  test(`writeDatFile reproduces ${name} byte for byte`, () => {
    const path = join(datDir, name);
    const { header, send, rcv } = readDatFile(path);
    const out = join(tmp, `whole-${name}`);
    writeDatFile(out, header, send, rcv);
    assert.ok(readFileSync(out).equals(readFileSync(path)));
    assert.deepEqual(encodeHeader(decodeHeader(readFileSync(path))), new Uint8Array(readFileSync(path).subarray(0, HEADER_SIZE)));
  });

  test(`DatWriter (streaming, reverse order for the receiver) reproduces ${name}`, () => {
    const path = join(datDir, name);
    const { header, send, rcv } = readDatFile(path);
    const out = join(tmp, `stream-${name}`);
    const w = DatWriter.create(out, header, { sendSlots: send.length, rcvSlots: rcv.length });
    for (const r of send) if (r.seqid !== 0) w.putSend(r);
    for (const r of [...rcv].reverse()) if (r.seqid !== 0) w.putRcv(r);
    w.close();
    w.close(); // idempotent
    assert.ok(readFileSync(out).equals(readFileSync(path)));
  });
}

test('DatWriter: unwritten slots stay zero, bad seqids are refused with a code', () => {
  const out = join(tmp, 'sparse.dat');
  const meta = { packetCount: 4, frameSize: 64, flags: DatFlags.DO_TS, baseTime: 0n, advanceTime: 1n, shiftTime: 0n, cycleTime: 2n, windowSize: 0n };
  const w = DatWriter.create(out, meta, { sendSlots: 4, rcvSlots: 4 });
  w.putSend({ seqid: 2, scheduled: 5n, wakeup: 4n, hwts: 6n, swts: 7n, schedTs: 8n });
  w.putRcvLogBytes(new Uint8Array(64).fill(0));
  assert.throws(() => w.putSend({ seqid: 5, scheduled: 0n, wakeup: 0n, hwts: 0n, swts: 0n, schedTs: 0n }), { code: 'ISOCHRON_ERR_DAT_WRITER_RECORD' });
  assert.throws(() => w.putRcvLogBytes(new Uint8Array(33)), { code: 'ISOCHRON_ERR_DAT_WRITER_RECORD' });
  w.close();
  assert.throws(() => w.putRcv({ seqid: 1, arrival: 0n, hwts: 0n, swts: 0n }), { code: 'ISOCHRON_ERR_DAT_WRITER_RECORD' });
  const back = readDatFile(out);
  assert.equal(statSync(out).size, HEADER_SIZE + 4 * 48 + 4 * 32);
  assert.deepEqual(back.send.map((r) => r.seqid), [0, 2, 0, 0]);
  assert.equal(back.send[1].schedTs, 8n);
  assert.throws(() => DatWriter.create(join(tmp, 'x.dat'), meta, { sendSlots: -1, rcvSlots: 0 }), { code: 'ISOCHRON_ERR_DAT_WRITER_RECORD' });
  assert.throws(() => writeDatFile(join(tmp, 'no-such-dir', 'x.dat'), meta, [], []), { code: 'ISOCHRON_ERR_DAT_WRITE' });
});

function withHeader(mutate: (b: Buffer) => void): string {
  const b = Buffer.from(readFileSync(join(datDir, 'real_l2_64b_1ms_100.dat')));
  mutate(b);
  const p = join(tmp, `mut-${Math.random().toString(36).slice(2)}.dat`);
  writeFileSync(p, b);
  return p;
}

test('reader: header claims are checked against the file, never allocated', () => {
  assert.throws(() => openDat(withHeader((b) => b.writeBigUInt64BE(1n << 63n, 64))),
    { code: 'ISOCHRON_ERR_DAT_BAD_LOG_OFFSET', message: 'Failed to seek to the sender log: Invalid argument' });
  assert.throws(() => openDat(withHeader((b) => b.writeBigUInt64BE(0xffffffffffffffffn, 72))),
    { code: 'ISOCHRON_ERR_DAT_BAD_LOG_OFFSET', message: 'Failed to seek to the receiver log: Invalid argument' });
  assert.throws(() => openDat(withHeader((b) => b.writeUInt32BE(0xffffffff, 84))),
    { code: 'ISOCHRON_ERR_DAT_RCV_LOG_TRUNCATED', message: 'Failed to read receiver log: No data available' });
  assert.throws(() => openDat(withHeader((b) => b.writeUInt32BE(0, 80))), { code: 'ISOCHRON_ERR_DAT_SEND_LOG_TRUNCATED' });
  // logs may live anywhere: point both at the same bytes
  const moved = openDat(withHeader((b) => b.writeBigUInt64BE(96n, 72)));
  assert.equal(moved.rcvCount, Math.floor(moved.header.rcvLogSize / 32));
  assert.equal(moved.readRcv(moved.rcvCount - 1, 10, new Uint8Array(320)), 1);
  assert.throws(() => moved.readSend(0, moved.sendCount + 1, new Uint8Array(0)), RangeError);
  moved.close();
  moved.close();
  const dir = join(tmp, 'a-directory');
  mkdirSync(dir);
  // C passes read()'s -1 as a negative errno: EPERM's text, status 255, whatever read() said.
  assert.throws(() => openDat(dir), (e: { code: string; exitStatus: number; message: string }) =>
    e.code === 'ISOCHRON_ERR_DAT_READ' && e.exitStatus === 255 && e.message === 'Failed to read log header from file: Operation not permitted');
  assert.throws(() => openDat(join(tmp, 'missing.dat')),
    { code: 'ISOCHRON_ERR_DAT_OPEN', message: `Failed to open file ${join(tmp, 'missing.dat')}: No such file or directory` });
});
