// `--format "$FMT"` with FMT unset: an empty --format or --packets is a value
// that is not text/json/csv (csv/jsonl), an argument error like any other,
// never the option silently left out (which printed nothing and exited 0:
// a CI step that "passed" without a report).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../helpers/cli.js';
import { vectorsDir } from '../../helpers/paths.js';

const FILE = 'dat/synth_basic_100.dat';
const TAIL = 'argument parsing failed: Invalid argument\n';

test('an empty --format or --packets is an argument error (234), in both spellings', async () => {
  const cases: [string[], string][] = [
    [['--format', ''], 'Unknown --format "": expected text, json or csv\n'],
    [['--format='], 'Unknown --format "": expected text, json or csv\n'],
    [['-O', '', '-m'], 'Unknown --format "": expected text, json or csv\n'],
    [['--packets', ''], 'Unknown --packets "": expected csv or jsonl\n'],
    [['--packets='], 'Unknown --packets "": expected csv or jsonl\n'],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(['report', '-F', FILE, ...args], { cwd: vectorsDir });
    assert.equal(r.stderr.toString(), message + TAIL, args.join(' '));
    assert.equal(r.stdout.toString(), '', args.join(' '));
    assert.equal(r.status, 234, args.join(' '));
  }
  // The C tool's own string options keep C's rule: empty is the same as absent.
  const c = await runCli(['report', '-F', FILE, '-m', '--printf-format', ''], { cwd: vectorsDir });
  assert.equal(c.status, 0, c.stderr.toString());
  assert.match(c.stdout.toString(), /^Summary:\n/);
});
