// The main job end to end (`node dist/src/main-job/index.js`, what
// `npm run main-job` runs after building): it must print the software
// timestamp summary of a 1000-frame run and leave no namespace behind, also
// when interrupted with SIGINT in the middle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { namespaceExists } from '../../src/engine/netns/index.js';
import { readDatFile } from '../../src/engine/dat/reader.js';

const entry = join(repoRoot, 'dist', 'src', 'main-job', 'index.js');

function runJob(env: NodeJS.ProcessEnv, interruptWhen?: RegExp): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (interruptWhen && !sent && interruptWhen.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function createdNamespaces(stderr: string): string[] {
  const m = /namespaces (\S+) \(vxa[^)]*\) and (\S+) \(vxb/.exec(stderr);
  assert.ok(m, `the job names its namespaces: ${stderr}`);
  return [m[1], m[2]];
}

test('main job: 1000 frames at 1 ms, .dat written, software summary printed, nothing left behind', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-main-job-'));
  try {
    const out = join(dir, 'job.dat');
    const r = await runJob({ ISOCHRON_MAIN_JOB_OUTPUT: out });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Summary:$/m);
    assert.match(r.stdout, /SW path delay: min -?\d+ max -?\d+ mean/);
    assert.doesNotMatch(r.stdout, /no packets were received/);
    const dat = readDatFile(out);
    assert.equal(dat.header.packetCount, 1000);
    for (const ns of createdNamespaces(r.stderr)) assert.equal(namespaceExists(ns), false, `${ns} removed`);
    assert.match(r.stderr, /removed namespaces/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('main job: SIGINT in the middle of the run removes everything and says so', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-main-job-'));
  try {
    const out = join(dir, 'job.dat');
    const r = await runJob({ ISOCHRON_MAIN_JOB_OUTPUT: out }, /isochron send -i/);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /interrupted by SIGINT/);
    for (const ns of createdNamespaces(r.stderr)) assert.equal(namespaceExists(ns), false, `${ns} removed`);
    assert.equal(existsSync(out), false, 'no .dat from an interrupted run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
