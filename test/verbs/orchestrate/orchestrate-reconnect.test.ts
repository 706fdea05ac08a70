// A network blip mid-test does not lose the run: our orchestrator (CLI, in
// its own namespace) drives our daemon and our rcv; once the test runs, the
// orchestrator's TCP connection to the daemon is destroyed from its side
// (`ss -K`, which also resets the daemon's end). The daemon keeps the run
// (orphaned), the orchestrator reconnects, reclaims the role with NODE_ROLE
// 'reclaim-sender' and collects a complete .dat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDatFile } from '../../../src/engine/dat/reader.js';
import { execIn } from '../../helpers/netns.js';
import { cliIn, MGMT, startDaemon, startRcv, tmpDir, topology } from '../../helpers/orchestrate-support.js';
import { sleep } from '../../helpers/daemon-support.js';

test('the orchestrator\'s connection to the daemon is killed mid-test: it reconnects, reclaims the node and collects the whole run', async (t) => {
  const topo = await topology(t, 'r');
  const dir = tmpDir(t);
  const frames = 5000;
  await startDaemon(t, topo.nsA, dir, 5070, 'blip');
  await startRcv(t, topo.nsB, 'vxbr', 5071);
  const out = join(dir, 'blip.dat');
  const file = join(dir, 'orchestration.ini');
  writeFileSync(
    file,
    `[blip]\nhost = ${MGMT.daemon4}\nport = 5070\nexec = isochron send --client ${MGMT.rcv4} --stats-port 5071 --interface vxar ` +
      `--num-frames ${frames} --cycle-time 0.001 --frame-size 128 --omit-sync --omit-hwts --output-file ${out}\n`,
  );
  const run = cliIn(topo.nsO, ['orchestrate', '-F', file], 90_000);
  // Wait until the test runs (the daemon logs its base time), then cut.
  const daemonLog = join(dir, 'blip.log');
  const deadline = Date.now() + 30_000;
  while (!/Base time/.test(readFileSync(daemonLog, 'utf8')) && Date.now() < deadline) await sleep(50);
  assert.match(readFileSync(daemonLog, 'utf8'), /Base time/, 'the test started');
  await sleep(500);
  const kill = await execIn(topo.nsO, 'ss', ['-K', 'dst', MGMT.daemon4, 'dport', '=', '5070']);
  assert.equal(kill.status, 0, kill.stderr);
  assert.match(kill.stdout, /5070/, 'one connection was killed');
  const res = await run;
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stderr, /Lost the connection to node blip \(.*\), reconnecting\n/);
  assert.match(res.stderr, /Reconnected to node blip and reclaimed its sender role; its test went on\n/);
  const log = readFileSync(daemonLog, 'utf8');
  assert.match(log, /owns the sender role \(.*\) disconnected: its test goes on to its end/);
  assert.match(log, /reclaimed the orphaned sender role/);
  assert.doesNotMatch(log, /Test stopped/);
  const { header, send, rcv } = readDatFile(out);
  assert.equal(header.packetCount, frames);
  assert.equal(send.length, frames);
  assert.equal(rcv.length, frames);
  for (let i = 0; i < frames; i++) {
    assert.equal(send[i].seqid, i + 1, `sender logged seqid ${i + 1}`);
    assert.equal(rcv[i].seqid, i + 1, `receiver got seqid ${i + 1}`);
  }
});
