// `isochron completion bash|zsh|fish`: each script loaded into its real
// shell and asked to complete, from the option tables (so the expected
// options are read from VERB_SPECS, never listed here). bash is always
// there; zsh and fish are installed by .ci/run, and a machine without them
// skips their part saying so.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { VERB_SPECS } from '../../src/cli/verbs.js';
import { ALL_VERB_NAMES } from '../../src/args/verb-names.js';
import { EXTENSION_COMMANDS } from '../../src/args/did-you-mean.js';

const dir = mkdtempSync(join(tmpdir(), 'isochron-completion-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// A folder to complete files in: an orchestration file, a .dat, a subfolder.
const files = join(dir, 'files');
mkdirSync(join(files, 'sub'), { recursive: true });
writeFileSync(join(files, 'test.ini'), '');
writeFileSync(join(files, 'run.dat'), '');

async function script(shell: string): Promise<string> {
  const res = await runCli(['completion', shell]);
  assert.equal(res.status, 0, res.stderr.toString());
  const path = join(dir, `isochron.${shell}`);
  writeFileSync(path, res.stdout);
  return path;
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

function run(shell: string, args: string[]): string {
  const res = spawnSync(shell, args, { encoding: 'utf8', cwd: files, timeout: 30_000 });
  assert.equal(res.status, 0, `${shell}: ${res.stderr}`);
  return res.stdout;
}

/** Options of a verb, as the table spells them. */
const spellings = (verb: keyof typeof VERB_SPECS): string[] => VERB_SPECS[verb].options.flatMap((o) => [o.short, o.long]);

test('bash: verbs, every option of the table, interfaces, files and .ini files, under every program name', async () => {
  const path = await script('bash');
  // Each case: the words typed so far (the last one being completed) -> COMPREPLY.
  const driver = `source ${JSON.stringify(path)}
for p in isochron ${ALL_VERB_NAMES.map((v) => `isochron-${v}`).join(' ')}; do complete -p "$p"; done
c() { COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); COMPREPLY=(); _isochron; printf '%s|' "$*"; printf '%s ' "\${COMPREPLY[@]}"; echo; }
c isochron ''
c isochron se
c isochron send ''
c isochron send --cyc
c isochron send -i l
c isochron rcv --interface ''
c isochron-report --inp
c isochron report -F ''
c isochron orchestrate -F ''
c isochron-orchestrate --input-file ''
c isochron send --cycle-time ''
c isochron help r
c isochron completion ''
`;
  const out = run('bash', ['-c', driver]).split('\n');
  for (const p of ['isochron', ...ALL_VERB_NAMES.map((v) => `isochron-${v}`)]) assert.ok(out.includes(`complete -F _isochron ${p}`), p);
  const reply = (typed: string): string[] => {
    const line = out.find((l) => l.startsWith(`${typed}|`));
    assert.ok(line !== undefined, typed);
    return line.slice(typed.length + 1).trim().split(/\s+/).filter(Boolean).sort();
  };
  assert.deepEqual(reply('isochron '), [...ALL_VERB_NAMES, ...EXTENSION_COMMANDS].sort());
  assert.deepEqual(reply('isochron se'), ['send']);
  assert.deepEqual(reply('isochron send '), spellings('send').sort());
  assert.deepEqual(reply('isochron send --cyc'), ['--cycle-time']);
  assert.ok(reply('isochron send -i l').includes('lo'), 'interface names after -i');
  assert.ok(reply('isochron rcv --interface ').includes('lo'));
  assert.deepEqual(reply('isochron-report --inp'), ['--input-file']);
  assert.deepEqual(reply('isochron report -F '), ['run.dat', 'sub', 'test.ini']);
  assert.deepEqual(reply('isochron orchestrate -F '), ['sub', 'test.ini'], 'only .ini files (and folders) for orchestrate');
  assert.deepEqual(reply('isochron-orchestrate --input-file '), ['sub', 'test.ini']);
  assert.deepEqual(reply('isochron send --cycle-time '), [], 'no guess for a free value');
  assert.deepEqual(reply('isochron help r'), ['rcv', 'report']);
  assert.deepEqual(reply('isochron completion '), ['bash', 'fish', 'zsh']);
});

test('zsh: the script parses and registers every program name', async (t) => {
  if (!has('zsh')) return t.skip('zsh is not installed (.ci/run installs it)');
  const path = await script('zsh');
  run('zsh', ['-n', path]);
  const out = run('zsh', ['-c', `autoload -U compinit; compinit -u -D; source ${JSON.stringify(path)}; for p in isochron ${ALL_VERB_NAMES.map((v) => `isochron-${v}`).join(' ')}; do print -r -- "$p=$_comps[$p]"; done; for v in ${ALL_VERB_NAMES.join(' ')}; do whence -w _isochron_$v; done`]);
  for (const p of ['isochron', ...ALL_VERB_NAMES.map((v) => `isochron-${v}`)]) assert.ok(out.includes(`${p}=_isochron\n`), out);
  for (const v of ALL_VERB_NAMES) assert.ok(out.includes(`_isochron_${v}: function`), out);
});

test('fish: completes verbs, options with their meaning, interfaces and .ini files', async (t) => {
  if (!has('fish')) return t.skip('fish is not installed (.ci/run installs it)');
  const path = await script('fish');
  run('fish', ['-n', path]);
  const complete = (line: string): string[] =>
    run('fish', ['-c', `source ${JSON.stringify(path)}; complete -C ${JSON.stringify(line)}`])
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0])
      .sort();
  assert.deepEqual(complete('isochron '), [...ALL_VERB_NAMES, ...EXTENSION_COMMANDS].sort());
  assert.deepEqual(complete('isochron send --cyc'), ['--cycle-time']);
  const longs = VERB_SPECS.report.options.map((o) => o.long).sort();
  assert.deepEqual(complete('isochron-report --'), longs);
  assert.ok(complete('isochron rcv -i ').includes('lo'));
  assert.deepEqual(complete('isochron orchestrate -F '), ['sub/', 'test.ini']);
});

test('completion without a known shell is an error naming the shells', async () => {
  const res = await runCli(['completion', 'tcsh']);
  assert.equal(res.status, 22);
  assert.match(res.stderr.toString(), /bash, zsh, fish/);
});
