// One management-id table: src/engine/mgmt/ids.ts (MID_TABLE) is the
// definition; assembly/mgmt.ts keeps a copy the WASM module needs (the
// layout kind of each id, and their number). This reads that copy from the
// AssemblyScript source and fails on any drift: a row added, dropped,
// renamed, renumbered or given another layout on one side only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import { MID_COUNT, MID_TABLE } from '../../../src/engine/mgmt/ids.js';
import { Kind, mgmtWasm } from '../../../src/engine/mgmt/wasm.js';

const source = readFileSync(join(repoRoot, 'assembly', 'mgmt.ts'), 'utf8');

test('assembly/mgmt.ts lists the ids of MID_TABLE, in order, with the same layouts', () => {
  const start = source.indexOf('const MID_KINDS');
  assert.ok(start >= 0, 'assembly/mgmt.ts has no MID_KINDS table');
  const block = source.slice(start, source.indexOf(']);', start));
  const rows = [...block.matchAll(/^\s*(\d+), \/\/\s*(\d+) (\w+)\s*$/gm)].map((m) => ({ kind: Number(m[1]), id: Number(m[2]), name: m[3] }));
  const want = MID_TABLE.map((row, id) => ({ kind: row.kind, id, name: row.name }));
  assert.deepEqual(rows, want);
});

test('assembly/mgmt.ts counts the ids of MID_TABLE', () => {
  const m = /const MID_COUNT: i32 = (\d+);/.exec(source);
  assert.ok(m, 'assembly/mgmt.ts has no MID_COUNT');
  assert.equal(Number(m[1]), MID_COUNT);
  assert.equal(mgmtWasm().midCount(), MID_COUNT);
});

test('assembly/mgmt.ts numbers the layouts as Kind does', () => {
  const kinds = Object.fromEntries([...source.matchAll(/^const K_(\w+): i32 = (\d+);/gm)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(kinds, { ...Kind });
});
