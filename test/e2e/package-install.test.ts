// The package as a user gets it (issue 14): a clean clone of this commit,
// `npm ci`, `npm pack` (whose prepack builds), `npm install -g` into a
// temporary prefix, then, from another directory and through PATH only:
// `isochron report` and `isochron-report` on a recorded .dat (stdout as the
// C tool recorded it), the installed man pages through `man -l`, and each
// shell's completion script. Slow (a full build): one test. It packs the
// committed HEAD, so uncommitted changes are not in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { expected, inputFileOf, isOmitHwts, loadCases } from '../helpers/report-support.js';
import { vectorsDir } from '../helpers/paths.js';
import { ALL_VERB_NAMES } from '../../src/args/verb-names.js';
import { packageVersion } from '../../src/cli/version.js';

interface Step {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

function sh(command: string, args: string[], step: Step): SpawnSyncReturns<string> {
  const res = spawnSync(command, args, { cwd: step.cwd, env: step.env ?? process.env, encoding: 'utf8', timeout: step.timeoutMs ?? 120_000 });
  if (res.error) throw res.error;
  return res;
}

function ok(command: string, args: string[], step: Step): string {
  const res = sh(command, args, step);
  assert.equal(res.status, 0, `${command} ${args.join(' ')} (in ${step.cwd}) exited ${res.status}:\n${res.stderr}`);
  return res.stdout;
}

/** A report case the installed command must reproduce byte for byte: a --summary of a hardware-timestamped file. */
function reportCase(): { file: string; args: string[]; stdout: Buffer } {
  for (const c of loadCases()) {
    const cwd = join(vectorsDir, c.cwd);
    const file = inputFileOf(c.argv, cwd);
    if (c.exit_code !== 0 || !file || isOmitHwts(file) || !c.argv.includes('--summary')) continue;
    // The file is copied beside the run under its own name, so -F names it alone.
    const args = c.argv.slice(2).map((a) => (join(cwd, a) === file ? basename(file) : a));
    return { file, args, stdout: expected(c, 'stdout') };
  }
  throw new Error('no --summary report case of a hardware-timestamped file in the vectors');
}

test('npm pack of a clean clone installs globally with working commands, man pages and completions', async (t) => {
  if (sh('git', ['-C', repoRoot, 'rev-parse', '--git-dir'], { cwd: repoRoot }).status !== 0) {
    return t.skip('not a git checkout: nothing to clone');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'isochron-pack-'));
  try {
    const clone = join(tmp, 'clone');
    ok('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone], { cwd: tmp });
    const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    ok('npm', ['ci', '--prefer-offline'], { cwd: clone, env: npmEnv, timeoutMs: 600_000 });
    // prepack's build prints on stdout too: find the tarball in the folder, list it with tar.
    ok('npm', ['pack', '--pack-destination', tmp], { cwd: clone, env: npmEnv, timeoutMs: 900_000 });
    const tarballs = readdirSync(tmp).filter((name) => name.endsWith('.tgz'));
    assert.equal(tarballs.length, 1, `one tarball: ${tarballs.join(', ')}`);
    const tarball = join(tmp, tarballs[0]);
    const paths = ok('tar', ['-tzf', tarball], { cwd: tmp })
      .split('\n')
      .filter(Boolean)
      .map((p) => p.replace(/^package\//, ''));
    for (const need of ['bin/isochron.js', 'dist/src/cli/main.js', 'dist/wasm/report.wasm', 'docs/cli.md', 'dist/man/isochron.8', 'README.md']) {
      assert.ok(paths.includes(need), `the package holds ${need}`);
    }
    assert.ok(!paths.some((p) => p.startsWith('src/') || p.startsWith('test/') || p.startsWith('dist/test/') || p.endsWith('.map')), 'no sources, tests or source maps');

    const prefix = join(tmp, 'prefix');
    ok('npm', ['install', '-g', '--prefer-offline', '--prefix', prefix, tarball], { cwd: tmp, env: npmEnv, timeoutMs: 600_000 });
    const bin = join(prefix, 'bin');
    // Only the installed commands and node itself on PATH, run from elsewhere.
    const env = { ...process.env, PATH: `${bin}:${dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`, MANWIDTH: '80' };
    const elsewhere = join(tmp, 'elsewhere');
    mkdirSync(elsewhere);
    const run = { cwd: elsewhere, env };

    const c = reportCase();
    copyFileSync(c.file, join(elsewhere, basename(c.file)));
    for (const command of ['isochron', 'isochron-report']) {
      const args = command === 'isochron' ? ['report', ...c.args] : c.args;
      const res = sh(command, args, run);
      assert.equal(res.status, 0, `${command}: ${res.stderr}`);
      assert.equal(res.stdout, c.stdout.toString('utf8'), `${command} ${args.join(' ')}: stdout as the C tool recorded it`);
    }
    assert.equal(ok('isochron', ['version'], run), `${packageVersion()}\n`);

    // npm links the `man` entries into PREFIX/share/man/man8.
    const manDir = join(prefix, 'share', 'man', 'man8');
    const pages = existsSync(manDir) ? readdirSync(manDir).sort() : [];
    assert.deepEqual(pages, ['isochron.8', ...ALL_VERB_NAMES.map((v) => `isochron-${v}.8`)].sort());
    const man = ok('man', ['-l', join(manDir, 'isochron-send.8')], run);
    assert.match(man, /isochron-send - send timestamped test frames/);
    assert.match(man, /--sync-threshold NUMBER/);
    assert.match(man, /Required unless --omit-sync/);
    assert.match(ok('man', ['-l', join(manDir, 'isochron.8')], run), /isochron completion bash\|zsh\|fish/);

    // Completion scripts printed by the installed command, loaded by each shell.
    const bash = join(elsewhere, 'isochron.bash');
    writeFileSync(bash, ok('isochron', ['completion', 'bash'], run));
    const reply = ok('bash', ['-c', `source ${bash}; complete -p isochron-report; COMP_WORDS=(isochron send --cyc); COMP_CWORD=2; _isochron; echo "\${COMPREPLY[*]}"`], run);
    assert.equal(reply, 'complete -F _isochron isochron-report\n--cycle-time\n');
    for (const shell of ['zsh', 'fish']) {
      if (sh('sh', ['-c', `command -v ${shell}`], run).status !== 0) {
        t.diagnostic(`${shell} is not installed: its completion script is not checked here (.ci/run installs it)`);
        continue;
      }
      const path = join(elsewhere, `isochron.${shell}`);
      writeFileSync(path, ok('isochron', ['completion', shell], run));
      ok(shell, ['-n', path], run);
    }
    if (sh('sh', ['-c', 'command -v fish'], run).status === 0) {
      const fish = ok('fish', ['-c', `source ${join(elsewhere, 'isochron.fish')}; complete -C 'isochron-send --cyc'`], run);
      assert.match(fish, /^--cycle-time\t/);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
