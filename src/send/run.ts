// `isochron send`: the verb's entry (src/cli/verbs.ts). Refuses what this
// build cannot do yet (sync monitoring), settles the UTC-TAI offset like C,
// then runs sessions until one keeps sync (C repeats a session whose sync
// monitor failed, on a fresh connection). SIGINT/SIGTERM stop the sender
// cleanly: the session still ends normally, collects and saves.
import type { SendOptions } from '../cli/options/send.js';
import { isIsochronError } from '../errors.js';
import { SendSyncUnsupported } from './errors.js';
import { processIo, type SendIo } from './io.js';
import { LoopPools } from './loops.js';
import { planSend, type SendPlan } from './plan.js';
import { runSession, StopSignal, type SessionContext, type SessionOutcome } from './session.js';
import { resolveUtcTaiOffset } from './utc-offset.js';

export interface RunSendDeps {
  io?: SendIo;
  signal?: StopSignal;
  /** Extra session settings (fake NIC ioctls, benchmark observer). */
  session?: Partial<Pick<SessionContext, 'dev' | 'onSent'>>;
  /** Listen to SIGINT/SIGTERM (the CLI does; in-process tests use `signal`). */
  handleSignals?: boolean;
}

export type SendResult = Extract<SessionOutcome, { kind: 'done' }>;

/** Runs a whole send; resolves to the outcome of the last session. Throws IsochronErrors. */
export async function sendWithPlan(plan: SendPlan, deps: RunSendDeps = {}): Promise<SendResult> {
  const io = deps.io ?? processIo;
  if (!plan.omitSync) throw SendSyncUnsupported(plan.syncThreshold ?? -1n);
  const utcTaiOffset = resolveUtcTaiOffset(plan.utcTaiOffset, io);
  const signal = deps.signal ?? new StopSignal();
  const onSignal = (): void => signal.trigger();
  if (deps.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const pools = new LoopPools();
  try {
    for (;;) {
      const outcome = await runSession({ plan, io, pools, signal, utcTaiOffset, ...deps.session });
      if (outcome.kind === 'done') return outcome;
    }
  } finally {
    if (deps.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    await pools.destroy();
  }
}

/** The CLI entry: prints errors like C (message on stderr) and resolves to the exit status. */
export async function runSend(options: SendOptions, deps: RunSendDeps = { handleSignals: true }): Promise<number> {
  const io = deps.io ?? processIo;
  try {
    const res = await sendWithPlan(planSend(options), { ...deps, io });
    return res.status;
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    io.err(`${err.message}\n`);
    return err.exitStatus;
  }
}
