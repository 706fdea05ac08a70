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
import type { OrchestrateOptions } from './options.js';
import { isIsochronError } from '../../core/errors.js';
import { processStreams } from '../../core/output.js';
import { kernelTaiOffset } from '../../sys/time.js';
import { formatRunSummary } from '../../engine/traffic/run-summary.js';
import { OrchInputUnreadable, OrchInterrupted } from './errors.js';
import { parseExecLine } from './exec-line.js';
import { parseOrchestrationFile } from './ini.js';
import { nodePlan, type NodePlan } from './node-config.js';
import { Orchestration, SecondSignal, type OrchestrateDeps, type OrchestrateResult, type PairOutcome } from './orchestration.js';
import { askReceivers, checkOutputFiles, configure, connect } from './setup.js';
import { attempt } from './attempt.js';
import { progressTerminal, StatusLine } from '../../engine/progress/status-line.js';
import { errorText } from '../../core/hints.js';

/** The file's node plans; prints C's "Using the kernel UTC-TAI offset" lines. Throws file errors. */
export function planFromText(text: string, file: string, deps: OrchestrateDeps = {}): NodePlan[] {
  const io = deps.io ?? processStreams;
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
  const run = new Orchestration(plans, deps);
  try {
    checkOutputFiles(run);
    await connect(run);
    await askReceivers(run);
    await configure(run);
    while (run.live().length > 0 && !run.aborted) await attempt(run);
  } finally {
    run.progress.show(() => null);
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
  // Only the CLI's own streams can share a terminal with the status line.
  const progress = deps.progress ?? new StatusLine(deps.io ? null : progressTerminal(options.noProgress));
  const io = progress.wrap(deps.io ?? processStreams);
  const ac = new AbortController();
  const again = deps.again ?? new SecondSignal();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (ac.signal.aborted) again.trigger();
    else ac.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const res = await orchestrateFile(options.inputFile, { ...deps, io, again, progress, signal: deps.signal ?? ac.signal });
    return res.status;
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    io.err(errorText(err));
    return err.exitStatus;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
