// One orchestration's state: the pairs (a sender and its receiver, as the
// file lists them), their links and progress, and the rules every step
// shares: C's node order, a failure fails its pair only, a lost sender
// connection mid-test is reconnected and its role reclaimed. The steps are
// setup.ts (before the first attempt), attempt.ts (one test) and
// collect.ts (logs, files, stopping); run.ts sequences them.
import { StatusLine } from '../../engine/progress/status-line.js';
import { clockTaiNs } from '../../args/values/clock.js';
import { IsochronError, isIsochronError } from '../../core/errors.js';
import { processStreams, type OutputStreams } from '../../core/output.js';
import { MgmtDisconnected, TestState } from '../../engine/mgmt/index.js';
import { causedBy, OrchInterrupted } from './errors.js';
import { failureText } from './failure-text.js';
import type { NodePlan } from './node-config.js';
import { isConnectionLost, type NodeLink } from './node-link.js';
import type { SyncMonitor } from './sync-monitor.js';
import { errorText } from '../../core/hints.js';

export interface OrchestrateDeps {
  io?: OutputStreams;
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
  /** The live status line (src/engine/progress); the CLI draws one on a terminal. */
  progress?: StatusLine;
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

export interface Pair {
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
export const MAX_RECOVERIES = 3;

export type Invalid = 'sync' | 'base-time' | 'test-failed';

export class Orchestration {
  readonly io: OutputStreams;
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
  /** Where the run's phase is shown (a disabled line off a terminal). */
  readonly progress: StatusLine;

  constructor(plans: NodePlan[], deps: OrchestrateDeps) {
    this.io = deps.io ?? processStreams;
    this.progress = deps.progress ?? new StatusLine(null);
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
    this.io.err(`${preamble}${errorText(err)}`);
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
