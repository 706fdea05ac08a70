// Shared pieces of the send tests: a veth pair in two fresh namespaces
// (deleted in t.after), the CLI run inside one of them, and `isochron rcv`
// started in the other.
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { CLONE_NEWNET } from '../../src/sys/constants.js';
import { libc } from '../../src/sys/libc.js';
import { createVethPair, execIn, spawnIn, type ExecResult, type VethPair } from './netns.js';
import { cliEntry } from './paths.js';
import type { SendOptions } from '../../src/engine/sender/options.js';

export const MAC_A = '02:00:00:00:0a:01';
export const MAC_B = '02:00:00:00:0b:02';
export const IP_A = '10.199.0.1';
export const IP_B = '10.199.0.2';
export const IP6_A = 'fd00:199::1';
export const IP6_B = 'fd00:199::2';

export async function vethPair(t: TestContext, names: { a: string; b: string } = { a: 'vxa', b: 'vxb' }): Promise<VethPair> {
  const pair = await createVethPair({
    a: { ifname: names.a, mac: MAC_A, ipv4: `${IP_A}/24`, ipv6: `${IP6_A}/64` },
    b: { ifname: names.b, mac: MAC_B, ipv4: `${IP_B}/24`, ipv6: `${IP6_B}/64` },
    prefix: 'snd',
  });
  t.after(() => pair.destroy());
  return pair;
}

/** Moves this (main) thread into `ns` until the test ends. */
export function enterNetns(t: TestContext, ns: string): void {
  const self = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/run/netns/${ns}`, 'r');
  assert.equal(libc().setns(target, CLONE_NEWNET), 0);
  closeSync(target);
  t.after(() => {
    libc().setns(self, CLONE_NEWNET);
    closeSync(self);
  });
}

/** `isochron ARGS` inside a namespace, bounded in time. */
export function cliIn(ns: string, args: string[], timeoutMs = 30_000): Promise<ExecResult> {
  return execIn(ns, process.execPath, [cliEntry, ...args], { timeoutMs });
}

export interface Receiver {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status once the receiver ended. */
  exited: Promise<number | null>;
}

/** Starts `isochron rcv` and waits until its stats port accepts connections. */
export async function startReceiver(t: TestContext, ns: string, args: string[]): Promise<Receiver> {
  const child = spawnIn(ns, process.execPath, [cliEntry, 'rcv', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const port = args[args.indexOf('--stats-port') + 1] ?? '5000';
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = spawnSync('ip', ['netns', 'exec', ns, 'ss', '-Hltn', `sport = :${port}`], { encoding: 'utf8', timeout: 5000 });
    if (probe.stdout.trim() !== '') break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`isochron rcv did not listen on port ${port}: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Parsed send options as the CLI builds them, for in-process tests. */
export function sendOptions(over: Partial<SendOptions> = {}): SendOptions {
  return {
    interface: 'vxa',
    destinationMac: Buffer.from('02000000000b02', 'hex').subarray(0, 6),
    sourceMac: null,
    priority: 0n,
    statsPort: 5000n,
    baseTime: 0n,
    advanceTime: 1_000_000n,
    shiftTime: 0n,
    cycleTime: 1_000_000n,
    windowSize: 0n,
    numFrames: 10n,
    frameSize: 64n,
    timestamping: true,
    vid: null,
    client: null,
    quiet: false,
    etype: 0xdeadn,
    omitSync: true,
    omitRemoteSync: false,
    tracemark: false,
    taprio: false,
    txtime: false,
    deadline: false,
    schedPriority: 0n,
    schedFifo: false,
    schedRr: false,
    utcTaiOffset: null,
    ipDestination: null,
    transport: 'l2',
    dataPort: 6000n,
    domainNumber: 0n,
    transportSpecific: 0n,
    unixDomainSocket: '/var/run/ptp4l',
    syncThreshold: null,
    numReadings: 5n,
    outputFile: 'isochron.dat',
    cpuMask: 0n,
    omitHwts: true,
    failFast: false,
    noProgress: false,
    ...over,
  };
}

