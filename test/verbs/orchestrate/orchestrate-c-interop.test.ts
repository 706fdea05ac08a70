// Our orchestrator driving the C tool (env ISOCHRON_C = a C isochron binary
// built from the omit-hwts branch; never built or stored by this project):
//  - our daemon + a C `rcv`: a complete run, every frame in the .dat;
//  - a C daemon + a C `rcv` with --omit-hwts: the C daemon cannot carry the
//    flag (README quirk 26) and fails SIOCSHWTSTAMP on veth; we report it
//    as the C orchestrator does (exit 182, "Failed to start node ...").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { execIn, spawnIn } from '../../helpers/netns.js';
import { stopPid } from '../../helpers/daemon-support.js';
import { cliIn, MGMT, startDaemon, tmpDir, topology } from '../../helpers/orchestrate-support.js';

const C = process.env.ISOCHRON_C;

async function startCRcv(t: TestContext, ns: string, port: number): Promise<void> {
  const child = spawnIn(ns, C!, ['rcv', '-i', 'vxb', '--omit-hwts', '--stats-port', String(port), '--quiet'], { stdio: 'ignore' });
  t.after(() => void child.kill('SIGKILL'));
  for (let i = 0; i < 100; i++) {
    const r = await execIn(ns, 'ss', ['-Hltn', `sport = :${port}`]);
    if (r.stdout.trim() !== '') return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('C rcv did not listen');
}

async function startCDaemon(t: TestContext, ns: string, dir: string, port: number): Promise<void> {
  const pidFile = join(dir, 'c.pid');
  const r = await execIn(ns, C!, ['daemon', '-p', pidFile, '-l', join(dir, 'c.log'), '--stats-port', String(port)]);
  assert.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  t.after(() => stopPid(pid));
}

const exec = (out: string, extra: string): string =>
  `isochron send --client ${MGMT.rcv4} --stats-port 5029 --interface vxa --num-frames 200 --cycle-time 0.001 --frame-size 128 --omit-sync ${extra} --output-file ${out}`;

test('our orchestrator + our daemon + the C receiver: complete .dat', { skip: C ? false : 'ISOCHRON_C not set' }, async (t) => {
  const topo = await topology(t);
  const dir = tmpDir(t);
  await startDaemon(t, topo.nsA, dir, 5040);
  await startCRcv(t, topo.nsB, 5029);
  const out = join(dir, 'c.dat');
  const ini = join(dir, 'o.ini');
  writeFileSync(ini, `[a]\nhost = ${MGMT.daemon4}\nport = 5040\nexec = ${exec(out, '--omit-hwts')}\n`);
  const res = await cliIn(topo.nsO, ['orchestrate', '-F', ini]);
  assert.equal(res.status, 0, res.stderr);
  const { rcv } = readDatFile(out);
  assert.equal(rcv.filter((r, i) => r.seqid === i + 1).length, 200);
});

test('our orchestrator + the C daemon with --omit-hwts: the C failure, reported like C (exit 182)', { skip: C ? false : 'ISOCHRON_C not set' }, async (t) => {
  const topo = await topology(t);
  const dir = tmpDir(t);
  await startCDaemon(t, topo.nsA, dir, 5040);
  await startCRcv(t, topo.nsB, 5029);
  const ini = join(dir, 'o.ini');
  writeFileSync(ini, `[a]\nhost = ${MGMT.daemon4}\nport = 5040\nexec = ${exec(join(dir, 'x.dat'), '--omit-hwts')}\n`);
  const res = await cliIn(topo.nsO, ['orchestrate', '-F', ini]);
  assert.equal(res.status, 182, res.stderr);
  assert.match(res.stderr, /Failed to update MID TEST_STATE: received empty payload in response\nRemote error -95: Operation not supported\nFailed to start node a: Bad message\n/);
});
