// Which queueing disciplines an interface has, read with iproute2's `tc`
// (JSON output): enough to tell whether --txtime/--taprio/--deadline can
// take effect (they need etf or taprio; the kernel ignores a launch time
// otherwise, or paces by it under fq). Reading is best effort: without tc,
// or when it fails, the answer is null and nothing is said.
import { spawnSync } from 'node:child_process';

/** The kinds of every qdisc on `ifname` ("noqueue", "mq", "taprio", "etf", ...), or null when unknown. */
export function qdiscKinds(ifname: string): string[] | null {
  const res = spawnSync('tc', ['-j', 'qdisc', 'show', 'dev', ifname], { encoding: 'utf8', timeout: 5000 });
  if (res.status !== 0 || !res.stdout) return null;
  try {
    const list = JSON.parse(res.stdout) as Array<{ kind?: unknown }>;
    return list.map((q) => String(q.kind ?? ''));
  } catch {
    return null;
  }
}
