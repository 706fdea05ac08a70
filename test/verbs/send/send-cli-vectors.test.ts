// The CLI vectors recorded from the C sender inside a namespace (cases whose
// "binary" field says "run inside netns"): they need an interface named vxa
// that is a veth end. We build that setup ourselves (fresh namespaces, veth
// vxa/vxb, deleted afterwards) and run exactly those cases, driven from
// cases.json, comparing stdout, stderr and exit status as recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorsDir } from '../../helpers/paths.js';
import { splitHintLines } from '../../helpers/cli.js';
import { cliIn, vethPair } from '../../helpers/send-support.js';

interface CliCase {
  id: string;
  argv: string[];
  binary?: string;
  exit_code: number;
  stdout?: string;
  stderr?: string;
  stdout_file?: string;
  stderr_file?: string;
}

const cases = (JSON.parse(readFileSync(join(vectorsDir, 'cli', 'cases.json'), 'utf8')) as CliCase[]).filter((c) =>
  /run inside netns/.test(c.binary ?? ''),
);

function recorded(c: CliCase, stream: 'stdout' | 'stderr'): string {
  const inline = c[stream];
  if (typeof inline === 'string') return inline;
  const file = c[`${stream}_file`];
  return file ? readFileSync(join(vectorsDir, file), 'utf8') : '';
}

test('the vectors hold namespace cases', () => {
  assert.ok(cases.length > 0);
});

test('send cases recorded inside a namespace on veth vxa', async (t) => {
  const pair = await vethPair(t);
  for (const c of cases) {
    await t.test(c.id, async () => {
      assert.equal(c.argv[1], 'send', 'only send cases are recorded this way');
      const res = await cliIn(pair.nsA, c.argv.slice(1), 20_000);
      assert.equal(res.stdout, recorded(c, 'stdout'), 'stdout');
      // The C lines as recorded; only our hint lines may follow (docs/errors.md).
      assert.equal(splitHintLines(res.stderr).c, recorded(c, 'stderr'), 'stderr');
      assert.equal(res.status, c.exit_code, 'exit status');
    });
  }
});
