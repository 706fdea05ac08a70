// `realtime`: may this process run the send and receive loops under
// SCHED_FIFO (--sched-fifo, --sched-priority)? Tried for real on this thread
// (set, then put back), and explained from what decides it: CAP_SYS_NICE,
// RLIMIT_RTPRIO and the kernel's real-time throttling. Also the CPUs a
// --cpu-mask can name and those isolated from the scheduler.
import { readFileSync } from 'node:fs';
import { isIsochronError } from '../../../core/errors.js';
import { getRlimit, RLIMIT_RTPRIO } from '../../../sys/rlimit.js';
import { getAffinity, getScheduler, setScheduler, type Policy } from '../../../sys/sched.js';
import { notOk, ok, type CheckResult } from '../ids.js';
import type { DoctorContext, Findings } from '../context.js';

const CAP_SYS_NICE = 23;

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1').trim();
  } catch {
    return null;
  }
}

/** CapEff of /proc/self/status has bit `cap` set; null when it cannot be read. */
export function hasCapability(status: string | null, cap: number): boolean | null {
  const m = status === null ? null : /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  if (!m) return null;
  return ((BigInt(`0x${m[1]}`) >> BigInt(cap)) & 1n) === 1n;
}

/** Whether SCHED_FIFO 1 could be set on this thread (the previous policy is put back); the error text otherwise. */
function trySchedFifo(): string | null {
  const before = getScheduler();
  try {
    setScheduler('fifo', 1);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    return err.message;
  }
  const policy: Policy = typeof before.policy === 'number' ? 'other' : before.policy;
  setScheduler(policy, policy === 'other' ? 0 : before.priority);
  return null;
}

function cpuFacts(): string {
  const allowed = getAffinity();
  const isolated = readText('/sys/devices/system/cpu/isolated');
  const mask = allowed.reduce((m, cpu) => m | (1n << BigInt(cpu)), 0n);
  return `${allowed.length} CPUs allowed (${allowed.join(',')}; --cpu-mask 0x${mask.toString(16)} names them all), isolated CPUs: ${isolated ? isolated : 'none'}`;
}

export async function checkRealtime(_ctx: DoctorContext, _found: Findings): Promise<CheckResult> {
  const cap = hasCapability(readText('/proc/self/status'), CAP_SYS_NICE);
  const rtprio = getRlimit(RLIMIT_RTPRIO);
  const runtime = readText('/proc/sys/kernel/sched_rt_runtime_us');
  const period = readText('/proc/sys/kernel/sched_rt_period_us');
  const limit = rtprio.soft === null ? 'unlimited' : String(rtprio.soft);
  const throttle = runtime === '-1' ? 'unthrottled' : `${runtime ?? '?'} us of every ${period ?? '?'} us`;
  const facts = `CAP_SYS_NICE ${cap === null ? 'unknown' : cap ? 'yes' : 'no'}, RLIMIT_RTPRIO ${limit}, sched_rt_runtime_us ${throttle}; ${cpuFacts()}`;
  const refused = trySchedFifo();
  if (refused !== null) {
    return notOk(
      'realtime',
      'warn',
      `SCHED_FIFO refused (${refused}): ${facts}`,
      'run as root or grant CAP_SYS_NICE (setcap cap_sys_nice+ep "$(command -v node)"), or raise RLIMIT_RTPRIO ("ulimit -r 99", rtprio in /etc/security/limits.conf); until then run without --sched-fifo/--sched-rr',
    );
  }
  if (runtime === '0') {
    return notOk('realtime', 'warn', `SCHED_FIFO allowed but real-time tasks get no CPU time: ${facts}`, 'sysctl -w kernel.sched_rt_runtime_us=950000 (or -1), or put isochron in a cgroup with a real-time budget');
  }
  return ok('realtime', `SCHED_FIFO allowed: ${facts}`);
}
