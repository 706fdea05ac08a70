// The sender role a client instantiates with SET NODE_ROLE 0: its
// parameters, its current test run, and the answers to every GET/SET the C
// daemon handles for it. Handlers return the reply or throw an
// IsochronError, which the dispatcher turns into an empty TLV + GET_ERROR
// entry, exactly as the C daemon answers a failed handler.
import type { IsochronError } from '../errors.js';
import { LOG_VERSION, Mid, PortLinkState, responseFor, TestState } from '../mgmt/index.js';
import { linkFlags } from '../send/link-state.js';
import { CLOCK_TAI } from '../sys/constants.js';
import { clockGettime } from '../sys/time.js';
import {
  DaemonAlreadyIdle,
  DaemonAlreadyRunning,
  DaemonInterfaceDown,
  DaemonMonitorMissing,
  DaemonMonitorNotEnabled,
  DaemonMonitorUnsupported,
  DaemonNoLog,
} from './errors.js';
import type { DaemonLog } from './log.js';
import { defaultSenderParams, PARAM_SETTERS, type SenderParams } from './params.js';
import { planFromParams } from './plan.js';
import { SenderSession, type SessionDeps } from './sender-session.js';

/** A GET/SET answer; `note` is remembered for GET_ERROR although the request succeeded. */
export interface RoleReply {
  reply: Buffer;
  note?: IsochronError;
}

const ok = (reply: Buffer): RoleReply => ({ reply });

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

  constructor(
    private readonly deps: SessionDeps,
    private readonly log: DaemonLog = deps.log,
  ) {}

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
        return ok(responseFor(Mid.LOG, { logVersion: LOG_VERSION, records: this.session.log.buffer }));
      }
      case Mid.SYSMON_OFFSET:
        throw DaemonMonitorMissing('sysmon');
      case Mid.PTPMON_OFFSET:
      case Mid.UTC_OFFSET:
      case Mid.PORT_STATE:
      case Mid.GM_CLOCK_IDENTITY:
        throw DaemonMonitorMissing('ptpmon');
      case Mid.PORT_LINK_STATE:
        return this.#linkState();
      case Mid.TEST_STATE:
        return this.#testState();
      case Mid.CURRENT_CLOCK_TAI:
        return ok(responseFor(Mid.CURRENT_CLOCK_TAI, clockGettime(CLOCK_TAI)));
      default: // OPER_BASE_TIME (the dispatcher only routes GET_MIDS here)
        return ok(responseFor(Mid.OPER_BASE_TIME, this.operBaseTime));
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
      case Mid.PTPMON_ENABLED: {
        const which = mid === Mid.SYSMON_ENABLED ? 'sysmon' : 'ptpmon';
        throw payload[0] ? DaemonMonitorUnsupported(which) : DaemonMonitorNotEnabled(which);
      }
      default: {
        const err = PARAM_SETTERS.get(mid)?.(this.params, payload);
        if (err) throw err;
      }
    }
  }

  #linkState(): RoleReply {
    try {
      const flags = linkFlags(this.params.ifname);
      return ok(responseFor(Mid.PORT_LINK_STATE, flags.running ? PortLinkState.RUNNING : PortLinkState.DOWN));
    } catch {
      // C answers "unknown" rather than failing the GET.
      this.log.line(`Failed to query port ${this.params.ifname} link state`);
      return ok(responseFor(Mid.PORT_LINK_STATE, PortLinkState.UNKNOWN));
    }
  }

  #testState(): RoleReply {
    const s = this.session;
    if (!s || s.state === 'finished') return ok(responseFor(Mid.TEST_STATE, TestState.IDLE));
    if (s.state === 'running') return ok(responseFor(Mid.TEST_STATE, TestState.RUNNING));
    return { reply: responseFor(Mid.TEST_STATE, TestState.FAILED), note: s.failure ?? undefined };
  }

  async #setTestState(state: number): Promise<void> {
    if (state === TestState.IDLE) {
      if (!this.session) throw DaemonAlreadyIdle();
      await this.teardown();
    } else if (state === TestState.RUNNING) {
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

  /** Stops a run (if any) and forgets it. */
  async teardown(): Promise<void> {
    const s = this.session;
    if (!s) return;
    await s.stop();
    if (this.session === s) this.session = null;
  }
}
