// The sender role a client instantiates with SET NODE_ROLE 0: its
// parameters, its current test run, and the answers to every GET/SET the C
// daemon handles for it. Handlers return the reply or throw an
// IsochronError, which the dispatcher turns into an empty TLV + GET_ERROR
// entry, exactly as the C daemon answers a failed handler.
import { encodeValue, LOG_VERSION, logPayloadParts, Mid, PortLinkState, TestState, type GetResult } from '../../engine/mgmt/index.js';
import { linkFlags } from '../../engine/sender/link-state.js';
import { CLOCK_TAI } from '../../sys/constants.js';
import { clockGettime } from '../../sys/time.js';
import {
  DaemonAlreadyIdle,
  DaemonAlreadyRunning,
  DaemonInterfaceDown,
  DaemonNoLog,
} from './errors.js';
import type { DaemonLog } from './log.js';
import { defaultSenderParams, PARAM_SETTERS, type SenderParams } from './params.js';
import { planFromParams } from './plan.js';
import { SenderSession, type SessionDeps } from './sender-session.js';
import { SenderSync, type SenderSyncDeps } from './sync.js';

/** A GET answer (the value's payload); `note` is remembered for GET_ERROR although the request succeeded. */
export type RoleReply = GetResult & { kind: 'reply' };

const ok = (payload: Buffer): RoleReply => ({ kind: 'reply', payload });

/** Answered by the C daemon without a role (everything else needs one). */
export const ROLELESS_GETS: ReadonlySet<number> = new Set([Mid.CURRENT_CLOCK_TAI]);

/** MIDs with a GET handler in the C daemon. */
export const GET_MIDS: ReadonlySet<number> = new Set([
  Mid.LOG,
  Mid.SYSMON_OFFSET,
  Mid.PTPMON_OFFSET,
  Mid.UTC_OFFSET,
  Mid.PORT_STATE,
  Mid.PORT_LINK_STATE,
  Mid.GM_CLOCK_IDENTITY,
  Mid.TEST_STATE,
  Mid.CURRENT_CLOCK_TAI,
  Mid.OPER_BASE_TIME,
]);

/** MIDs with a SET handler in the C daemon (besides NODE_ROLE, which the dispatcher owns). */
export const SET_MIDS: ReadonlySet<number> = new Set([
  ...PARAM_SETTERS.keys(),
  Mid.UTC_OFFSET,
  Mid.TEST_STATE,
  Mid.SYSMON_ENABLED,
  Mid.PTPMON_ENABLED,
  Mid.NODE_ROLE,
]);

/** The be16 UTC offset C keeps in an int. */
function readU16(payload: Buffer): number {
  return payload.readUInt16BE(0);
}

export class SenderRole {
  readonly params: SenderParams = defaultSenderParams();
  session: SenderSession | null = null;
  /** C keeps the last run's operational base time (0 before the first run). */
  operBaseTime = 0n;
  /** ptp4l and PHC monitors (SET PTPMON_ENABLED / SYSMON_ENABLED). */
  readonly sync: SenderSync;

  constructor(
    private readonly deps: SessionDeps,
    private readonly log: DaemonLog = deps.log,
    syncDeps: Partial<SenderSyncDeps> = {},
  ) {
    const observer = deps.metrics?.sync(() => this.params.ifname);
    this.sync = new SenderSync(this.params, { log, ...(deps.dev ? { sysmon: { io: deps.dev } } : {}), ...(observer ? { observer } : {}), ...syncDeps });
  }

  get running(): boolean {
    return this.session?.running ?? false;
  }

  async get(mid: number): Promise<RoleReply> {
    switch (mid) {
      case Mid.LOG: {
        if (!this.session) throw DaemonNoLog();
        // A snapshot: while the loops run this is the partial log, as in C.
        // Unlike C, reading does not clear it (a second reader, or a retry
        // after a lost reply, gets the same data).
        // Streamed from the log itself (parts, not a copy): any number of
        // readers cost one log, read live as C's write() reads it.
        return { kind: 'reply', payload: logPayloadParts({ logVersion: LOG_VERSION, records: this.session.log.buffer }) };
      }
      case Mid.SYSMON_OFFSET:
        return ok(encodeValue(Mid.SYSMON_OFFSET, this.sync.sysmonOffset()));
      case Mid.PTPMON_OFFSET:
        return ok(encodeValue(Mid.PTPMON_OFFSET, await this.sync.ptpmonOffset()));
      case Mid.UTC_OFFSET:
        return ok(encodeValue(Mid.UTC_OFFSET, await this.sync.utcOffset()));
      case Mid.PORT_STATE:
        return ok(encodeValue(Mid.PORT_STATE, await this.sync.portState()));
      case Mid.GM_CLOCK_IDENTITY:
        return ok(encodeValue(Mid.GM_CLOCK_IDENTITY, await this.sync.gmClockIdentity()));
      case Mid.PORT_LINK_STATE:
        return this.#linkState();
      case Mid.TEST_STATE:
        return this.#testState();
      case Mid.CURRENT_CLOCK_TAI:
        return ok(encodeValue(Mid.CURRENT_CLOCK_TAI, clockGettime(CLOCK_TAI)));
      default: // OPER_BASE_TIME (the dispatcher only routes GET_MIDS here)
        return ok(encodeValue(Mid.OPER_BASE_TIME, this.operBaseTime));
    }
  }

  /** SET of anything but NODE_ROLE; payload length already checked. The dispatcher echoes the payload. */
  async set(mid: number, payload: Buffer): Promise<void> {
    switch (mid) {
      case Mid.UTC_OFFSET:
        // Stored only: the kernel offset is written when a test starts
        // (C writes it here already, and again at the start).
        this.params.utcOffset = readU16(payload);
        return;
      case Mid.TEST_STATE:
        await this.#setTestState(payload[0]);
        return;
      case Mid.SYSMON_ENABLED:
        this.sync.setSysmonEnabled(payload[0] !== 0);
        return;
      case Mid.PTPMON_ENABLED:
        await this.sync.setPtpmonEnabled(payload[0] !== 0);
        return;
      default: {
        const err = PARAM_SETTERS.get(mid)?.(this.params, payload);
        if (err) throw err;
      }
    }
  }

  #linkState(): RoleReply {
    try {
      const flags = linkFlags(this.params.ifname);
      return ok(encodeValue(Mid.PORT_LINK_STATE, flags.running ? PortLinkState.RUNNING : PortLinkState.DOWN));
    } catch {
      // C answers "unknown" rather than failing the GET, and keeps the text
      // for GET_ERROR next to rc 0.
      const extack = `Failed to query port ${this.params.ifname} link state`;
      this.log.line(extack);
      return { ...ok(encodeValue(Mid.PORT_LINK_STATE, PortLinkState.UNKNOWN)), note: { rc: 0, extack } };
    }
  }

  #testState(): RoleReply {
    const s = this.session;
    if (!s || s.state === 'finished') return ok(encodeValue(Mid.TEST_STATE, TestState.IDLE));
    if (s.state === 'running') return ok(encodeValue(Mid.TEST_STATE, TestState.RUNNING));
    const reply = ok(encodeValue(Mid.TEST_STATE, TestState.FAILED));
    return s.failure ? { ...reply, note: { rc: s.failure.errno, extack: s.failure.message } } : reply;
  }

  async #setTestState(state: number): Promise<void> {
    if (state === TestState.IDLE) {
      if (!this.session) throw DaemonAlreadyIdle();
      await this.#stopSession();
    } else if (state === TestState.RUNNING) {
      if (this.session) throw DaemonAlreadyRunning();
      // The loop threads up before the session start is read (see LoopPools.prestart).
      await this.deps.pools.prestart().catch(() => undefined);
      if (this.session) throw DaemonAlreadyRunning();
      this.#start();
    }
    // Any other value is echoed and ignored, as by the C daemon.
  }

  #start(): void {
    const { ifname } = this.params;
    if (!linkFlags(ifname).up) throw DaemonInterfaceDown(ifname);
    const plan = planFromParams(this.params);
    this.session = SenderSession.start(plan, this.deps);
    this.operBaseTime = this.session.operBaseTime;
  }

  /** The role is dropped (NODE_ROLE again, its client left, shutdown): run stopped, monitors closed. */
  async teardown(): Promise<void> {
    this.sync.close();
    await this.#stopSession();
  }

  /** Stops a run (if any) and forgets it. */
  async #stopSession(): Promise<void> {
    const s = this.session;
    if (!s) return;
    await s.stop();
    if (this.session === s) this.session = null;
  }
}
