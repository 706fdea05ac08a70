// docs/grafana-dashboard.json shows what the nodes export: every metric its
// queries name is one the code exports (src/engine/metrics/names.ts, the
// names the registry is built from), every label it groups or filters by is
// one the series carry, and every exported metric has a panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { COMMON_LABELS, EXPORTED_METRICS, seriesNames } from '../../src/engine/metrics/names.js';
import { NodeMetrics } from '../../src/engine/metrics/registry.js';

const dashboard = JSON.parse(readFileSync(join(repoRoot, 'docs', 'grafana-dashboard.json'), 'utf8')) as unknown;

/** Every query text in the dashboard: panel targets' expr and the template variables' queries. */
function queries(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) queries(x, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'expr' || k === 'query' || k === 'definition') && typeof v === 'string') out.push(v);
      else queries(v, out);
    }
  }
  return out;
}

const exprs = queries(dashboard).filter((q) => q.includes('isochron_'));

test('the dashboard queries only metrics the code exports', async () => {
  assert.ok(exprs.length >= 8, `found ${exprs.length} queries`);
  const exported = new Set(EXPORTED_METRICS.flatMap(seriesNames));
  // What a real scrape of each role shows (so names.ts cannot drift from the registry either).
  const scraped = new Set<string>();
  for (const role of ['sender', 'receiver'] as const) {
    const m = new NodeMetrics(role, () => ({ interface: 'x', testState: 0 }));
    if (role === 'sender') m.senderRun('x').packetSent(1n, 1n);
    else m.receiver('x').packetReceived(2n, 0n, 1n);
    m.sync(() => 'x').masterOffset(1n);
    m.sync(() => 'x').phcToSystemOffset(1n);
    for (const line of (await m.prometheusText()).split('\n')) {
      const name = /^([a-z_]+)[{ ]/.exec(line)?.[1];
      if (name) scraped.add(name);
    }
  }
  for (const q of exprs) {
    for (const [name] of q.matchAll(/isochron_[a-z_]+/g)) {
      assert.ok(exported.has(name), `"${name}" (in ${q}) is not an exported series`);
      assert.ok(scraped.has(name), `"${name}" (in ${q}) does not appear in a scrape`);
    }
  }
});

test('the dashboard groups and filters only by labels the series carry', () => {
  const labels = new Set<string>([...COMMON_LABELS, 'metric', 'le', 'instance', 'job']);
  for (const q of exprs) {
    for (const m of q.matchAll(/by \(([^)]*)\)/g)) for (const l of m[1].split(',')) assert.ok(labels.has(l.trim()), `${l} in ${q}`);
    for (const m of q.matchAll(/([a-z_]+)=~?"/g)) assert.ok(labels.has(m[1]), `${m[1]} in ${q}`);
    for (const m of q.matchAll(/\{\{(\w+)\}\}/g)) assert.ok(labels.has(m[1]), `${m[1]} in ${q}`);
  }
});

test('every exported metric has a panel', () => {
  const text = exprs.join('\n');
  for (const e of EXPORTED_METRICS) assert.ok(text.includes(e.name), `${e.name} is on no panel`);
});
