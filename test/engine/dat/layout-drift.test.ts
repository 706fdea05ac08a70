// The .dat record layout is defined in src/engine/dat/layout.ts; the WASM
// report engine reads records with the offsets written in
// assembly/lib/layout.ts (AssemblyScript cannot import the TS module). This
// test fails on any difference between the two, in either direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import * as layout from '../../../src/engine/dat/layout.js';

const LAYOUT_NAME = /^(HEADER_SIZE|SEND_[A-Z_]+|RCV_[A-Z_]+)$/;

test('assembly/lib/layout.ts has exactly the record offsets and sizes of src/engine/dat/layout.ts', () => {
  const text = readFileSync(join(repoRoot, 'assembly', 'lib', 'layout.ts'), 'utf8');
  const wasmSide = new Map<string, number>();
  for (const m of text.matchAll(/^export const ([A-Z_]+): u32 = (\d+);/gm)) wasmSide.set(m[1], Number(m[2]));
  assert.ok(wasmSide.size >= 13, `parsed only ${[...wasmSide.keys()].join(', ')} from assembly/lib/layout.ts`);
  const tsSide = new Map(Object.entries(layout).filter(([k, v]) => LAYOUT_NAME.test(k) && typeof v === 'number') as [string, number][]);
  assert.deepEqual(Object.fromEntries([...wasmSide].sort()), Object.fromEntries([...tsSide].sort()));
});
