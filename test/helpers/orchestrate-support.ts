// Shared pieces of the orchestrate tests.
//
// Topology (all namespaces created here, deleted in t.after and by the
// netns module's exit hook):
//
//   [orch]  mo1 --- ma1 [A: daemon, data port vxa] vxa === vxb [B: rcv] mb1 --- mo2 [orch]
//
// The orchestrator's namespace reaches the daemon over one veth pair and the
// receiver over another (management traffic), while the test data flows
// over vxa/vxb: three separate "hosts".
import type { TestContext } from 'node:test';
import { spawnSync, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair, execIn, spawnIn, uniqueNsName, type ExecResult } from './netns.js';
import { cliEntry } from './paths.js';
import { startReceiver, type Receiver } from './send-support.js';
import { startDaemonIn, stopPid } from './daemon-support.js';
import { createServer, type Server, type Socket as NetSocket } from 'node:net';
import {
  Action, encodeErrorResponse, encodeResponse, ManagementReader, Mid, responseFor, TestState,
  type ManagementMessage,
} from '../../src/engine/mgmt/index.js';

export const MAC_A = '02:00:00:00:1a:01';
export const MAC_B = '02:00:00:00:1b:02';
export const MGMT = {
  daemon4: '10.197.1.2',
  daemon6: 'fd00:197:1::2',
  rcv4: '10.197.2.2',
  rcv6: 'fd00:197:2::2',
};

export interface Topology {
  nsA: string;
  nsB: string;
  nsO: string;
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

/** One data pair (A/B) plus an orchestrator namespace linked to both. */
export async function topology(t: TestContext, suffix = ''): Promise<Topology> {
  const pair = await createVethPair({
    a: { ifname: `vxa${suffix}`, mac: MAC_A, ipv4: '10.197.0.1/24', ipv6: 'fd00:197::1/64' },
    b: { ifname: `vxb${suffix}`, mac: MAC_B, ipv4: '10.197.0.2/24', ipv6: 'fd00:197::2/64' },
    prefix: 'orc',
  });
  t.after(() => pair.destroy());
  const nsO = uniqueNsName('orco');
  ip(['netns', 'add', nsO]);
  t.after(() => void spawnSync('ip', ['netns', 'del', nsO], { timeout: 5000 }));
  process.once('exit', () => void spawnSync('ip', ['netns', 'del', nsO], { timeout: 5000 }));
  ip(['link', 'add', 'mo1', 'netns', nsO, 'type', 'veth', 'peer', 'name', 'ma1', 'netns', pair.nsA]);
  ip(['link', 'add', 'mo2', 'netns', nsO, 'type', 'veth', 'peer', 'name', 'mb1', 'netns', pair.nsB]);
  const addrs: Array<[string, string, string, string]> = [
    [nsO, 'mo1', '10.197.1.1/24', 'fd00:197:1::1/64'],
    [pair.nsA, 'ma1', `${MGMT.daemon4}/24`, `${MGMT.daemon6}/64`],
    [nsO, 'mo2', '10.197.2.1/24', 'fd00:197:2::1/64'],
    [pair.nsB, 'mb1', `${MGMT.rcv4}/24`, `${MGMT.rcv6}/64`],
  ];
  ip(['-n', nsO, 'link', 'set', 'lo', 'up']);
  for (const [ns, dev, v4, v6] of addrs) {
    ip(['-n', ns, 'addr', 'add', v4, 'dev', dev]);
    ip(['-n', ns, 'addr', 'add', v6, 'dev', dev, 'nodad']);
    ip(['-n', ns, 'link', 'set', dev, 'up']);
  }
  return { nsA: pair.nsA, nsB: pair.nsB, nsO };
}

export function tmpDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-orch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts our daemon in `ns` (it daemonizes); stopped in t.after. Returns its pid. */
export async function startDaemon(t: TestContext, ns: string, dir: string, port: number, tag = 'd'): Promise<number> {
  const pidFile = join(dir, `${tag}.pid`);
  const pid = await startDaemonIn(ns, ['-l', join(dir, `${tag}.log`), '--stats-port', String(port)], pidFile);
  t.after(() => stopPid(pid));
  return pid;
}

export function startRcv(t: TestContext, ns: string, ifname: string, port: number, extra: string[] = []): Promise<Receiver> {
  return startReceiver(t, ns, ['-i', ifname, '--omit-hwts', '--stats-port', String(port), '--quiet', ...extra]);
}

/** `isochron ARGS` inside a namespace, bounded in time. */
export function cliIn(ns: string, args: string[], timeoutMs = 60_000, cwd?: string): Promise<ExecResult> {
  const argv = cwd ? ['-c', `cd "$1" && shift && exec "$@"`, 'sh', cwd, process.execPath, cliEntry, ...args] : [cliEntry, ...args];
  return execIn(ns, cwd ? '/bin/sh' : process.execPath, argv, { timeoutMs });
}

// ---- a management peer that stands in for a daemon or a receiver --------


export type Answer = (msg: ManagementMessage, index: number, peer: FakePeer) => Buffer | null;

/**
 * A loopback management server: records every request (decoded) and
 * answers with `answer` (null: no reply). One connection at a time.
 */
export class FakePeer {
  readonly requests: ManagementMessage[] = [];
  readonly server: Server;
  readonly sockets: NetSocket[] = [];
  /** Values SET so far, by MID (raw payload). */
  readonly set = new Map<number, Buffer>();
  port = 0;

  private constructor(readonly answer: Answer) {
    this.server = createServer((sock) => {
      this.sockets.push(sock);
      const reader = new ManagementReader({ accept: 'requests' });
      sock.on('error', () => undefined);
      sock.on('data', (chunk: Buffer) => {
        for (const ev of reader.push(chunk)) {
          if (ev.type !== 'message') continue;
          const msg = ev.message;
          const index = this.requests.length;
          this.requests.push(msg);
          if (msg.action === Action.SET) this.set.set(msg.tlvs[0].mid, msg.tlvs[0].payload);
          const reply = this.answer(msg, index, this);
          if (reply) sock.write(reply);
        }
      });
    });
  }

  static async start(t: TestContext, answer: Answer): Promise<FakePeer> {
    const peer = new FakePeer(answer);
    await new Promise<void>((r) => peer.server.listen(0, '127.0.0.1', () => r()));
    peer.port = (peer.server.address() as { port: number }).port;
    t.after(() => peer.close());
    return peer;
  }

  /** Drops every connection (a node that died). */
  kill(): void {
    for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    this.kill();
    return new Promise((r) => this.server.close(() => r()));
  }

  packetCount(): number {
    const p = this.set.get(Mid.PACKET_COUNT);
    return p ? Number(p.readBigInt64BE(0)) : 0;
  }
}

/** Records for seqid 1..n (48 bytes for a sender log, 32 for a receiver's), timestamps nonzero. */
export function logRecords(n: number, size: 48 | 32): Buffer {
  const b = Buffer.alloc(n * size);
  for (let i = 0; i < n; i++) {
    b.writeUInt32BE(i + 1, i * size);
    for (let off = 8; off < size; off += 8) b.writeBigInt64BE(1_800_000_000_000_000_000n + BigInt(i * 1000 + off), i * size + off);
  }
  return b;
}

export interface GenericOptions {
  role: 'sender' | 'receiver';
  /** TEST_STATE answers in turn; the last one repeats. Default [IDLE]. */
  testStates?: number[];
  mac?: string;
  /** PORT_LINK_STATE answers in turn; the last one repeats. Default [RUNNING]. */
  linkStates?: number[];
  /** Sync statistics (SYSMON/PTPMON offsets, UTC offset, port state, GM). */
  sync?: { offset: bigint; portState: number; gm: string };
}

/** Answers like a healthy C daemon/receiver: SET echoed, GETs with plausible values. */
export function genericAnswer(o: GenericOptions): Answer {
  let polls = 0;
  let links = 0;
  return (msg, _i, peer) => {
    const { mid, payload } = msg.tlvs[0];
    if (msg.action === Action.SET) return encodeResponse(mid, payload);
    if (msg.action === Action.GET_ERROR) return encodeErrorResponse(mid, 0, '');
    switch (mid) {
      case Mid.TEST_STATE: {
        const states = o.testStates ?? [TestState.IDLE];
        return responseFor(Mid.TEST_STATE, states[Math.min(polls++, states.length - 1)] as TestState);
      }
      case Mid.PORT_LINK_STATE: {
        const states = o.linkStates ?? [2];
        return responseFor(Mid.PORT_LINK_STATE, states[Math.min(links++, states.length - 1)] as 0 | 1 | 2);
      }
      case Mid.SYSMON_OFFSET:
        return o.sync ? responseFor(Mid.SYSMON_OFFSET, { offset: o.sync.offset, time: 1n, delay: 100n }) : encodeResponse(mid);
      case Mid.PTPMON_OFFSET:
        return o.sync ? responseFor(Mid.PTPMON_OFFSET, o.sync.offset) : encodeResponse(mid);
      case Mid.UTC_OFFSET:
        return o.sync ? responseFor(Mid.UTC_OFFSET, 0) : encodeResponse(mid);
      case Mid.PORT_STATE:
        return o.sync ? responseFor(Mid.PORT_STATE, o.sync.portState) : encodeResponse(mid);
      case Mid.GM_CLOCK_IDENTITY:
        return o.sync ? responseFor(Mid.GM_CLOCK_IDENTITY, Buffer.from(o.sync.gm, 'hex')) : encodeResponse(mid);
      case Mid.DESTINATION_MAC:
        return responseFor(Mid.DESTINATION_MAC, o.mac ?? '02:00:00:00:0b:02');
      case Mid.LOG:
        return responseFor(Mid.LOG, { logVersion: 4, records: logRecords(peer.packetCount(), o.role === 'sender' ? 48 : 32) });
      case Mid.CURRENT_CLOCK_TAI:
        return responseFor(Mid.CURRENT_CLOCK_TAI, 1_800_000_000_000_000_000n);
      case Mid.OPER_BASE_TIME: {
        const b = peer.set.get(Mid.BASE_TIME);
        return responseFor(Mid.OPER_BASE_TIME, b ? b.readBigInt64BE(0) : 0n);
      }
      default:
        return encodeResponse(mid);
    }
  };
}

/**
 * stderr without the end-of-run lines (one per pair, always last, after
 * every C line): what a C orchestrator would have printed, and those lines.
 */
export function splitSummary(stderr: string): { c: string; summary: string[] } {
  const lines = stderr.split(/(?<=\n)/);
  let i = lines.length;
  while (i > 0 && lines[i - 1].startsWith('isochron orchestrate: node ')) i--;
  return { c: lines.slice(0, i).join(''), summary: lines.slice(i).map((l) => l.trimEnd()) };
}

/** An `isochron orchestrate -F file` running in a namespace, its output collected as it comes. */
export interface RunningOrchestrator {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status. */
  readonly exited: Promise<number | null>;
  /** Waits until stdout matches `re` (the test fails if the run ends first or after `timeoutMs`). */
  waitForStdout(re: RegExp, timeoutMs?: number): Promise<void>;
}

/** Starts an orchestration in `ns`; the test kills it if it is still running at the end. */
export function spawnOrchestrate(t: TestContext, ns: string, file: string): RunningOrchestrator {
  const child = spawnIn(ns, process.execPath, [cliEntry, 'orchestrate', '-F', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitForStdout(re, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(stdout)) {
        assert.ok(child.exitCode === null && Date.now() < deadline, `never printed ${re}: ${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
