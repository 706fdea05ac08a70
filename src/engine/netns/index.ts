// Two fresh network namespaces joined by a veth pair, each end with the given
// name, MAC, IPv4 and IPv6 address, links up: the set-up of the main job and
// of every test that needs real traffic. Everything created is deleted by
// destroy(); a process 'exit' hook deletes leftovers if the caller dies
// before that. Every wait is bounded.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { enterNetns } from '../../sys/netns.js';
import { NetnsCommandFailed, NetnsLinkTimeout, NetnsSetnsFailed } from './errors.js';

export interface VethEnd {
  ifname: string;
  mac?: string;
  /** With prefix, e.g. "10.10.0.1/24". */
  ipv4?: string;
  /** With prefix, e.g. "fd00:10::1/64" (added with nodad: usable at once). */
  ipv6?: string;
}

export interface ExecResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

const live = new Set<string>();
let counter = 0;
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: spawnSync is.
  process.on('exit', () => deleteAllNamespaces());
}

/** Deletes every namespace this process created and has not deleted yet. */
export function deleteAllNamespaces(): void {
  for (const ns of live) spawnSync('ip', ['netns', 'del', ns], { timeout: 5000, stdio: 'ignore' });
  live.clear();
}

function ip(args: string[]): void {
  const res = spawnSync('ip', args, { timeout: 10_000, encoding: 'utf8' });
  if (res.status !== 0) {
    const detail = res.error ? res.error.message : `${res.status ?? res.signal}: ${(res.stderr ?? '').trim()}`;
    throw NetnsCommandFailed(`ip ${args.join(' ')}`, detail);
  }
}

/** A unique namespace name: prefix + pid + counter. */
export function uniqueNsName(prefix = 'iso'): string {
  counter += 1;
  return `${prefix}${process.pid}x${counter}`;
}

/** Runs a command inside a namespace, bounded in time. */
export function execIn(ns: string, cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawnIn(ns, cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    // A child that exits without reading all its input makes the write
    // fail with EPIPE; its exit status is what the caller wants, not that.
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input ?? '');
  });
}

/** Starts a command inside a namespace; the caller owns the child. */
export function spawnIn(ns: string, cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, cmd, ...args], opts);
}

/** Runs a Node ES module (file path) inside a namespace. */
export function runNodeIn(ns: string, script: string, args: readonly string[] = [], opts: ExecOptions = {}): Promise<ExecResult> {
  return execIn(ns, process.execPath, [script, ...args], opts);
}

/**
 * Runs `fn` with the calling thread inside namespace `ns` (setns), then
 * switches back. Sockets keep the namespace they were created in, so a
 * socket opened inside `fn` may be used after it returns.
 */
export function withNetns<T>(ns: string, fn: () => T): T {
  const self = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/run/netns/${ns}`, 'r');
  try {
    const errnum = enterNetns(target);
    if (errnum) throw NetnsSetnsFailed(ns, errnum);
    try {
      return fn();
    } finally {
      const back = enterNetns(self);
      if (back) throw NetnsSetnsFailed('of this process', back);
    }
  } finally {
    closeSync(target);
    closeSync(self);
  }
}

export interface VethPair {
  nsA: string;
  nsB: string;
  a: VethEnd;
  b: VethEnd;
  /** Deletes both namespaces (and with them the veth pair); safe to call twice. */
  destroy(): void;
}

export interface VethPairOptions {
  a: VethEnd;
  b: VethEnd;
  prefix?: string;
  /** Upper bound for the links to come up. */
  timeoutMs?: number;
}

function configure(ns: string, end: VethEnd): void {
  ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  if (end.ipv4) ip(['-n', ns, 'addr', 'add', end.ipv4, 'dev', end.ifname]);
  if (end.ipv6) ip(['-n', ns, 'addr', 'add', end.ipv6, 'dev', end.ifname, 'nodad']);
  ip(['-n', ns, 'link', 'set', end.ifname, 'up']);
}

function operUp(ns: string, ifname: string): boolean {
  const res = spawnSync('ip', ['-n', ns, '-j', 'link', 'show', ifname], { timeout: 5000, encoding: 'utf8' });
  if (res.status !== 0) return false;
  const [link] = JSON.parse(res.stdout) as Array<{ operstate?: string }>;
  return link?.operstate === 'UP';
}

/** Creates the namespaces and the veth pair; call destroy() when done. */
export async function createVethPair(opts: VethPairOptions): Promise<VethPair> {
  installExitHook();
  const prefix = opts.prefix ?? 'iso';
  const nsA = uniqueNsName(prefix);
  const nsB = uniqueNsName(prefix);
  const destroy = (): void => {
    for (const ns of [nsA, nsB]) {
      if (!live.has(ns)) continue;
      spawnSync('ip', ['netns', 'del', ns], { timeout: 5000, stdio: 'ignore' });
      live.delete(ns);
    }
  };
  try {
    // Registered before creation: a half-made namespace is still removed.
    live.add(nsA);
    ip(['netns', 'add', nsA]);
    live.add(nsB);
    ip(['netns', 'add', nsB]);
    const a = ['link', 'add', opts.a.ifname, 'netns', nsA];
    if (opts.a.mac) a.push('address', opts.a.mac);
    a.push('type', 'veth', 'peer', 'name', opts.b.ifname, 'netns', nsB);
    if (opts.b.mac) a.push('address', opts.b.mac);
    ip(a);
    configure(nsA, opts.a);
    configure(nsB, opts.b);
    const limit = opts.timeoutMs ?? 5000;
    const deadline = Date.now() + limit;
    while (!(operUp(nsA, opts.a.ifname) && operUp(nsB, opts.b.ifname))) {
      if (Date.now() > deadline) throw NetnsLinkTimeout(opts.a.ifname, opts.b.ifname, limit);
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (err) {
    destroy();
    throw err;
  }
  return { nsA, nsB, a: opts.a, b: opts.b, destroy };
}

/** Names of namespaces this process created and has not deleted yet. */
export function liveNamespaces(): string[] {
  return [...live];
}

/** True if /run/netns/NAME exists (ip netns list would also show it). */
export function namespaceExists(ns: string): boolean {
  const res = spawnSync('ip', ['netns', 'list'], { timeout: 5000, encoding: 'utf8' });
  return (res.stdout ?? '').split('\n').some((line) => line.split(' ')[0] === ns);
}

export interface BridgeTopology {
  /** The namespace holding the bridge `br0` and one port per node. */
  bridgeNs: string;
  /** One namespace per node, in the order of `nodes` given. */
  nodes: string[];
  ends: VethEnd[];
  /** Deletes every namespace (and with them the links); safe to call twice. */
  destroy(): void;
}

export interface BridgeTopologyOptions {
  /** Each node's end of its veth; the other end is a port of the bridge. */
  nodes: VethEnd[];
  prefix?: string;
  timeoutMs?: number;
}

/**
 * A Linux bridge with one veth port per node, each node in a namespace of
 * its own: the lab topology where the kernel hands a sender extra TX
 * timestamps for the frames the bridge clones. STP stays off, so ports
 * forward at once.
 */
export async function createBridgeTopology(opts: BridgeTopologyOptions): Promise<BridgeTopology> {
  installExitHook();
  const prefix = opts.prefix ?? 'brg';
  const bridgeNs = uniqueNsName(prefix);
  const nodes = opts.nodes.map(() => uniqueNsName(prefix));
  const all = [bridgeNs, ...nodes];
  const destroy = (): void => {
    for (const ns of all) {
      if (!live.has(ns)) continue;
      spawnSync('ip', ['netns', 'del', ns], { timeout: 5000, stdio: 'ignore' });
      live.delete(ns);
    }
  };
  try {
    for (const ns of all) {
      live.add(ns);
      ip(['netns', 'add', ns]);
    }
    ip(['-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
    opts.nodes.forEach((end, i) => {
      const port = `p${i}`;
      const args = ['link', 'add', port, 'netns', bridgeNs, 'type', 'veth', 'peer', 'name', end.ifname, 'netns', nodes[i] as string];
      if (end.mac) args.push('address', end.mac);
      ip(args);
      ip(['-n', bridgeNs, 'link', 'set', port, 'master', 'br0', 'up']);
      configure(nodes[i] as string, end);
    });
    ip(['-n', bridgeNs, 'link', 'set', 'br0', 'up']);
    const limit = opts.timeoutMs ?? 5000;
    const deadline = Date.now() + limit;
    while (!opts.nodes.every((end, i) => operUp(nodes[i] as string, end.ifname))) {
      if (Date.now() > deadline) throw NetnsLinkTimeout(opts.nodes.map((e) => e.ifname).join(', '), 'br0', limit);
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (err) {
    destroy();
    throw err;
  }
  return { bridgeNs, nodes, ends: opts.nodes, destroy };
}
