// The `realtime` check tries SCHED_FIFO for real: allowed as root here, and
// refused (with the reason and the fix) in a doctor started without
// CAP_SYS_NICE (setpriv drops it from the bounding set, so the root process
// it execs never gets it) while RLIMIT_RTPRIO is 0, as it is on this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliEntry } from '../../helpers/paths.js';
import { getRlimit, RLIMIT_RTPRIO } from '../../../src/sys/rlimit.js';
import type { DoctorReport } from '../../../src/engine/doctor/index.js';

function realtime(prefix: string[]): DoctorReport['checks'][number] {
  const argv = [...prefix, process.execPath, cliEntry, 'doctor', '--format', 'json', '-U', `/run/isochron-doctor-none-${process.pid}`];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.stderr, '');
  const report = JSON.parse(r.stdout) as DoctorReport;
  const check = report.checks.find((c) => c.id === 'realtime');
  assert.ok(check);
  return check;
}

test('realtime: SCHED_FIFO allowed with CAP_SYS_NICE, the CPUs listed for --cpu-mask', () => {
  const c = realtime([]);
  assert.equal(c.status, 'ok', c.detail);
  assert.match(c.detail, /^SCHED_FIFO allowed: CAP_SYS_NICE yes, RLIMIT_RTPRIO \S+, sched_rt_runtime_us /);
  assert.match(c.detail, /CPUs allowed \([0-9,]+; --cpu-mask 0x[0-9a-f]+ names them all\), isolated CPUs: /);
});

test('realtime: refused without CAP_SYS_NICE and with RLIMIT_RTPRIO 0, the fix names the capability and the limit', (t) => {
  if (getRlimit(RLIMIT_RTPRIO).soft !== 0n) {
    t.skip('RLIMIT_RTPRIO is not 0 here: an unprivileged SCHED_FIFO would be allowed');
    return;
  }
  const c = realtime(['setpriv', '--bounding-set=-sys_nice']);
  assert.equal(c.status, 'warn', c.detail);
  assert.match(c.detail, /^SCHED_FIFO refused \(sched_setscheduler\(FIFO priority 1\) failed: Operation not permitted/);
  assert.match(c.detail, /CAP_SYS_NICE no, RLIMIT_RTPRIO 0/);
  assert.match(c.fix ?? '', /CAP_SYS_NICE.*setcap cap_sys_nice\+ep.*ulimit -r 99/);
});
