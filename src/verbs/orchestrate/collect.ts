// The end of an attempt: each valid pair's logs collected (sender, then
// receiver) into its .dat, the senders stopped, and after SIGINT/SIGTERM
// the partial logs saved.
import { resolve as resolvePath } from 'node:path';
import { isIsochronError } from '../../core/errors.js';
import { Mid, TestState } from '../../engine/mgmt/index.js';
import { countRcvRecords, countSendRecords } from '../../engine/traffic/run-summary.js';
import { RCV_RECORD_SIZE } from '../../engine/dat/layout.js';
import { RCV_DATA_TIMEOUT_MS } from '../../engine/traffic/rcv-session.js';
import { causedBy, OrchCollectFailed, OrchNodeConfig } from './errors.js';
import { failureText } from './failure-text.js';
import { saveNodeLogs } from './output.js';
import type { Orchestration, Pair } from './orchestration.js';
import { errorText } from '../../core/hints.js';

export async function collect(run: Orchestration, p: Pair): Promise<void> {
  if (!p.receiver) {
    p.status = 'done';
    return;
  }
  const o = p.plan.send;
  let sendLog: Uint8Array = new Uint8Array(0);
  run.io.out(`Collecting stats from ${p.plan.name}\n`);
  await run.step(p, async () => void (sendLog = (await run.onSender(p, (l) => l.client.getLog())).records),
    (err, d) => causedBy(OrchCollectFailed, err, 'sender', p.plan.name, d));
  if (p.status !== 'active') return;
  run.io.out(`Collecting stats from ${p.receiver.name}\n`);
  let rcvLog: Uint8Array = new Uint8Array(0);
  await run.step(p, async () => void (rcvLog = (await p.receiver!.client.getLog()).records),
    (err, d) => causedBy(OrchCollectFailed, err, 'receiver', p.receiver!.name, d));
  if (p.status !== 'active') return;
  const sent = countSendRecords(sendLog, o.omitHwts);
  p.counts = { sent: sent.sent, txTimestamped: o.timestamping ? sent.txTimestamped : null, received: countRcvRecords(rcvLog) };
  const file = resolvePath(run.cwd, o.outputFile);
  try {
    saveNodeLogs(p.plan.name, { ...o, outputFile: file }, sendLog, rcvLog);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    run.fail(p, err);
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
export async function saveInterrupted(run: Orchestration, started: Pair[]): Promise<void> {
  const withRcv = started.filter((p) => p.status === 'active' && p.receiver && p.sender && !p.sender.client.closed);
  const sendLogs = new Map<Pair, Uint8Array>();
  for (const p of withRcv) {
    try {
      sendLogs.set(p, (await p.sender!.client.getLog()).records);
    } catch (err) {
      if (!isIsochronError(err)) throw err;
      run.io.err(`Interrupted: no log from node ${p.plan.name}: ${failureText(err).detail}\n`);
    }
  }
  await stop(run, started);
  if (sendLogs.size === 0) return;
  run.io.err(`Interrupted: collecting the receivers' logs (a receiver answers up to ${RCV_DATA_TIMEOUT_MS / 1000} s after the last frame it got); interrupt again to save without them\n`);
  for (const [p, sendLog] of sendLogs) {
    const o = p.plan.send;
    let rcvLog: Uint8Array | null = null;
    if (!run.again.skip) {
      const skipped = new Promise<null>((resolve) => run.again.wait(() => resolve(null)));
      rcvLog = await Promise.race([p.receiver!.client.getLog().then((r) => r.records, () => null), skipped]);
    }
    const rcv = rcvLog ?? new Uint8Array(Number(BigInt.asUintN(32, o.numFrames)) * RCV_RECORD_SIZE);
    const sent = countSendRecords(sendLog, o.omitHwts);
    p.counts = { sent: sent.sent, txTimestamped: o.timestamping ? sent.txTimestamped : null, received: rcvLog ? countRcvRecords(rcvLog) : null };
    const file = resolvePath(run.cwd, o.outputFile);
    try {
      saveNodeLogs(p.plan.name, { ...o, outputFile: file }, sendLog, rcv);
      p.file = file;
    } catch (err) {
      if (!isIsochronError(err)) throw err;
      run.io.err(errorText(err));
    }
  }
}

export async function stop(run: Orchestration, started: Pair[]): Promise<void> {
  for (const p of run.pairs.slice().reverse()) {
    if (!started.includes(p) || !p.sender) continue;
    // A failed pair's dead connection is not worth reviving just to stop it.
    if (p.sender.client.closed && p.status === 'failed') continue;
    try {
      await run.onSender(p, (l) => l.client.set(Mid.TEST_STATE, TestState.IDLE));
    } catch (err) {
      if (!isIsochronError(err)) throw err;
      const t = failureText(err);
      const e = causedBy(OrchNodeConfig, err, 'stop the test', p.plan.name, t.detail);
      if (p.status === 'active') run.fail(p, e, t.preamble);
      else if (p.status === 'done') {
        // The file is written; the node may still be sending. Say so and exit non-zero.
        run.io.err(`${t.preamble}${e.message}\n`);
        p.error ??= e;
      }
    }
  }
}
