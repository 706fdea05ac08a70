// What the daemon answers to each TLV of a request, for every connection:
// the C daemon's isochron_mgmt_event + its ops table, in the same order of
// checks (unknown MID, no handler, SET length, role, handler), plus the one
// rule a multi-client daemon needs: a test belongs to the connection that
// set up the sender role, and nobody else can change it.
//
//   while a test runs:            every SET except its owner's TEST_STATE
//                                 -> -EBUSY "Test running, parameters are locked"
//   after it ended, until idle:   SETs from other connections -> -EBUSY (owner's go through)
//   always:                       GETs and GET_ERROR (read-only; GET LOG does not clear)
//
// Each connection has its own GET_ERROR table: one client's failures never
// overwrite what another is about to ask about.
import { IsochronError } from '../errors.js';
import type { ManagementMessage } from '../mgmt/codec.js';
import {
  Action,
  emptyResponse,
  encodeResponse,
  isKnownMid,
  Mid,
  MidErrorTable,
  midName,
  payloadSize,
  TLV_MANAGEMENT,
  type Mid as MidId,
} from '../mgmt/index.js';
import { DaemonLocked, DaemonNotOwner, DaemonRoleMissing, DaemonSetLength, DaemonUnexpectedRole, DaemonUnhandled, DaemonTestFailed } from './errors.js';
import type { DaemonLog } from './log.js';
import { GET_MIDS, ROLELESS_GETS, SenderRole, SET_MIDS } from './role.js';
import type { SessionDeps } from './sender-session.js';

/** What the dispatcher knows about a connection. */
export interface Peer {
  readonly id: number;
  readonly errors: MidErrorTable;
  /** Sends one reply; resolves when the peer may be sent more (backpressure). */
  send(reply: Buffer): Promise<void>;
}

export class Dispatcher {
  role: SenderRole | null = null;
  /** The connection that instantiated the role: it owns the role's tests. */
  owner: number | null = null;

  constructor(private readonly deps: SessionDeps) {}

  private get log(): DaemonLog {
    return this.deps.log;
  }

  /**
   * Answers one request message: one reply message per TLV, in order, as C
   * sends them. Each is sent before the next TLV is handled, so a message
   * of many LOG requests never holds many logs in memory at once.
   */
  async handle(peer: Peer, msg: ManagementMessage): Promise<void> {
    for (const tlv of msg.tlvs) {
      if (tlv.tlvType !== TLV_MANAGEMENT) {
        // C skips these without a word; a log line costs nothing.
        this.log.line(`Ignored TLV of type ${tlv.tlvType} (MID ${tlv.mid})`);
        continue;
      }
      if (!isKnownMid(tlv.mid)) {
        this.log.line(`Unrecognized MID ${tlv.mid}`);
        await peer.send(emptyResponse(tlv.mid));
        continue;
      }
      const mid = tlv.mid;
      if (msg.action === Action.GET_ERROR) await peer.send(peer.errors.replyFor(mid));
      else if (msg.action === Action.GET) await peer.send(await this.#answer(peer, mid, () => this.#get(mid)));
      else await peer.send(await this.#answer(peer, mid, () => this.#set(peer, mid, tlv.payload)));
    }
  }

  /** Runs a handler; a failure becomes an empty TLV and a GET_ERROR entry. */
  async #answer(peer: Peer, mid: MidId, run: () => Promise<{ reply: Buffer; note?: IsochronError }>): Promise<Buffer> {
    try {
      const { reply, note } = await run();
      if (note) peer.errors.record(mid, note.errno, note.message);
      else peer.errors.record(mid, 0);
      return reply;
    } catch (err) {
      // Anything that is not one of our errors is a bug: answer it like a
      // failed handler rather than take the daemon (and its test) down.
      const e = err instanceof IsochronError ? err : DaemonTestFailed(`${midName(mid)} handler`, String(err));
      peer.errors.record(mid, e.errno, e.message);
      this.log.line(e.message);
      return emptyResponse(mid);
    }
  }

  async #get(mid: MidId): Promise<{ reply: Buffer; note?: IsochronError }> {
    if (!GET_MIDS.has(mid)) throw DaemonUnhandled('GET', midName(mid));
    if (!this.role && !ROLELESS_GETS.has(mid)) throw DaemonRoleMissing();
    return (this.role ?? new SenderRole(this.deps)).get(mid);
  }

  async #set(peer: Peer, mid: MidId, payload: Buffer): Promise<{ reply: Buffer }> {
    if (!SET_MIDS.has(mid)) throw DaemonUnhandled('SET', midName(mid));
    const size = payloadSize(mid) as number;
    if (payload.length !== size) throw DaemonSetLength(size, midName(mid), payload.length);
    this.#checkLock(peer, mid);
    if (mid === Mid.NODE_ROLE) await this.#setRole(peer, payload.readInt32BE(0));
    else if (!this.role) throw DaemonRoleMissing();
    else await this.role.set(mid, payload);
    // C's ack: the request's payload echoed back.
    return { reply: encodeResponse(mid, payload) };
  }

  #checkLock(peer: Peer, mid: MidId): void {
    const session = this.role?.session;
    if (!session) return;
    const isOwner = peer.id === this.owner;
    if (session.running && !(isOwner && mid === Mid.TEST_STATE)) throw DaemonLocked();
    if (!isOwner) throw DaemonNotOwner();
  }

  async #setRole(peer: Peer, role: number): Promise<void> {
    if (role !== 0) throw DaemonUnexpectedRole(role);
    // C frees the previous sender (stopping its run) and starts afresh.
    await this.role?.teardown();
    this.role = new SenderRole(this.deps);
    this.owner = peer.id;
  }

  /** A connection went away: C tears the sender down when its client leaves. */
  async disconnected(peer: Peer): Promise<void> {
    if (peer.id !== this.owner) return;
    const role = this.role;
    this.role = null;
    this.owner = null;
    if (role?.session) this.log.line('The client that owns the sender role disconnected: stopping its test');
    await role?.teardown();
  }

  /** Daemon shutdown: stop whatever runs. */
  async close(): Promise<void> {
    const role = this.role;
    this.role = null;
    this.owner = null;
    await role?.teardown();
  }
}
