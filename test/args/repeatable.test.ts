// Options declared repeatable (every occurrence kept) or with an arity (more
// than one value per occurrence), through the real grammar: the scanner, sade
// and ResolvedOptions, on the report table (-F, --fail-if, --compare) and on
// a table of their own; C's "last one wins" for every other option stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVerbArgs } from '../../src/cli/command-line.js';
import { scanArgs } from '../../src/args/scan.js';
import { collectWithSade } from '../../src/args/sade-program.js';
import { ResolvedOptions } from '../../src/args/resolve.js';
import { HELP_OPTION, type VerbSpec } from '../../src/args/spec.js';
import { IsochronError } from '../../src/core/errors.js';
import type { ReportOptions } from '../../src/verbs/report/request.js';

const noClock = (): bigint => {
  throw new Error('no clock');
};

function report(args: string[]): ReportOptions {
  const r = parseVerbArgs('report', args, noClock);
  assert.equal(r.kind, 'options');
  return (r as { options: ReportOptions }).options;
}

function reportError(args: string[]): { message: string; status: number } {
  try {
    parseVerbArgs('report', args, noClock);
  } catch (e) {
    assert.ok(e instanceof IsochronError);
    return { message: e.message, status: e.exitStatus };
  }
  throw new Error(`no error for ${args.join(' ')}`);
}

test('-F: one is C\'s (inputFile, no inputFiles); several are all kept in order, and inputFile is the last', () => {
  assert.deepEqual(report(['-F', 'a.dat']), { inputFile: 'a.dat', summary: false, start: 0, stop: 0 });
  const o = report(['-F', 'a.dat', '--input-file', 'b.dat', '-m', '--input-file=c.dat']);
  assert.equal(o.inputFile, 'c.dat');
  assert.deepEqual(o.inputFiles, ['a.dat', 'b.dat', 'c.dat']);
  // An empty -F is the default file, as it is alone.
  assert.deepEqual(report(['-F', '', '-F', 'b.dat']).inputFiles, ['isochron.dat', 'b.dat']);
  assert.equal(report([]).inputFiles, undefined);
  // Every -F value is checked, as C checks every occurrence.
  assert.equal(reportError(['-F', 'a.dat', '-F', 'x'.repeat(5000)]).status, 222);
});

test('--fail-if is repeatable; --compare takes two values (--compare=A B too), the last occurrence counts', () => {
  const o = report(['--fail-if', 'path-delay.p99 > 50us', '-G', 'packets.not_received>0']);
  assert.deepEqual(o.failIf?.map((c) => [c.subject, c.stat, c.op, c.value]), [['path-delay', 'p99', '>', 50_000], ['packets', 'not_received', '>', 0]]);
  assert.deepEqual(report(['--compare', 'a.dat', 'b.dat']).compare, ['a.dat', 'b.dat']);
  assert.deepEqual(report(['--compare=a.dat', 'b.dat']).compare, ['a.dat', 'b.dat']);
  assert.deepEqual(report(['-C', 'a.dat', 'b.dat', '-C', 'c.dat', 'd.dat']).compare, ['c.dat', 'd.dat']);
  // The second value is taken whatever it looks like, as any C option value is.
  assert.deepEqual(report(['--compare', 'a.dat', '-m']).compare, ['a.dat', '-m']);
  assert.deepEqual(reportError(['--compare', 'a.dat']), { message: 'Value expected after --compare\nargument parsing failed: Invalid argument', status: 234 });
  assert.deepEqual(reportError(['-C']), { message: 'Value expected after -C\nargument parsing failed: Invalid argument', status: 234 });
});

test('a table of its own: repeatable, arity and plain options side by side', () => {
  const spec: VerbSpec = {
    usageName: 'isochron-test',
    options: [
      HELP_OPTION,
      { short: '-a', long: '--all', key: 'all', kind: 'string', optional: true, limit: 99, repeatable: true },
      { short: '-p', long: '--pair', key: 'pair', kind: 'string', optional: true, limit: 99, arity: 2, repeatable: true },
      { short: '-l', long: '--last', key: 'last', kind: 'string', optional: true, limit: 99 },
      { short: '-b', long: '--bool', key: 'flag', kind: 'bool', optional: true },
    ],
  };
  const args = ['-a', '1', '-l', 'x', '-p', 'p', 'q', '-a', '2', '-b', '-l', 'y', '--pair=r', 's', '-b'];
  const scanned = scanArgs(spec, args, noClock);
  assert.equal(scanned.occurrences.length, 10);
  const r = new ResolvedOptions(spec, collectWithSade({ report: spec }, 'report', scanned.occurrences), noClock);
  assert.deepEqual(r.texts('all'), ['1', '2']);
  assert.equal(r.text('all', ''), '2');
  assert.deepEqual(r.texts('pair'), ['p', 'q', 'r', 's']);
  assert.equal(r.text('last', ''), 'y');
  assert.deepEqual(r.texts('last'), []);
  assert.equal(r.flag('flag'), true);
});
