// Test fixture: two real ptp4l instances (software timestamping, -S) on a
// veth pair in two fresh namespaces, master on side A (priority1 lower),
// slave on side B. Both namespaces share the host's CLOCK_REALTIME, so the
// slave runs free (free_running 1) instead of disciplining the host clock
// that other tests rely on; it still measures a real master offset, and
// SYNCHRONIZATION_UNCERTAIN_NP = 0 (false) lets its servo report locked, so
// the port goes UNCALIBRATED -> SLAVE as with a disciplined clock.
// utc_offset is configurable so the sender's kernel UTC-TAI fix-up can be
// made a no-op (it would otherwise move the host's CLOCK_TAI).
// Every process started here is killed by pid, and everything is deleted by
// stop(), also when the caller fails half-way; a process 'exit' hook kills
// leftovers if the test runner dies first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair, type VethPair } from './netns.js';

export interface Ptp4lSide {
  ns: string;
  ifname: string;
  /** IPv4 address of the interface (no prefix). */
  ip: string;
  uds: string;
  log: () => string;
}

export interface Ptp4lPair {
  veth: VethPair;
  master: Ptp4lSide;
  slave: Ptp4lSide;
  /** Kills both ptp4l, deletes namespaces, configs and sockets; safe twice. */
  stop(): Promise<void>;
}

export interface Ptp4lPairOptions {
  tag: string;
  utcOffset?: number;
  domainNumber?: number;
  transportSpecific?: number;
  /** Layer 2 (-2) or UDPv4 (default layer 2). */
  transport?: 'l2' | 'udp';
  /** A slave on B (default); false: both ptp4l on their own, B never synchronises. */
  slaveOnB?: boolean;
  /** Third octet of 10.78.X.0/24 on the veth (distinct per test file). */
  subnet: number;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
});

function config(o: Ptp4lPairOptions, uds: string, master: boolean): string {
  const lines = [
    '[global]',
    `priority1 ${master ? 100 : 200}`,
    `domainNumber ${o.domainNumber ?? 0}`,
    `transportSpecific ${o.transportSpecific ?? 0}`,
    `utc_offset ${o.utcOffset ?? 37}`,
    'logSyncInterval -3',
    'logAnnounceInterval -3',
    'announceReceiptTimeout 3',
    'logMinDelayReqInterval -3',
    `uds_address ${uds}`,
    // No ptp4l here may touch the host clock: see the header.
    'free_running 1',
  ];
  if (!master && o.slaveOnB !== false) lines.push('slaveOnly 1');
  return `${lines.join('\n')}\n`;
}

function startPtp4l(ns: string, ifname: string, cfg: string, o: Ptp4lPairOptions): { child: ChildProcess; log: () => string } {
  const args = ['netns', 'exec', ns, 'ptp4l', '-i', ifname, '-S', '-m', '-f', cfg];
  if ((o.transport ?? 'l2') === 'l2') args.push('-2');
  else args.push('-4');
  const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let text = '';
  child.stdout?.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (text += b.toString()));
  return { child, log: () => text };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 2000);
  await gone;
  clearTimeout(t);
}

/** `pmc` against a ptp4l socket (a linuxptp tool: used to steer ptp4l, never to check our results). */
export function pmc(uds: string, cmd: string, domainNumber = 0, transportSpecific = 0): string {
  const r = spawnSync('pmc', ['-u', '-b', '0', '-d', String(domainNumber), '-t', String(transportSpecific), '-s', uds, cmd], { encoding: 'utf8', timeout: 5000 });
  return r.stdout ?? '';
}

export async function startPtp4lPair(o: Ptp4lPairOptions): Promise<Ptp4lPair> {
  const id = `${o.tag}${process.pid % 100000}`;
  const veth = await createVethPair({
    a: { ifname: `pa${id}`.slice(0, 15), ipv4: `10.78.${o.subnet}.1/24` },
    b: { ifname: `pb${id}`.slice(0, 15), ipv4: `10.78.${o.subnet}.2/24` },
    prefix: 'isoptp',
  });
  const udsA = `/run/isochron-test-${id}-a`;
  const udsB = `/run/isochron-test-${id}-b`;
  const cfgA = join(tmpdir(), `isochron-ptp4l-${id}-a.cfg`);
  const cfgB = join(tmpdir(), `isochron-ptp4l-${id}-b.cfg`);
  const started: ChildProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(started.map(kill));
    veth.destroy();
    for (const f of [udsA, udsB, cfgA, cfgB]) rmSync(f, { force: true });
  };
  try {
    writeFileSync(cfgA, config(o, udsA, true));
    writeFileSync(cfgB, config(o, udsB, false));
    const a = startPtp4l(veth.nsA, veth.a.ifname, cfgA, o);
    started.push(a.child);
    const b = startPtp4l(veth.nsB, veth.b.ifname, cfgB, o);
    started.push(b.child);
    return {
      veth,
      master: { ns: veth.nsA, ifname: veth.a.ifname, ip: `10.78.${o.subnet}.1`, uds: udsA, log: a.log },
      slave: { ns: veth.nsB, ifname: veth.b.ifname, ip: `10.78.${o.subnet}.2`, uds: udsB, log: b.log },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Lets the free-running slave's servo report "locked" (see the header).
 * Retried until ptp4l has its socket up; returns false if it never answers.
 */
export async function unlockSlave(p: Ptp4lPair, o: Partial<Ptp4lPairOptions> = {}, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const out = pmc(p.slave.uds, 'SET SYNCHRONIZATION_UNCERTAIN_NP 0', o.domainNumber ?? 0, o.transportSpecific ?? 0);
    if (/uncertain\s+0/.test(out)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
