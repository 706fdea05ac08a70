// The command's start-up path (src/cli/start.ts, bundled by the build into
// dist/src/bundle/start.cjs, which bin/isochron.js requires): a report call
// runs from the bundle without Node's ES module loader, anything else goes
// to main.ts, and the bundle answers every command line exactly as the
// compiled modules do (same stdout, stderr and exit status).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliEntry, repoRoot } from '../helpers/paths.js';
import { writeDatFile } from '../../src/engine/dat/writer.js';
import { DatFlags } from '../../src/engine/dat/layout.js';

const bundle = join(repoRoot, 'dist', 'src', 'bundle', 'start.cjs');
const modulesStart = pathToFileURL(join(repoRoot, 'dist', 'src', 'cli', 'start.js')).href;
const modulesMain = pathToFileURL(join(repoRoot, 'dist', 'src', 'cli', 'main.js')).href;

/** Runs main(argv0, args) of one entry in a fresh process: the bundle (require) or a compiled module (import). */
function runEntry(entry: 'bundle' | 'start' | 'main', argv0: string, args: string[], cwd: string) {
  const load = entry === 'bundle' ? `require(${JSON.stringify(bundle)})`
    : `await import(${JSON.stringify(entry === 'start' ? modulesStart : modulesMain)})`;
  const code = `const cli = ${load}; process.exitCode = await cli.main(${JSON.stringify(argv0)}, ${JSON.stringify(args)});`;
  // CommonJS eval for the bundle (as bin/isochron.js loads it), module eval for the others.
  const wrapped = entry === 'bundle' ? `(async () => { ${code} })()` : code;
  const r = spawnSync(process.execPath, [...(entry === 'bundle' ? [] : ['--input-type=module']), '-e', wrapped], { cwd });
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') };
}

/** What a real `isochron ARGS` loads: files in require.cache and whether any ES module was loaded. */
function loadsOf(args: string[], cwd: string) {
  const report = `process.on('exit', () => require('node:fs').writeSync(2, '\\n' + JSON.stringify({
    files: Object.keys(require.cache),
    esm: process.moduleLoadList.includes('NativeModule internal/modules/esm/module_job'),
  })));`;
  const code = `${report} process.argv = [process.argv[0], ${JSON.stringify(cliEntry)}, ...process.argv.slice(1)]; require(${JSON.stringify(cliEntry)});`;
  const r = spawnSync(process.execPath, ['-e', code, ...args], { cwd, encoding: 'utf8' });
  const last = r.stderr.trimEnd().split('\n').at(-1) ?? '';
  return { status: r.status, ...(JSON.parse(last) as { files: string[]; esm: boolean }) };
}

function smallDat(dir: string): string {
  const file = join(dir, 'small.dat');
  const base = 1_700_000_000_000_000_000n;
  const send = [1, 2, 3, 4].map((seqid) => {
    const scheduled = base + BigInt(seqid) * 1_000_000n;
    return { seqid, scheduled, wakeup: scheduled - 15_000n, hwts: scheduled - 2_000n - BigInt(seqid), swts: scheduled - 3_000n, schedTs: scheduled - 9_000n };
  });
  // seqid 3 is lost.
  const rcv = send.filter((s) => s.seqid !== 3).map((s) => ({ seqid: s.seqid, arrival: s.hwts + 30_000n, hwts: s.hwts + 4_000n, swts: s.hwts + 9_000n }));
  writeDatFile(file, {
    packetCount: 4, frameSize: 64, flags: DatFlags.OMIT_SYNC | DatFlags.DO_TS, baseTime: base,
    advanceTime: 20_000n, shiftTime: 0n, cycleTime: 1_000_000n, windowSize: 0n,
  }, send, rcv);
  return file;
}

test('the build bundles the start-up path', () => {
  assert.ok(existsSync(bundle), `${bundle} is missing: npm run build makes it (scripts/bundle-start.mjs)`);
  // Strict mode for the whole file, as the ES modules it replaces are.
  assert.match(readFileSync(bundle, 'utf8'), /^'use strict';\n/);
});

test('the bundle answers every kind of command line as the compiled modules do', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-start-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  smallDat(dir);
  const cases: [string, string[]][] = [
    ['isochron', ['report', '-F', 'small.dat', '--summary']],
    ['isochron', ['report', '-F', 'small.dat', '-f', '%u %T %T %d\\n', '-a', 'qSRa']],
    ['isochron', ['report', '-F', 'small.dat', '-s', '2', '-S', '3', '-f', '%u\\n', '-a', 'q', '-m']],
    ['isochron', ['report', '-F', 'small.dat', '--format', 'json']],
    ['isochron', ['report', '-F', 'small.dat', '--format', 'csv']],
    ['isochron', ['report', '-F', 'small.dat', '-f', '%q\\n', '-a', 'Z']],
    ['isochron', ['report', '-F', 'missing.dat', '--summary']],
    ['isochron', ['report', '-F', '/dev/null', '--summary']],
    ['isochron', ['report', '--bogus']],
    ['isochron', ['report', '--help']],
    ['isochron', ['report', '--format', 'yaml']],
    ['isochron-report', ['-F', 'small.dat', '-m']],
    ['isochron-report', []],
    ['isochron', []],
    ['isochron', ['-V']],
    ['isochron', ['--help']],
    ['isochron', ['bogus']],
    ['isochron', ['send', '--help']],
    ['isochron', ['rcv', '--bogus']],
    ['isochron-daemon', ['--help']],
  ];
  for (const [argv0, args] of cases) {
    const label = `${argv0} ${args.join(' ')}`;
    const want = runEntry('main', argv0, args, dir);
    assert.deepEqual(runEntry('bundle', argv0, args, dir), want, `bundle: ${label}`);
    assert.deepEqual(runEntry('start', argv0, args, dir), want, `start.js: ${label}`);
  }
});

test('a report call loads the bundle alone, with no ES module; other verbs load main.ts', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-start-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  smallDat(dir);
  const report = loadsOf(['report', '-F', 'small.dat', '--summary'], dir);
  assert.equal(report.status, 0);
  assert.deepEqual(report.files, [cliEntry, bundle]);
  assert.equal(report.esm, false);
  // Control: the watch sees the ES modules of main.ts (and sade from node_modules) when they load.
  const send = loadsOf(['send', '--help'], dir);
  assert.equal(send.status, 255);
  assert.equal(send.esm, true);
  assert.ok(send.files.some((f) => /[\\/]node_modules[\\/]sade[\\/]/.test(f)), send.files.join('\n'));
});
