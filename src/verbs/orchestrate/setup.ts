// Before the first attempt, in C's order: every pair's .dat checked
// writable (ours: C finds out after the test), connect (receivers, then
// senders), ask the receivers (DESTINATION_MAC when needed, LOG to flush),
// then configure receivers and senders. A failing step fails its pair.
import { resolve as resolvePath } from 'node:path';
import { IsochronError } from '../../core/errors.js';
import { formatMac, parseMac } from '../../core/mac.js';
import { Mid } from '../../engine/mgmt/index.js';
import { strerror } from '../../core/errno-text.js';
import { outputFileProblem } from '../../engine/dat/output-check.js';
import { causedBy, OrchNodeConfig, OrchSaveFailed } from './errors.js';
import { needsReceiverMac, receiverName, receiverSettings, senderSettings } from './node-config.js';
import { connectNode } from './node-link.js';
import type { Orchestration } from './orchestration.js';

/** Each pair's .dat must be writable before its test starts (C finds out after it). */
export function checkOutputFiles(run: Orchestration): void {
  for (const p of run.live()) {
    if (!p.plan.receiver) continue;
    const file = resolvePath(run.cwd, p.plan.send.outputFile);
    const problem = outputFileProblem(file);
    if (problem) {
      const detail = `${problem.what}: ${strerror(problem.errnum)} (checked before the test, nothing was sent)`;
      run.fail(p, OrchSaveFailed.with({ errno: problem.errnum }, p.plan.name, file, detail));
    }
  }
}

export async function connect(run: Orchestration): Promise<void> {
  const opts = { timeoutMs: run.timeoutMs };
  for (const pair of run.receiversInOrder()) {
    const name = receiverName(pair.plan.name);
    await run.step(pair, async () => {
      pair.receiver = await connectNode(name, pair.plan.receiver!, opts);
      run.io.out(`Connected to node ${name}\n`);
    }, (err) => err as IsochronError);
  }
  for (const pair of run.sendersInOrder()) {
    await run.step(pair, async () => {
      pair.sender = await connectNode(pair.plan.name, pair.plan.daemon, opts);
      run.io.out(`Connected to node ${pair.plan.name}\n`);
    }, (err) => err as IsochronError);
  }
}

export async function askReceivers(run: Orchestration): Promise<void> {
  for (const pair of run.receiversInOrder()) {
    const link = pair.receiver!;
    if (needsReceiverMac(pair.plan)) {
      await run.step(pair, async () => {
        // The management decoder writes a MAC in formatMac's form, which parseMac always reads.
        pair.destinationMac = parseMac(await link.client.get(Mid.DESTINATION_MAC))!;
        run.io.out(`Destination MAC address of ${link.name} is ${formatMac(pair.destinationMac)}\n`);
      }, (err, d) => causedBy(OrchNodeConfig, err, 'get the destination MAC', link.name, d));
    }
    // Records left from an earlier test would be taken for this one's.
    await run.step(pair, async () => void (await link.client.getLog()),
      (err, d) => causedBy(OrchNodeConfig, err, 'flush the log', link.name, d));
  }
}

export async function configure(run: Orchestration): Promise<void> {
  for (const pair of run.receiversInOrder()) {
    const link = pair.receiver!;
    for (const s of receiverSettings(pair.plan)) {
      await run.step(pair, async () => void (await link.client.set(s.mid, s.value)),
        (err, d) => causedBy(OrchNodeConfig, err, s.what, link.name, d));
    }
  }
  for (const pair of run.sendersInOrder()) {
    const link = pair.sender!;
    for (const s of senderSettings(pair.plan, pair.destinationMac)) {
      await run.step(pair, async () => void (await link.timedSet(s.mid, s.value)),
        (err, d) => causedBy(OrchNodeConfig, err, s.what, link.name, d));
    }
    if (pair.status === 'active') run.io.out(link.rttLine());
  }
}
