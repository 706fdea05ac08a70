// Every option of every verb's table carries its doc (issue 14: the help
// that teaches), including options added later by anyone: the test walks
// the verb table, not a list. And documented() refuses what would leave an
// option silently undocumented or documented twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VERB_SPECS } from '../../src/cli/verbs.js';
import { VERB_NAMES } from '../../src/args/verb-names.js';
import { SEND_SPEC } from '../../src/engine/sender/options.js';
import { documented } from '../../src/args/option-docs.js';
import { opt, HELP_OPTION, type VerbSpec } from '../../src/args/spec.js';

test('every option of every verb has a doc with a meaning', () => {
  const missing: string[] = [];
  for (const verb of VERB_NAMES) {
    for (const o of VERB_SPECS[verb].options) {
      if (!o.doc || o.doc.meaning.trim() === '') missing.push(`${verb} ${o.long}`);
      for (const [field, value] of Object.entries(o.doc ?? {})) {
        if (typeof value !== 'string' || value.trim() === '') missing.push(`${verb} ${o.long}: empty ${field}`);
      }
    }
  }
  assert.deepEqual(missing, []);
  // The orchestrator's exec lines read the same send table, docs included.
  assert.ok(SEND_SPEC.options.every((o) => o.doc));
});

test('documented() fills docs by long spelling, and refuses an unknown or doubly documented option', () => {
  const spec: VerbSpec = { usageName: 'isochron-x', options: [HELP_OPTION, opt('-a', '--alpha', 'alpha', 'bool')] };
  const done = documented(spec, { '--alpha': { meaning: 'Alpha' } });
  assert.equal(done.options[1].doc?.meaning, 'Alpha');
  assert.ok(done.options[0].doc?.meaning, 'the help option carries its own doc');
  assert.equal(spec.options[1].doc, undefined, 'the input table is not changed');
  assert.throws(() => documented(spec, { '--alpah': { meaning: 'typo' } }), /--alpah, which the table does not have/);
  const inRow: VerbSpec = { usageName: 'isochron-x', options: [{ ...opt('-a', '--alpha', 'alpha', 'bool'), doc: { meaning: 'row' } }] };
  assert.equal(documented(inRow, {}).options[0].doc?.meaning, 'row', 'a doc in the row is kept');
  assert.throws(() => documented(inRow, { '--alpha': { meaning: 'again' } }), /documented twice/);
});
