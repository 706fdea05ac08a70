// Several files (-F a -F b, --compare A B, --fail-if) share one --start/--stop:
// when the range is outside one of them, the C tool's "out-of-bounds" line
// alone does not say which file (nor that the others were fine). A line
// after C's names it, the range and the packets it has; the status stays C's.
// Every file's range is checked before any output, as a load error is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../helpers/cli.js';
import { vectorsDir } from '../../helpers/paths.js';

const C_LINE = 'Trying to index an out-of-bounds element\n';
const hint = (file: string, start: number, stop: number, n: number): string =>
  `${file}: the range is ${start} to ${stop} (--start/--stop; 0 or left out: 1 and the header's packet count), its sender log has packets 1 to ${n}\n`;

test('a range outside one of several files names that file after the C line, status 222', async () => {
  const cases: [string[], string][] = [
    [['-F', 'dat/synth_basic_100.dat', '-F', 'dat/synth_lost_40.dat', '--start', '41', '-m'], hint('dat/synth_lost_40.dat', 41, 40, 40)],
    [['--compare', 'dat/synth_basic_100.dat', 'dat/synth_lost_40.dat', '--stop', '50'], hint('dat/synth_lost_40.dat', 1, 50, 40)],
    [['--compare', 'dat/synth_lost_40.dat', 'dat/synth_basic_100.dat', '--start', '45', '--format', 'json'], hint('dat/synth_lost_40.dat', 45, 40, 40)],
    [['-F', 'dat/synth_basic_100.dat', '--stop', '101', '--fail-if', 'packets.count > 0'], hint('dat/synth_basic_100.dat', 1, 101, 100)],
    // The first file is in range: its printf lines must not be printed before the second file's error.
    [['-F', 'dat/synth_basic_100.dat', '-F', 'dat/synth_lost_40.dat', '-f', '%u\\n', '-a', 'q', '--start', '2', '--stop', '41'],
      hint('dat/synth_lost_40.dat', 2, 41, 40)],
  ];
  for (const [args, line] of cases) {
    const r = await runCli(['report', ...args], { cwd: vectorsDir });
    assert.equal(r.stderr.toString(), C_LINE + line, args.join(' '));
    assert.equal(r.status, 222, args.join(' '));
    assert.equal(r.stdout.toString(), '', args.join(' '));
  }
  // One file without our options: the C tool's line alone, byte for byte.
  const c = await runCli(['report', '-F', 'dat/synth_lost_40.dat', '--start', '41', '-m'], { cwd: vectorsDir });
  assert.deepEqual([c.status, c.stderr.toString()], [222, C_LINE]);
});
