// Shared pieces of the metrics endpoint tests: scraping an endpoint (from
// here or from inside a namespace), reading one sample out of an
// exposition, promtool's verdict on it, and a real Prometheus server in a
// namespace whose config, data and process are removed when the test ends.
import type { TestContext } from 'node:test';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execIn, spawnIn } from './netns.js';

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** A node script that prints `STATUS\nCONTENT-TYPE\nBODY` for one GET (argv: url, accept). */
const FETCH_SCRIPT = `
const [url, accept] = process.argv.slice(1);
fetch(url, { headers: accept ? { accept } : {} }).then(async (r) => {
  process.stdout.write(r.status + '\\n' + (r.headers.get('content-type') ?? '') + '\\n' + (await r.text()));
}, (e) => { process.stderr.write(String(e.cause ?? e)); process.exit(1); });
`;

/** GET `url` from inside namespace `ns` (a scraper on another host). */
export async function httpGetIn(ns: string, url: string, accept = ''): Promise<HttpAnswer> {
  const r = await execIn(ns, process.execPath, ['-e', FETCH_SCRIPT, url, accept], { timeoutMs: 20_000 });
  if (r.status !== 0) throw new Error(`GET ${url} in ${ns} failed: ${r.stderr}`);
  const first = r.stdout.indexOf('\n');
  const second = r.stdout.indexOf('\n', first + 1);
  return { status: Number(r.stdout.slice(0, first)), contentType: r.stdout.slice(first + 1, second), body: r.stdout.slice(second + 1) };
}

/**
 * The value of the sample `name{labels...}` in a text exposition (labels
 * given must all match; others are ignored), or null when there is none.
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map<string, string>();
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) have.set(l[1], l[2]);
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[4]);
  }
  return null;
}

/** `promtool check metrics` on a Prometheus text exposition: its status and what it said. */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw new Error(`promtool is needed (Debian package prometheus, installed by .ci/run): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

export interface PrometheusServer {
  /** http://127.0.0.1:PORT inside its namespace. */
  url: string;
  child: ChildProcess;
  log(): string;
}

/**
 * A real Prometheus server in namespace `ns`, scraping `targets`
 * (host:port) every second, its API on 127.0.0.1:`port` there. Stopped and
 * its config and TSDB directory removed when the test ends, pass or fail.
 */
export async function startPrometheus(t: TestContext, ns: string, targets: string[], port: number): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-prom-'));
  let child: ChildProcess | null = null;
  let exited: Promise<unknown> = Promise.resolve();
  t.after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: isochron', '    static_configs:', `      - targets: [${targets.map((x) => `'${x}'`).join(', ')}]`, ''].join('\n'),
  );
  let log = '';
  const proc = spawnIn(ns, 'prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  exited = new Promise((r) => proc.once('close', r));
  proc.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
    const ready = await httpGetIn(ns, `${url}/-/ready`).catch(() => null);
    if (ready?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`prometheus not ready after 60 s: ${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child: proc, log: () => log };
}

/** One instant query against a Prometheus server's /api/v1/query: the vector's samples. */
export async function promQuery(ns: string, server: PrometheusServer, query: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
  const r = await httpGetIn(ns, `${server.url}/api/v1/query?query=${encodeURIComponent(query)}`);
  if (r.status !== 200) throw new Error(`query ${query}: HTTP ${r.status} ${r.body}`);
  const j = JSON.parse(r.body) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return j.data.result.map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
}
