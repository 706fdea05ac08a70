// Every case of the shared CLI vectors (cli/cases.json), run through the real
// CLI (bin/isochron.js) as a user would: same argv, argv[0] and cwd; stdout
// byte-identical, stderr and exit status as recorded. General rules, so that
// the holdout set (same layout, other cases) is judged the same way:
// - a case X for which X_omit_branch exists is a master-only recording kept
//   for reference (the project implements the omit-hwts branch): skipped;
// - a recorded stderr that is only the C version string expects our
//   package.json version instead;
// - a send/rcv usage recorded from the master build (no -Y line) expects the
//   omit-hwts text, which the README defines as the master text with the
//   `-Y|--omit-hwts` line last (e.g. symlink_send_help_bare_argv0);
// - a send usage ends with our own options (--fail-fast, --no-progress) after C's, and so do
//   the rcv, orchestrate and daemon usages (--no-progress, --metrics-port, --metrics-address);
// - after the C lines of a usage text, an unknown option or an unknown verb,
//   our lines follow (the help that teaches, the did-you-mean line:
//   ourLinesAfter in test/helpers/cli.ts);
// - after the recorded C lines of an error, our hint lines may follow
//   (`hint: <text> (ISOCHRON_ERR_...)`, docs/errors.md), and nothing else;
// - a case recorded "inside netns NAME" runs inside a namespace pair this
//   test creates (and deletes) with the README's topology: vxa
//   10.199.0.1 02:00:00:00:0a:01 in the first namespace (vecA), vxb
//   10.199.0.2 02:00:00:00:0b:02 in the second (vecB).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, DAEMON_EXTENSION_LINES, ORCHESTRATE_EXTENSION_LINES, RCV_EXTENSION_LINES, REPORT_EXTENSION_LINES, SEND_EXTENSION_LINES, ourLinesAfter, splitHintLines } from '../helpers/cli.js';
import { isVerbName, type VerbName } from '../../src/args/verb-names.js';
import { cliEntry, repoRoot, vectorsDir } from '../helpers/paths.js';
import { createVethPair, execIn, type VethPair } from '../helpers/netns.js';

interface CliCase {
  id: string;
  argv: string[];
  cwd: string;
  binary?: string;
  argv0?: string;
  exit_code: number;
  stdout?: string;
  stderr?: string;
  stdout_file?: string;
  stderr_file?: string;
}

const cases = JSON.parse(readFileSync(join(vectorsDir, 'cli', 'cases.json'), 'utf8')) as CliCase[];
const ids = new Set(cases.map((c) => c.id));
const ourVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const C_VERSION_LINE = /^v\d+\.\d+(-\d+-g[0-9a-f]+)?(-dirty)?\n$/;
const MASTER_SEND_RCV_USAGE = /^isochron-(send|rcv) usage:\n/;
const OMIT_HWTS_LINE = '-Y|--omit-hwts: Boolean (optional)\n';


function expectedStderr(c: CliCase): string {
  let text = recorded(c, 'stderr').toString('utf8');
  if (C_VERSION_LINE.test(text)) return `${ourVersion}\n`;
  if (MASTER_SEND_RCV_USAGE.test(text) && !text.includes(OMIT_HWTS_LINE)) text += OMIT_HWTS_LINE;
  if (text.startsWith('isochron-send usage:\n')) text += SEND_EXTENSION_LINES;
  if (text.startsWith('isochron-rcv usage:\n')) text += RCV_EXTENSION_LINES;
  if (text.startsWith('isochron-orchestrate usage:\n')) text += ORCHESTRATE_EXTENSION_LINES;
  if (text.startsWith('isochron-report usage:\n')) text += REPORT_EXTENSION_LINES;
  if (text.startsWith('isochron-daemon usage:\n')) text += DAEMON_EXTENSION_LINES;
  return text + ourLinesAfter(text, verbOf(c));
}

/** The verb whose options the case's arguments are (argv[0] "isochron-VERB", else the first argument). */
function verbOf(c: CliCase): VerbName | undefined {
  const byName = /^isochron-(\w+)$/.exec(c.argv0 ?? '')?.[1];
  if (byName !== undefined) return isVerbName(byName) ? byName : undefined;
  return isVerbName(c.argv[1] ?? '') ? (c.argv[1] as VerbName) : undefined;
}

function recorded(c: CliCase, stream: 'stdout' | 'stderr'): Buffer {
  const inline = c[stream];
  if (typeof inline === 'string') return Buffer.from(inline, 'utf8');
  const file = c[`${stream}_file`];
  return file ? readFileSync(join(vectorsDir, file)) : Buffer.alloc(0);
}

// Recording conditions from the vectors README ("Machine and builds").
const RECORDED_NAMESPACES: Record<string, 'a' | 'b'> = { vecA: 'a', vecB: 'b' };
let pair: Promise<VethPair> | undefined;

function recordedPair(): Promise<VethPair> {
  pair ??= createVethPair({
    prefix: 'isocli',
    a: { ifname: 'vxa', mac: '02:00:00:00:0a:01', ipv4: '10.199.0.1/24' },
    b: { ifname: 'vxb', mac: '02:00:00:00:0b:02', ipv4: '10.199.0.2/24' },
    timeoutMs: 10_000,
  });
  return pair;
}

after(async () => {
  if (pair) (await pair.catch(() => undefined))?.destroy();
});

interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  status: number | null;
}

async function runCase(c: CliCase): Promise<RunResult> {
  const netns = /inside netns (\w+)/.exec(c.binary ?? '')?.[1];
  if (netns === undefined) {
    return runCli(c.argv.slice(1), { cwd: join(vectorsDir, c.cwd), ...(c.argv0 === undefined ? {} : { argv0: c.argv0 }) });
  }
  const side = RECORDED_NAMESPACES[netns];
  assert.ok(side, `unknown recording namespace ${netns}`);
  const p = await recordedPair();
  const res = await execIn(side === 'a' ? p.nsA : p.nsB, process.execPath, [cliEntry, ...c.argv.slice(1)], { timeoutMs: 20_000 });
  return { stdout: Buffer.from(res.stdout), stderr: Buffer.from(res.stderr), status: res.status };
}

test('the CLI vector index is not empty', () => {
  assert.ok(cases.length > 0);
});

for (const c of cases) {
  const referenceOnly = ids.has(`${c.id}_omit_branch`);
  test(`cli case ${c.id}`, async (t) => {
    if (referenceOnly) {
      t.skip(`reference only: ${c.id}_omit_branch is the recording this project must match`);
      return;
    }
    const res = await runCase(c);
    const stderr = res.stderr.toString('utf8');
    assert.deepEqual(res.stdout, recorded(c, 'stdout'), 'stdout');
    assert.equal(splitHintLines(stderr).c, expectedStderr(c), 'stderr');
    assert.equal(res.status, c.exit_code, 'exit status');
  });
}
