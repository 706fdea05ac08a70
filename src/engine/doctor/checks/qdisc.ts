// `qdisc`: the interface's queueing disciplines (taprio for --taprio
// schedules, etf for --txtime launch times, mqprio for traffic classes), and
// whether the kernel can run the ones that are missing. isochron runs without
// them, but then nothing enforces a launch time: frames leave at wake-up.
import { notOk, ok, skip, type CheckResult } from '../ids.js';
import type { DoctorContext, Findings } from '../context.js';
import { TSN_QDISCS } from '../qdisc-probe.js';

export async function checkQdisc(ctx: DoctorContext, found: Findings): Promise<CheckResult> {
  const ifname = ctx.ifname;
  if (ifname === null || !found.interfaceExists) return skip('qdisc', 'no usable interface');
  let kinds: string[];
  try {
    kinds = ctx.qdiscs.kinds(ifname);
  } catch (err) {
    return notOk('qdisc', 'warn', `could not list the qdiscs of ${ifname}: ${(err as Error).message}`, 'install iproute2 ("tc"), then run "tc qdisc show dev ' + ifname + '"');
  }
  const installed = kinds.length > 0 ? kinds.join(', ') : 'none';
  const tsn = kinds.filter((k) => k === 'taprio' || k === 'etf');
  const support = TSN_QDISCS.map((kind) => ({ kind, ...ctx.qdiscs.support(kind) }));
  const kernel = support.map((s) => `${s.kind} ${s.support === 'builtin' ? 'built in' : s.support === 'module' ? 'loadable' : s.support}`).join(', ');
  if (tsn.length > 0) return ok('qdisc', `${ifname} has ${installed}: ${tsn.join(' and ')} enforce${tsn.length === 1 ? 's' : ''} launch times (kernel: ${kernel})`);
  const missing = support.filter((s) => s.support === 'absent' || s.support === 'unknown');
  if (missing.length > 0) {
    return notOk(
      'qdisc',
      'warn',
      `${ifname} has ${installed}, no taprio or etf; the kernel cannot load ${missing.map((s) => `${s.kind} (${s.source})`).join(', ')}`,
      'run without --taprio/--txtime here (frames leave at wake-up), or boot a kernel built with CONFIG_NET_SCH_TAPRIO, CONFIG_NET_SCH_ETF and CONFIG_NET_SCH_MQPRIO',
    );
  }
  return notOk(
    'qdisc',
    'warn',
    `${ifname} has ${installed}, no taprio or etf: nothing enforces launch times (kernel: ${kernel})`,
    `for --txtime: tc qdisc replace dev ${ifname} root etf clockid CLOCK_TAI delta 300000 (add "offload" on NICs with launch-time support); for --taprio: a taprio schedule with "tc qdisc replace dev ${ifname} parent root taprio ..." (see tc-taprio(8))`,
  );
}
