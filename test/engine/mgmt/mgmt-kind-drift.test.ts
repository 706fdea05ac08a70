// The payload layout kinds are numbered in assembly/mgmt.ts (K_*, which the
// WASM codec's MID table and field accessors use) and named for TypeScript
// in src/engine/mgmt/wasm.ts (Kind). AssemblyScript cannot import the TS
// table, so this test fails on any difference between the two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import { Kind } from '../../../src/engine/mgmt/wasm.js';

test('Kind in src/engine/mgmt/wasm.ts equals the K_* constants of assembly/mgmt.ts', () => {
  const text = readFileSync(join(repoRoot, 'assembly', 'mgmt.ts'), 'utf8');
  const wasmSide: Record<string, number> = {};
  for (const m of text.matchAll(/^(?:export )?const K_([A-Z0-9_]+): i32 = (\d+);/gm)) wasmSide[m[1]] = Number(m[2]);
  assert.ok(Object.keys(wasmSide).length >= 10, `parsed only ${Object.keys(wasmSide).join(', ')} from assembly/mgmt.ts`);
  assert.deepEqual(wasmSide, { ...Kind });
});
