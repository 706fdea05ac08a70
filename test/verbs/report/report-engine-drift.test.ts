// The printf program that src/verbs/report/printf.ts compiles is run by the
// WASM engine (assembly/report.ts), which exports its op codes and runtime
// error ids. AssemblyScript cannot import the TS constants, so this test
// reads the module's exports and fails on any difference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportEngine } from '../../../src/engine/report/engine.js';
import { OP_END, OP_LIT, OP_VAR, OP_ERR, RUNTIME_BUFFER_ERRORS } from '../../../src/verbs/report/printf.js';

const exported = (name: string): number => {
  const g = reportEngine()[name];
  assert.ok(g instanceof WebAssembly.Global, `report.wasm exports ${name}`);
  return Number(g.value);
};

test('printf op codes equal the report engine\'s', () => {
  assert.deepEqual(
    { OP_END, OP_LIT, OP_VAR, OP_ERR },
    { OP_END: exported('OP_END'), OP_LIT: exported('OP_LIT'), OP_VAR: exported('OP_VAR'), OP_ERR: exported('OP_ERR') },
  );
});

test('printf runtime error ids equal the report engine\'s ERR_BUF_* exports', () => {
  const expected = new Map([
    [exported('ERR_BUF_LITERAL'), 'Buffer not large enough for printf format'],
    [exported('ERR_BUF_SIGNED'), 'Destination buffer not large enough to print signed int'],
    [exported('ERR_BUF_UNSIGNED'), 'Destination buffer not large enough to print unsigned int'],
    [exported('ERR_BUF_HEX'), 'Destination buffer not large enough to print hex int'],
    [exported('ERR_BUF_TIME'), 'Destination buffer not large enough to print time'],
  ]);
  assert.deepEqual(new Map(RUNTIME_BUFFER_ERRORS), expected);
});
