// `isochron orchestrate -F FILE`: drive sender daemons and their receivers
// through one test, like the C orchestrator, in its order:
//
//   parse file + exec lines -> connect (receivers, then senders)
//   -> ask receivers: DESTINATION_MAC (L2 without --dmac), LOG (flush)
//   -> configure receivers (L2/L4/PACKET_COUNT) and senders (NODE_ROLE ... CPU_MASK)
//   -> attempt: sync check x1 (initial period), wait for numChecks good checks,
//      agree base times, SET BASE_TIME + TEST_STATE=1 on every sender,
//      poll TEST_STATE + sync checks until all senders stopped,
//      validate (OPER_BASE_TIME when we moved it, GET_ERROR on a failed test),
//      collect both logs and write each pair's .dat, SET TEST_STATE=0
//   -> repeat the attempt for pairs that lost sync or had to be repeated.
//
// A sender whose connection is lost after its test started is reconnected
// (bounded retries) and its role reclaimed (NODE_ROLE 'reclaim-sender'):
// the daemon kept the run going, so the log is collected as if nothing
// happened. Our daemon only; a C daemon stopped the test when we left.
//
// Where we differ from C, on purpose: each sender and its receiver form a
// pair that fails on its own (reported with the node's name); the other
// pairs carry on and their files are still written, and the exit status is
// that of the first failure. C's endless repetition is bounded
// (maxAttempts). See docs/orchestrate.md.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { OrchestrateOptions } from './options.js';
import { clockTaiNs } from '../../args/values/clock.js';
import { IsochronError, isIsochronError } from '../../core/errors.js';
import { isMgmtRemoteError, MgmtDisconnected, Mid, TestState } from '../../engine/mgmt/index.js';
import { kernelTaiOffset } from '../../sys/time.js';
import { strerror, withErrno } from '../../sys/errors.js';
import { outputFileProblem } from '../../engine/dat/output-check.js';
import { formatMac } from '../../core/mac.js';
import { formatNs } from '../../engine/traffic/schedule.js';
import { countRcvRecords, countSendRecords, formatRunSummary } from '../../engine/traffic/run-summary.js';
import { RCV_RECORD_SIZE } from '../../engine/dat/layout.js';
import { RCV_DATA_TIMEOUT_MS } from '../../engine/traffic/rcv-session.js';
import { operBaseTimes, referenceSender } from './base-time.js';
import {
  causedBy,
  OrchBaseTimeAdvanced,
  OrchCollectFailed,
  OrchInputUnreadable,
  OrchInterrupted,
  OrchNodeConfig,
  OrchNodeLost,
  OrchNodeStart,
  OrchSaveFailed,
  OrchSyncLost,
  OrchTestFailed,
} from './errors.js';
import { parseExecLine } from './exec-line.js';
import { failureText } from './failure-text.js';
import { parseOrchestrationFile } from './ini.js';
import { nodePlan, needsReceiverMac, receiverName, receiverSettings, senderSettings, type NodePlan } from './node-config.js';
import { connectNode, isConnectionLost, type NodeLink } from './node-link.js';
import { saveNodeLogs } from './output.js';
import { SyncMonitor, type MonitoredNode } from './sync-monitor.js';
import { WaitNotice } from '../../engine/syncmon/wait-notice.js';

export interface OrchestrateIo {
  out(text: string): void;
  err(text: string): void;
}

export interface OrchestrateDeps {
  io?: OrchestrateIo;
  /** Per management request and per connection. Default 5000 ms. */
  timeoutMs?: number;
  /** Attempts per pair before a repeated failure is final. Default 5 (C: unbounded). */
  maxAttempts?: number;
  /** Aborting stops the senders and ends the run with ISOCHRON_ERR_ORCH_INTERRUPTED. */
  signal?: AbortSignal;
  /** Relative --output-file names are resolved here. Default process.cwd(). */
  cwd?: string;
  /** Floor for the polling period while a test runs (C polls back to back for --num-frames 0). Default 10 ms. */
  minPollMs?: number;
  nowTai?: () => bigint;
  kernelUtcTaiOffset?: () => number;
  /** Told of signals after the first (the CLI's handler), to skip waiting for receivers. */
  again?: SecondSignal;
}

/** Set by a second SIGINT/SIGTERM; waiters are told once. */
export class SecondSignal {
  skip = false;
  #waiters = new Set<() => void>();

  trigger(): void {
    this.skip = true;
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }

  wait(fn: () => void): void {
    if (this.skip) fn();
    else this.#waiters.add(fn);
  }
}

export type PairStatus = 'active' | 'done' | 'failed';

export interface PairOutcome {
  name: string;
  status: PairStatus;
  /** Frame counts of the logs collected (null when none were). */
  counts: Pair['counts'];
  /** The file written (resolved), when status is done and the pair has a receiver. */
  file: string | null;
  error: IsochronError | null;
}

export interface OrchestrateResult {
  /** Process exit status: 0, or the low 8 bits of the first failure's errno. */
  status: number;
  pairs: PairOutcome[];
}

const processIo: OrchestrateIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

interface Pair {
  plan: NodePlan;
  sender: NodeLink | null;
  receiver: NodeLink | null;
  status: PairStatus;
  error: IsochronError | null;
  file: string | null;
  destinationMac: Buffer | null;
  started: boolean;
  /** Frame counts of the logs collected last (the end-of-run lines); null before any. */
  counts: { sent: number; txTimestamped: number | null; received: number | null } | null;
  testState: TestState;
  operBaseTime: bigint;
  attempts: number;
  /** Lost sender connections recovered so far (at most MAX_RECOVERIES). */
  recoveries: number;
}

/** Lost sender connections a pair may recover from in one orchestration. */
const MAX_RECOVERIES = 3;

type Invalid = 'sync' | 'base-time' | 'test-failed';

class Run {
  readonly io: OrchestrateIo;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly signal: AbortSignal | undefined;
  readonly cwd: string;
  readonly minPollMs: number;
  readonly nowTai: () => bigint;
  readonly pairs: Pair[];
  monitor: SyncMonitor | null = null;
  /** A second signal while the receivers' logs are awaited after the first. */
  readonly again: SecondSignal;
  lastInvalid = new Map<Pair, { why: Invalid; detail: string }>();

  constructor(plans: NodePlan[], deps: OrchestrateDeps) {
    this.io = deps.io ?? processIo;
    this.timeoutMs = deps.timeoutMs ?? 5000;
    this.maxAttempts = Math.max(1, deps.maxAttempts ?? 5);
    this.signal = deps.signal;
    this.cwd = deps.cwd ?? process.cwd();
    this.minPollMs = deps.minPollMs ?? 10;
    this.nowTai = deps.nowTai ?? clockTaiNs;
    this.again = deps.again ?? new SecondSignal();
    this.pairs = plans.map((plan) => ({
      plan, sender: null, receiver: null, status: 'active', error: null, file: null,
      destinationMac: plan.send.destinationMac, started: false, counts: null, testState: TestState.IDLE,
      operBaseTime: plan.send.baseTime, attempts: 0, recoveries: 0,
    }));
  }

  get aborted(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** The signal's name when the abort reason is one (the CLI aborts with it). */
  get signalName(): string | null {
    const r: unknown = this.signal?.reason;
    return typeof r === 'string' ? r : null;
  }

  live(): Pair[] {
    return this.pairs.filter((p) => p.status === 'active');
  }

  /** C's node list: receivers in file order, then senders in reverse file order. */
  receiversInOrder(): Pair[] {
    return this.live().filter((p) => p.plan.receiver !== null);
  }

  sendersInOrder(): Pair[] {
    return this.live().reverse();
  }

  fail(pair: Pair, err: IsochronError, preamble = ''): void {
    if (pair.status === 'failed') return;
    this.io.err(`${preamble}${err.message}\n`);
    pair.status = 'failed';
    pair.error = err;
    this.monitor?.dropPair(pair.plan.name);
  }

  /** Runs a step for one pair; a failure becomes that pair's failure. */
  async step(pair: Pair, work: () => Promise<void>, wrap: (err: unknown, detail: string) => IsochronError): Promise<void> {
    if (pair.status !== 'active') return;
    try {
      await work();
    } catch (err) {
      if (!isIsochronError(err)) throw err;
      const t = failureText(err);
      this.fail(pair, wrap(err, t.detail), t.preamble);
    }
  }

  /**
   * A request to a sender whose test started: a lost connection is
   * reconnected, the role reclaimed and the request made again (the run
   * went on in the daemon). Anything else, or a failed recovery, is thrown.
   */
  async onSender<T>(p: Pair, work: (link: NodeLink) => Promise<T>): Promise<T> {
    try {
      return await work(p.sender!);
    } catch (err) {
      if (!p.started || !isConnectionLost(err) || p.recoveries >= MAX_RECOVERIES || this.aborted) throw err;
      p.recoveries++;
      const lost = failureText(err as IsochronError).detail.replace(/^management connection lost: /, '');
      this.io.err(`Lost the connection to node ${p.plan.name} (${lost}), reconnecting\n`);
      try {
        await p.sender!.recover({ sleep: (ms) => this.sleep(ms) });
      } catch (rerr) {
        const why = rerr instanceof Error ? rerr.message : String(rerr);
        throw causedBy(MgmtDisconnected, err, `${lost}; reconnecting to reclaim the node failed: ${why}`);
      }
      this.io.err(`Reconnected to node ${p.plan.name} and reclaimed its sender role; its test went on\n`);
      return work(p.sender!);
    }
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal?.addEventListener('abort', done, { once: true });
    });
  }

  // ---- set-up -----------------------------------------------------------

  async connect(): Promise<void> {
    const opts = { timeoutMs: this.timeoutMs };
    for (const pair of this.receiversInOrder()) {
      const name = receiverName(pair.plan.name);
      await this.step(pair, async () => {
        pair.receiver = await connectNode(name, pair.plan.receiver!, opts);
        this.io.out(`Connected to node ${name}\n`);
      }, (err) => err as IsochronError);
    }
    for (const pair of this.sendersInOrder()) {
      await this.step(pair, async () => {
        pair.sender = await connectNode(pair.plan.name, pair.plan.daemon, opts);
        this.io.out(`Connected to node ${pair.plan.name}\n`);
      }, (err) => err as IsochronError);
    }
  }

  async askReceivers(): Promise<void> {
    for (const pair of this.receiversInOrder()) {
      const link = pair.receiver!;
      if (needsReceiverMac(pair.plan)) {
        await this.step(pair, async () => {
          const mac = await link.client.get(Mid.DESTINATION_MAC);
          pair.destinationMac = Buffer.from(mac.replaceAll(':', ''), 'hex');
          this.io.out(`Destination MAC address of ${link.name} is ${formatMac(pair.destinationMac)}\n`);
        }, (err, d) => causedBy(OrchNodeConfig, err, 'get the destination MAC', link.name, d));
      }
      // Records left from an earlier test would be taken for this one's.
      await this.step(pair, async () => void (await link.client.getLog()),
        (err, d) => causedBy(OrchNodeConfig, err, 'flush the log', link.name, d));
    }
  }

  async configure(): Promise<void> {
    for (const pair of this.receiversInOrder()) {
      const link = pair.receiver!;
      for (const s of receiverSettings(pair.plan)) {
        await this.step(pair, async () => void (await link.client.set(s.mid, s.value)),
          (err, d) => causedBy(OrchNodeConfig, err, s.what, link.name, d));
      }
    }
    for (const pair of this.sendersInOrder()) {
      const link = pair.sender!;
      for (const s of senderSettings(pair.plan, pair.destinationMac)) {
        await this.step(pair, async () => void (await link.timedSet(s.mid, s.value)),
          (err, d) => causedBy(OrchNodeConfig, err, s.what, link.name, d));
      }
      if (pair.status === 'active') this.io.out(link.rttLine());
    }
  }

  // ---- one attempt ----------------------------------------------------------

  monitoredNodes(): MonitoredNode[] {
    // C builds its syncmon list by inserting each pair's sender then
    // receiver at the head: the last pair's receiver comes first.
    const out: MonitoredNode[] = [];
    for (const pair of this.receiversInOrder().reverse()) {
      const o = pair.plan.send;
      out.push(
        { link: pair.receiver!, role: 'receiver', pair: pair.plan.name, collectSyncStats: pair.plan.receiverSyncStats, syncThreshold: pair.plan.syncThreshold },
        {
          link: pair.sender!, role: 'sender', pair: pair.plan.name, collectSyncStats: pair.plan.senderSyncStats,
          syncThreshold: pair.plan.syncThreshold, numFrames: o.numFrames, cycleTime: o.cycleTime,
        },
      );
    }
    return out;
  }

  nodeLost(node: MonitoredNode, err: unknown, while_: string): void {
    const pair = this.pairs.find((p) => p.plan.name === node.pair);
    if (!pair || !isIsochronError(err)) return;
    // A started sender's lost connection is recovered by the next TEST_STATE poll.
    if (node.role === 'sender' && pair.started && isConnectionLost(err) && pair.recoveries < MAX_RECOVERIES) return;
    // The node's own reason (e.g. its ptp4l is not running), not C's "Bad message".
    const detail = isMgmtRemoteError(err) && err.extack !== '' ? `Remote error ${err.rc}: ${err.extack}` : failureText(err).detail;
    this.fail(pair, causedBy(OrchNodeLost, err, node.link.name, while_, detail));
  }

  async waitUntilSynced(): Promise<void> {
    const mon = this.monitor!;
    const notice = new WaitNotice((t) => this.io.err(t), 'before starting the senders');
    let toGo = mon.numChecks;
    for (;;) {
      if (this.aborted) return;
      if (await mon.check()) toGo--;
      else notice.tick(mon.waitingFor());
      if (toGo <= 0) return;
      await this.sleep(Number(mon.initialIntervalNs / 1_000_000n));
    }
  }

  async startSenders(): Promise<Pair[]> {
    const senders = this.sendersInOrder();
    const timings = senders.map((p) => ({
      baseTime: p.plan.send.baseTime,
      shiftTime: p.plan.send.shiftTime,
      cycleTime: p.plan.send.cycleTime,
      syncThreshold: p.plan.syncThreshold,
      maxRttNs: p.sender!.maxRttNs,
      synchronized: p.plan.senderSyncStats,
    }));
    const ref = referenceSender(timings);
    let clock = 0n;
    if (ref >= 0) {
      const pair = senders[ref];
      let ok = false;
      await this.step(pair, async () => {
        clock = await pair.sender!.client.get(Mid.CURRENT_CLOCK_TAI);
        ok = true;
      }, (err, d) => causedBy(OrchNodeConfig, err, 'read CURRENT_CLOCK_TAI', pair.plan.name, d));
      // Without its clock the others cannot be placed; try again without it.
      if (!ok) return this.startSenders();
    }
    const oper = operBaseTimes(timings, clock);
    senders.forEach((p, i) => (p.operBaseTime = oper[i]));
    for (const p of senders) {
      await this.step(p, async () => void (await p.sender!.client.set(Mid.BASE_TIME, p.operBaseTime)),
        (err, d) => causedBy(OrchNodeConfig, err, 'update base time', p.plan.name, d));
    }
    const started: Pair[] = [];
    for (const p of senders) {
      await this.step(p, async () => {
        await p.sender!.client.set(Mid.TEST_STATE, TestState.RUNNING);
        p.started = true;
        p.testState = TestState.RUNNING;
        started.push(p);
      }, (err, d) => causedBy(OrchNodeStart, err, p.plan.name, d));
    }
    for (const p of started) {
      if (p.status !== 'active') continue;
      const o = p.plan.send;
      this.io.out(`Node ${p.plan.name}: base time ${formatNs(o.baseTime)} (operational ${formatNs(p.operBaseTime)}), cycle time ${formatNs(o.cycleTime)}\n`);
    }
    return started;
  }

  /** C's prog_all_senders_stopped, except that a failed query fails that pair only. */
  async allStopped(started: Pair[]): Promise<boolean> {
    for (const p of started) {
      if (p.status !== 'active' || p.testState !== TestState.RUNNING) continue;
      try {
        p.testState = await this.onSender(p, (l) => l.client.get(Mid.TEST_STATE));
      } catch (err) {
        if (!isIsochronError(err)) throw err;
        this.io.err(`Test state missing from node ${p.plan.name} reply\n`);
        this.fail(p, causedBy(OrchNodeLost, err, p.plan.name, 'waiting for the test to end', failureText(err).detail));
        continue;
      }
      if (p.testState === TestState.RUNNING) return false;
    }
    return true;
  }

  /** Polls until every started sender stopped; false when sync was lost. */
  async monitorTest(started: Pair[]): Promise<boolean> {
    const mon = this.monitor!;
    let toGo = mon.numChecks;
    const periodMs = Math.max(this.minPollMs, Number(mon.monitorIntervalNs / 1_000_000n));
    while (!(await this.allStopped(started))) {
      if (this.aborted) return false;
      if (!(await mon.check())) toGo--;
      if (toGo <= 0) {
        this.io.err('Sync lost during the test, repeating\n');
        return false;
      }
      await this.sleep(periodMs);
    }
    return true;
  }

  async validate(p: Pair): Promise<boolean> {
    const link = p.sender!;
    if (p.operBaseTime !== p.plan.send.baseTime) {
      let theirs = 0n;
      let asked = false;
      await this.step(p, async () => {
        theirs = await this.onSender(p, (l) => l.client.get(Mid.OPER_BASE_TIME));
        asked = true;
      }, (err, d) => causedBy(OrchNodeLost, err, p.plan.name, 'reading back its operational base time', d));
      if (!asked) return false;
      if (theirs !== p.operBaseTime) {
        this.io.out(`Node ${p.plan.name} had to advance our operational base time ${formatNs(p.operBaseTime)} to ${formatNs(theirs)}, repeating test\n`);
        this.lastInvalid.set(p, { why: 'base-time', detail: '' });
        return false;
      }
    }
    if (p.testState !== TestState.FAILED) return true;
    let text = '';
    await this.step(p, async () => {
      const e = await this.onSender(p, (l) => l.client.getError(Mid.TEST_STATE));
      text = e.extack !== '' ? e.extack : `error ${e.rc}`;
    }, (err, d) => causedBy(OrchNodeLost, err, p.plan.name, 'retrieving its test exit code', d));
    if (p.status !== 'active') return false;
    this.io.err(`Node ${p.plan.name} failed, repeating test: ${text}\n`);
    this.lastInvalid.set(p, { why: 'test-failed', detail: text });
    return false;
  }

  async collect(p: Pair): Promise<void> {
    if (!p.receiver) {
      p.status = 'done';
      return;
    }
    const o = p.plan.send;
    let sendLog: Uint8Array = new Uint8Array(0);
    this.io.out(`Collecting stats from ${p.plan.name}\n`);
    await this.step(p, async () => void (sendLog = (await this.onSender(p, (l) => l.client.getLog())).records),
      (err, d) => causedBy(OrchCollectFailed, err, 'sender', p.plan.name, d));
    if (p.status !== 'active') return;
    this.io.out(`Collecting stats from ${p.receiver.name}\n`);
    let rcvLog: Uint8Array = new Uint8Array(0);
    await this.step(p, async () => void (rcvLog = (await p.receiver!.client.getLog()).records),
      (err, d) => causedBy(OrchCollectFailed, err, 'receiver', p.receiver!.name, d));
    if (p.status !== 'active') return;
    const sent = countSendRecords(sendLog, o.omitHwts);
    p.counts = { sent: sent.sent, txTimestamped: o.timestamping ? sent.txTimestamped : null, received: countRcvRecords(rcvLog) };
    const file = resolvePath(this.cwd, o.outputFile);
    try {
      saveNodeLogs(p.plan.name, { ...o, outputFile: file }, sendLog, rcvLog);
    } catch (err) {
      if (!isIsochronError(err)) throw err;
      this.fail(p, err);
      return;
    }
    p.file = file;
    p.status = 'done';
  }

  /**
   * After SIGINT/SIGTERM mid-test: each sender's log as it stands (our
   * daemon and C's drop it when the test is stopped), then every sender
   * stopped, then each receiver's log and the pair's .dat, partial. A
   * receiver answers up to 5 s after the last frame it got; that wait is
   * announced, and a second signal (`again`) skips it: the file then keeps
   * the sender's half only. The pairs still end as interrupted.
   */
  async saveInterrupted(started: Pair[]): Promise<void> {
    const withRcv = started.filter((p) => p.status === 'active' && p.receiver && p.sender && !p.sender.client.closed);
    const sendLogs = new Map<Pair, Uint8Array>();
    for (const p of withRcv) {
      try {
        sendLogs.set(p, (await p.sender!.client.getLog()).records);
      } catch (err) {
        if (!isIsochronError(err)) throw err;
        this.io.err(`Interrupted: no log from node ${p.plan.name}: ${failureText(err).detail}\n`);
      }
    }
    await this.stop(started);
    if (sendLogs.size === 0) return;
    this.io.err(`Interrupted: collecting the receivers' logs (a receiver answers up to ${RCV_DATA_TIMEOUT_MS / 1000} s after the last frame it got); interrupt again to save without them\n`);
    for (const [p, sendLog] of sendLogs) {
      const o = p.plan.send;
      let rcvLog: Uint8Array | null = null;
      if (!this.again.skip) {
        const skipped = new Promise<null>((resolve) => this.again.wait(() => resolve(null)));
        rcvLog = await Promise.race([p.receiver!.client.getLog().then((r) => r.records, () => null), skipped]);
      }
      const rcv = rcvLog ?? new Uint8Array(Number(BigInt.asUintN(32, o.numFrames)) * RCV_RECORD_SIZE);
      const sent = countSendRecords(sendLog, o.omitHwts);
      p.counts = { sent: sent.sent, txTimestamped: o.timestamping ? sent.txTimestamped : null, received: rcvLog ? countRcvRecords(rcvLog) : null };
      const file = resolvePath(this.cwd, o.outputFile);
      try {
        saveNodeLogs(p.plan.name, { ...o, outputFile: file }, sendLog, rcv);
        p.file = file;
      } catch (err) {
        if (!isIsochronError(err)) throw err;
        this.io.err(`${err.message}\n`);
      }
    }
  }

  async stop(started: Pair[]): Promise<void> {
    for (const p of this.pairs.slice().reverse()) {
      if (!started.includes(p) || !p.sender) continue;
      // A failed pair's dead connection is not worth reviving just to stop it.
      if (p.sender.client.closed && p.status === 'failed') continue;
      try {
        await this.onSender(p, (l) => l.client.set(Mid.TEST_STATE, TestState.IDLE));
      } catch (err) {
        if (!isIsochronError(err)) throw err;
        const t = failureText(err);
        const e = causedBy(OrchNodeConfig, err, 'stop the test', p.plan.name, t.detail);
        if (p.status === 'active') this.fail(p, e, t.preamble);
        else if (p.status === 'done') {
          // The file is written; the node may still be sending. Say so and exit non-zero.
          this.io.err(`${t.preamble}${e.message}\n`);
          p.error ??= e;
        }
      }
    }
  }

  async attempt(): Promise<void> {
    this.lastInvalid.clear();
    this.monitor = new SyncMonitor(this.monitoredNodes(), { out: this.io.out, err: this.io.err, nowTai: this.nowTai },
      (node, err) => this.nodeLost(node, err, 'checking its sync'));
    await this.monitor.init();
    await this.waitUntilSynced();
    if (this.aborted) return;
    const started = await this.startSenders();
    const syncOk = await this.monitorTest(started);
    const valid: Pair[] = [];
    for (const p of started) if (p.status === 'active' && (await this.validate(p))) valid.push(p);
    if (this.aborted) {
      await this.saveInterrupted(started);
      return;
    }
    if (syncOk) {
      for (const p of this.receiversInOrder()) if (valid.includes(p)) await this.collect(p);
      for (const p of valid) if (p.status === 'active') await this.collect(p); // senders without receiver
    } else {
      for (const p of started) if (p.status === 'active' && !this.lastInvalid.has(p)) this.lastInvalid.set(p, { why: 'sync', detail: '' });
    }
    await this.stop(started);
    for (const p of started) {
      if (p.status !== 'active') continue;
      p.attempts++;
      const inv = this.lastInvalid.get(p);
      if (!inv || p.attempts < this.maxAttempts) continue;
      if (inv.why === 'sync') this.fail(p, OrchSyncLost(p.plan.name, p.attempts));
      else if (inv.why === 'base-time') this.fail(p, OrchBaseTimeAdvanced(p.plan.name, p.attempts));
      else this.fail(p, OrchTestFailed(p.plan.name, p.attempts, inv.detail));
    }
  }

  /** Each pair's .dat must be writable before its test starts (C finds out after it). */
  checkOutputFiles(): void {
    for (const p of this.live()) {
      if (!p.plan.receiver) continue;
      const file = resolvePath(this.cwd, p.plan.send.outputFile);
      const problem = outputFileProblem(file);
      if (problem) {
        const detail = `${problem.what}: ${strerror(problem.errnum)} (checked before the test, nothing was sent)`;
        this.fail(p, withErrno(OrchSaveFailed(p.plan.name, file, detail), problem.errnum));
      }
    }
  }

  async run(): Promise<void> {
    this.checkOutputFiles();
    await this.connect();
    await this.askReceivers();
    await this.configure();
    while (this.live().length > 0 && !this.aborted) await this.attempt();
  }

  async close(): Promise<void> {
    const links = this.pairs.flatMap((p) => [p.receiver, p.sender]).filter((l): l is NodeLink => l !== null);
    await Promise.all(links.map((l) => l.close()));
  }

  result(): OrchestrateResult {
    let status = 0;
    for (const p of this.pairs) {
      if (this.aborted && p.status === 'active') {
        p.status = 'failed';
        p.error = OrchInterrupted();
      }
    }
    if (this.aborted) status = OrchInterrupted().exitStatus;
    else {
      const first = this.pairs.find((p) => p.error !== null);
      if (first) status = first.error!.exitStatus;
    }
    return {
      status,
      pairs: this.pairs.map((p) => ({ name: p.plan.name, status: p.status, counts: p.counts, file: p.file, error: p.error })),
    };
  }
}

/** The file's node plans; prints C's "Using the kernel UTC-TAI offset" lines. Throws file errors. */
export function planFromText(text: string, file: string, deps: OrchestrateDeps = {}): NodePlan[] {
  const io = deps.io ?? processIo;
  const kernel = deps.kernelUtcTaiOffset ?? kernelTaiOffset;
  return parseOrchestrationFile(text, file).map((node) => {
    const send = parseExecLine(node.exec, { file, node: node.name });
    return nodePlan(node, send, () => {
      const offset = kernel();
      // C prints this while parsing the exec line (send's interpret step).
      io.err(`Using the kernel UTC-TAI offset which is ${offset}\n`);
      return offset;
    });
  });
}

/** Runs an orchestration from parsed plans. Never throws IsochronErrors: they end up in the result. */
export async function orchestratePlans(plans: NodePlan[], deps: OrchestrateDeps = {}): Promise<OrchestrateResult> {
  const run = new Run(plans, deps);
  try {
    await run.run();
  } finally {
    await run.close();
  }
  if (run.aborted) run.io.err(`${OrchInterrupted().message}\n`);
  const result = run.result();
  for (const p of result.pairs) run.io.err(pairSummary(p, run.aborted, run.signalName));
  return result;
}

/** One end-of-run line per pair (src/engine/traffic/run-summary.ts). */
export function pairSummary(p: PairOutcome, aborted: boolean, signalName: string | null): string {
  const status = p.error ? p.error.exitStatus : 0;
  let reason: string | null = null;
  if (p.error) reason = p.error.code === OrchInterrupted.code ? `interrupted by ${signalName ?? 'a stop request'}` : p.error.code;
  else if (aborted) reason = null;
  return formatRunSummary({
    who: `orchestrate: node ${p.name}`,
    sent: p.counts?.sent ?? null,
    txTimestamped: p.counts ? p.counts.txTimestamped : null,
    received: p.counts?.received ?? null,
    file: p.file,
    status,
    reason,
  });
}

/** Reads, parses and runs an orchestration file. */
export async function orchestrateFile(path: string, deps: OrchestrateDeps = {}): Promise<OrchestrateResult> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw OrchInputUnreadable(path, (err as Error).message);
  }
  return orchestratePlans(planFromText(text, path, deps), deps);
}

/** The CLI entry (src/cli/verbs.ts): exit status; SIGINT/SIGTERM stop the senders first. */
export async function runOrchestrate(options: OrchestrateOptions, deps: OrchestrateDeps = {}): Promise<number> {
  const io = deps.io ?? processIo;
  const ac = new AbortController();
  const again = deps.again ?? new SecondSignal();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (ac.signal.aborted) again.trigger();
    else ac.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const res = await orchestrateFile(options.inputFile, { ...deps, io, again, signal: deps.signal ?? ac.signal });
    return res.status;
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    io.err(`${err.message}\n`);
    return err.exitStatus;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

