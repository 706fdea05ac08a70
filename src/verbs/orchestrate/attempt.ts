// One attempt at the test, C's order: sync check x1 (initial period),
// wait for numChecks good checks, agree base times, SET BASE_TIME +
// TEST_STATE=1 on every sender, poll TEST_STATE + sync checks until all
// senders stopped, validate (OPER_BASE_TIME when we moved it, GET_ERROR on
// a failed test), collect, stop; a pair that must be repeated counts an
// attempt, up to maxAttempts.
import { isIsochronError } from '../../core/errors.js';
import { isMgmtRemoteError, Mid, TestState } from '../../engine/mgmt/index.js';
import { firstBaseTime, formatNs } from '../../engine/traffic/schedule.js';
import { WaitNotice } from '../../engine/syncmon/wait-notice.js';
import { operBaseTimes, referenceSender } from './base-time.js';
import { causedBy, OrchBaseTimeAdvanced, OrchNodeConfig, OrchNodeLost, OrchNodeStart, OrchSyncLost, OrchTestFailed } from './errors.js';
import { failureText } from './failure-text.js';
import { isConnectionLost } from './node-link.js';
import { MAX_RECOVERIES, type Orchestration, type Pair } from './orchestration.js';
import { SyncMonitor, type MonitoredNode } from './sync-monitor.js';
import { collect, saveInterrupted, stop } from './collect.js';
import { orchestratingLine, waitingForSyncLine, type PairProgress } from '../../engine/progress/lines.js';

export function monitoredNodes(run: Orchestration): MonitoredNode[] {
  // C builds its syncmon list by inserting each pair's sender then
  // receiver at the head: the last pair's receiver comes first.
  const out: MonitoredNode[] = [];
  for (const pair of run.receiversInOrder().reverse()) {
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

export function nodeLost(run: Orchestration, node: MonitoredNode, err: unknown, while_: string): void {
  const pair = run.pairs.find((p) => p.plan.name === node.pair);
  if (!pair || !isIsochronError(err)) return;
  // A started sender's lost connection is recovered by the next TEST_STATE poll.
  if (node.role === 'sender' && pair.started && isConnectionLost(err) && pair.recoveries < MAX_RECOVERIES) return;
  // The node's own reason (e.g. its ptp4l is not running), not C's "Bad message".
  const detail = isMgmtRemoteError(err) && err.extack !== '' ? `Remote error ${err.rc}: ${err.extack}` : failureText(err).detail;
  run.fail(pair, causedBy(OrchNodeLost, err, node.link.name, while_, detail));
}

export async function waitUntilSynced(run: Orchestration): Promise<void> {
  const mon = run.monitor!;
  const notice = new WaitNotice((t) => run.io.err(t), 'before starting the senders');
  const since = performance.now();
  run.progress.show(() => waitingForSyncLine('orchestrate', performance.now() - since, mon.waitingFor()));
  let toGo = mon.numChecks;
  for (;;) {
    if (run.aborted) return;
    if (await mon.check()) toGo--;
    else notice.tick(mon.waitingFor());
    if (toGo <= 0) return;
    await run.sleep(Number(mon.initialIntervalNs / 1_000_000n));
  }
}

export async function startSenders(run: Orchestration): Promise<Pair[]> {
  const senders = run.sendersInOrder();
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
    await run.step(pair, async () => {
      clock = await pair.sender!.client.get(Mid.CURRENT_CLOCK_TAI);
      ok = true;
    }, (err, d) => causedBy(OrchNodeConfig, err, 'read CURRENT_CLOCK_TAI', pair.plan.name, d));
    // Without its clock the others cannot be placed; try again without it.
    if (!ok) return startSenders(run);
  }
  const oper = operBaseTimes(timings, clock);
  senders.forEach((p, i) => (p.operBaseTime = oper[i]));
  for (const p of senders) {
    await run.step(p, async () => void (await p.sender!.client.set(Mid.BASE_TIME, p.operBaseTime)),
      (err, d) => causedBy(OrchNodeConfig, err, 'update base time', p.plan.name, d));
  }
  const started: Pair[] = [];
  for (const p of senders) {
    await run.step(p, async () => {
      await p.sender!.client.set(Mid.TEST_STATE, TestState.RUNNING);
      p.started = true;
      p.testState = TestState.RUNNING;
      started.push(p);
    }, (err, d) => causedBy(OrchNodeStart, err, p.plan.name, d));
  }
  for (const p of started) {
    if (p.status !== 'active') continue;
    const o = p.plan.send;
    run.io.out(`Node ${p.plan.name}: base time ${formatNs(o.baseTime)} (operational ${formatNs(p.operBaseTime)}), cycle time ${formatNs(o.cycleTime)}\n`);
  }
  return started;
}

/** C's prog_all_senders_stopped, except that a failed query fails that pair only. */
export async function allStopped(run: Orchestration, started: Pair[]): Promise<boolean> {
  for (const p of started) {
    if (p.status !== 'active' || p.testState !== TestState.RUNNING) continue;
    try {
      p.testState = await run.onSender(p, (l) => l.client.get(Mid.TEST_STATE));
    } catch (err) {
      if (!isIsochronError(err)) throw err;
      run.io.err(`Test state missing from node ${p.plan.name} reply\n`);
      run.fail(p, causedBy(OrchNodeLost, err, p.plan.name, 'waiting for the test to end', failureText(err).detail));
      continue;
    }
    if (p.testState === TestState.RUNNING) return false;
  }
  return true;
}

/**
 * Where each started pair's schedule is: frames due by now from its
 * operational base time and cycle time (the daemons are not asked: C's
 * management protocol has no sent counter, and a poll per refresh would load
 * the nodes under test).
 *
 * An operational base time already past at `startedTai` (the CLOCK_TAI the
 * test started at) is the user's own (no synchronized sender to agree one
 * on): the sender rolls it forward past its own start, so the schedule is
 * estimated the same way from `startedTai` (else every frame would show as
 * due from the first refresh).
 */
export function scheduleProgress(started: readonly Pair[], nowTai: bigint, startedTai?: bigint): PairProgress[] {
  return started.map((p) => {
    const { cycleTime, numFrames, shiftTime } = p.plan.send;
    const total = Number(numFrames);
    const rolled = startedTai !== undefined && p.operBaseTime < startedTai && cycleTime > 0n;
    const base = rolled ? firstBaseTime(p.operBaseTime, shiftTime ?? 0n, cycleTime, startedTai) : p.operBaseTime;
    const elapsed = nowTai - base;
    let due = elapsed < 0n || cycleTime <= 0n ? 0 : Number(elapsed / cycleTime) + 1;
    if (total > 0) due = Math.min(due, total);
    return { name: p.plan.name, due, total };
  });
}

/** Polls until every started sender stopped; false when sync was lost. */
export async function monitorTest(run: Orchestration, started: Pair[]): Promise<boolean> {
  const mon = run.monitor!;
  const since = performance.now();
  const startedTai = run.nowTai();
  run.progress.show(() => orchestratingLine(performance.now() - since, scheduleProgress(started, run.nowTai(), startedTai)));
  let toGo = mon.numChecks;
  const periodMs = Math.max(run.minPollMs, Number(mon.monitorIntervalNs / 1_000_000n));
  while (!(await allStopped(run, started))) {
    if (run.aborted) return false;
    if (!(await mon.check())) toGo--;
    if (toGo <= 0) {
      run.io.err('Sync lost during the test, repeating\n');
      return false;
    }
    await run.sleep(periodMs);
  }
  return true;
}

export async function validate(run: Orchestration, p: Pair): Promise<boolean> {
  if (p.operBaseTime !== p.plan.send.baseTime) {
    let theirs = 0n;
    let asked = false;
    await run.step(p, async () => {
      theirs = await run.onSender(p, (l) => l.client.get(Mid.OPER_BASE_TIME));
      asked = true;
    }, (err, d) => causedBy(OrchNodeLost, err, p.plan.name, 'reading back its operational base time', d));
    if (!asked) return false;
    if (theirs !== p.operBaseTime) {
      run.io.out(`Node ${p.plan.name} had to advance our operational base time ${formatNs(p.operBaseTime)} to ${formatNs(theirs)}, repeating test\n`);
      run.lastInvalid.set(p, { why: 'base-time', detail: '' });
      return false;
    }
  }
  if (p.testState !== TestState.FAILED) return true;
  let text = '';
  await run.step(p, async () => {
    const e = await run.onSender(p, (l) => l.client.getError(Mid.TEST_STATE));
    text = e.extack !== '' ? e.extack : `error ${e.rc}`;
  }, (err, d) => causedBy(OrchNodeLost, err, p.plan.name, 'retrieving its test exit code', d));
  if (p.status !== 'active') return false;
  run.io.err(`Node ${p.plan.name} failed, repeating test: ${text}\n`);
  run.lastInvalid.set(p, { why: 'test-failed', detail: text });
  return false;
}

export async function attempt(run: Orchestration): Promise<void> {
  run.lastInvalid.clear();
  run.monitor = new SyncMonitor(monitoredNodes(run), { out: run.io.out, err: run.io.err, nowTai: run.nowTai },
    (node, err) => nodeLost(run, node, err, 'checking its sync'));
  await run.monitor.init();
  await waitUntilSynced(run);
  if (run.aborted) return;
  const started = await startSenders(run);
  const syncOk = await monitorTest(run, started);
  run.progress.show(() => 'orchestrate: collecting the logs');
  const valid: Pair[] = [];
  for (const p of started) if (p.status === 'active' && (await validate(run, p))) valid.push(p);
  if (run.aborted) {
    await saveInterrupted(run, started);
    return;
  }
  if (syncOk) {
    for (const p of run.receiversInOrder()) if (valid.includes(p)) await collect(run, p);
    for (const p of valid) if (p.status === 'active') await collect(run, p); // senders without receiver
  } else {
    for (const p of started) if (p.status === 'active' && !run.lastInvalid.has(p)) run.lastInvalid.set(p, { why: 'sync', detail: '' });
  }
  await stop(run, started);
  for (const p of started) {
    if (p.status !== 'active') continue;
    p.attempts++;
    const inv = run.lastInvalid.get(p);
    if (!inv || p.attempts < run.maxAttempts) continue;
    if (inv.why === 'sync') run.fail(p, OrchSyncLost(p.plan.name, p.attempts));
    else if (inv.why === 'base-time') run.fail(p, OrchBaseTimeAdvanced(p.plan.name, p.attempts));
    else run.fail(p, OrchTestFailed(p.plan.name, p.attempts, inv.detail));
  }
}
