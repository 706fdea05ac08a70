// .dat header values from send options, for the variants the real runs do not cover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatFlags } from '../../../src/engine/dat/layout.js';
import { datFileToWrite, sessionFlags, sessionHeader, type SessionOptions } from '../../../src/engine/traffic/session.js';

const o: SessionOptions = {
  numFrames: 10, frameSize: 1000, transport: { kind: 'l4', family: 4 },
  omitSync: false, omitHwts: false, noTs: false, taprio: false, txtime: false, deadline: false,
  baseTime: 100n, cycleTime: 1_000_000n, shiftTime: 0n, advanceTime: 0n, windowSize: 0n,
};

test('flags: one bit per option, DO_TS unless --no-ts', () => {
  assert.equal(sessionFlags(o), DatFlags.DO_TS);
  assert.equal(sessionFlags({ ...o, noTs: true }), 0);
  assert.equal(sessionFlags({ ...o, omitSync: true, omitHwts: true }), 0x23);
  assert.equal(sessionFlags({ ...o, txtime: true, deadline: true }), 0x1a);
  assert.equal(sessionFlags({ ...o, taprio: true }), 0x06);
});

test('header: L4 frame size minus 42 (IPv4) or 62 (IPv6), base time as given, advance resolved', () => {
  const h = sessionHeader(o, 320);
  assert.equal(h.frameSize, 958);
  assert.equal(h.baseTime, 100n);
  assert.equal(h.advanceTime, 1_000_000n);
  assert.equal(h.sendLogSize, 480);
  assert.equal(h.rcvLogStart, 576n);
  assert.equal(h.rcvLogSize, 320);
  assert.equal(sessionHeader({ ...o, transport: { kind: 'l4', family: 6 } }, 0).frameSize, 938);
  assert.equal(sessionHeader({ ...o, frameSize: 64, transport: { kind: 'l4', family: 6 } }, 0).frameSize, 2);
  assert.equal(sessionHeader({ ...o, frameSize: 64, transport: { kind: 'l2', dmac: new Uint8Array(6), smac: new Uint8Array(6), etype: 0xdead, vlan: null } }, 0).frameSize, 64);
  assert.throws(() => sessionHeader({ ...o, windowSize: 2_000_000n }, 0), /Window size cannot be higher than cycle time/);
});

test('the .dat is written only with --client and a session that kept sync; default name isochron.dat', () => {
  assert.equal(datFileToWrite({ client: true, outputFile: null }, true), 'isochron.dat');
  assert.equal(datFileToWrite({ client: true, outputFile: '' }, true), 'isochron.dat');
  assert.equal(datFileToWrite({ client: true, outputFile: 'x.dat' }, true), 'x.dat');
  assert.equal(datFileToWrite({ client: true, outputFile: 'x.dat' }, false), null);
  assert.equal(datFileToWrite({ client: false, outputFile: 'x.dat' }, true), null);
});
