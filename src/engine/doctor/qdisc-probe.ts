// Where the qdisc check gets its facts: the interface's qdiscs from `tc -j
// qdisc show` (iproute2 speaks rtnetlink for us) and whether the kernel has
// each TSN scheduler, from its build configuration (/proc/config.gz) and its
// module tree (/lib/modules/RELEASE). Tests replace it to stand for a NIC
// with taprio or etf, which this machine's kernel cannot load.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';

/** The schedulers isochron's --taprio/--txtime runs rely on, by tc kind. */
export const TSN_QDISCS = ['taprio', 'etf', 'mqprio'] as const;
export type TsnQdisc = (typeof TSN_QDISCS)[number];

/** How the kernel provides a scheduler: built in, a module file present, neither, or no way to tell. */
export type SchedulerSupport = 'builtin' | 'module' | 'absent' | 'unknown';

export interface QdiscProbe {
  /** The tc kinds of the interface's qdiscs (root first); throws an Error with tc's message when tc fails. */
  kinds(ifname: string): string[];
  /** Whether the kernel can run `kind`, and where that was read. */
  support(kind: TsnQdisc): { support: SchedulerSupport; source: string };
}

const CONFIG_SYMBOL: Record<TsnQdisc, string> = { taprio: 'CONFIG_NET_SCH_TAPRIO', etf: 'CONFIG_NET_SCH_ETF', mqprio: 'CONFIG_NET_SCH_MQPRIO' };

function tcKinds(ifname: string): string[] {
  const r = spawnSync('tc', ['-j', 'qdisc', 'show', 'dev', ifname], { encoding: 'utf8', timeout: 5000 });
  if (r.error) throw new Error(`tc: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`tc qdisc show dev ${ifname}: ${(r.stderr ?? '').trim() || `exit ${r.status}`}`);
  const list = JSON.parse(r.stdout || '[]') as Array<{ kind?: unknown }>;
  return list.map((q) => String(q.kind ?? '?'));
}

let kernelConfig: string | null | undefined;

function readKernelConfig(): string | null {
  if (kernelConfig !== undefined) return kernelConfig;
  try {
    kernelConfig = gunzipSync(readFileSync('/proc/config.gz')).toString('latin1');
  } catch {
    kernelConfig = null;
  }
  return kernelConfig;
}

function moduleFilePresent(kind: TsnQdisc): boolean | null {
  const dep = `/lib/modules/${release()}/modules.dep`;
  if (!existsSync(dep)) return null;
  return new RegExp(`/sch_${kind}\\.ko`).test(readFileSync(dep, 'latin1'));
}

function moduleBuiltin(kind: TsnQdisc): boolean | null {
  const list = `/lib/modules/${release()}/modules.builtin`;
  if (!existsSync(list)) return null;
  return new RegExp(`/sch_${kind}\\.ko`).test(readFileSync(list, 'latin1'));
}

function kernelSupport(kind: TsnQdisc): { support: SchedulerSupport; source: string } {
  const config = readKernelConfig();
  const symbol = CONFIG_SYMBOL[kind];
  if (config !== null) {
    if (new RegExp(`^${symbol}=y$`, 'm').test(config)) return { support: 'builtin', source: `${symbol}=y` };
    if (new RegExp(`^${symbol}=m$`, 'm').test(config)) {
      const present = moduleFilePresent(kind);
      return present ? { support: 'module', source: `${symbol}=m` } : { support: 'absent', source: `${symbol}=m but no sch_${kind}.ko under /lib/modules/${release()}` };
    }
    return { support: 'absent', source: `${symbol} is not set` };
  }
  if (moduleBuiltin(kind)) return { support: 'builtin', source: `modules.builtin` };
  const present = moduleFilePresent(kind);
  if (present === null) return { support: 'unknown', source: `neither /proc/config.gz nor /lib/modules/${release()}` };
  return present ? { support: 'module', source: 'modules.dep' } : { support: 'absent', source: `no sch_${kind}.ko in modules.dep` };
}

export const hostQdiscProbe: QdiscProbe = { kinds: tcKinds, support: kernelSupport };
