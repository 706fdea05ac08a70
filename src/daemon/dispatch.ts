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
import type { ManagementMessage, Reply } from '../mgmt/codec.js';
import { dispatchMessage, Mid, MidErrorTable, MgmtOpError, midName, payloadSize, type MidOps, type OpsTable, type Mid as MidId } from '../mgmt/index.js';
import { DaemonLocked, DaemonNotOwner, DaemonRoleMissing, DaemonUnexpectedRole, DaemonTestFailed } from './errors.js';
import type { DaemonLog } from './log.js';
import { GET_MIDS, ROLELESS_GETS, SenderRole, SET_MIDS, type RoleReply } from './role.js';
import type { SessionDeps } from './sender-session.js';

/** What the dispatcher knows about a connection. */
export interface Peer {
  readonly id: number;
  readonly errors: MidErrorTable;
  /** Sends one reply; resolves when the peer may be sent more (backpressure). */
  send(reply: Reply): Promise<void>;
}

export class Dispatcher {
  role: SenderRole | null = null;
  /** The connection that instantiated the role: it owns the role's tests. */
  owner: number | null = null;
  /** The C daemon's ops table: GET for GET_MIDS, SET for SET_MIDS; the requesting peer is the context. */
  readonly #ops: OpsTable<Peer>;

  constructor(private readonly deps: SessionDeps) {
    const ops: OpsTable<Peer> = {};
    for (const mid of new Set([...GET_MIDS, ...SET_MIDS]) as Set<MidId>) {
      const op: MidOps<Peer> = {};
      if (GET_MIDS.has(mid)) op.get = () => this.#get(mid);
      if (SET_MIDS.has(mid)) {
        op.set = (payload, peer) => this.#set(peer, mid, payload);
        op.size = payloadSize(mid) as number;
      }
      ops[mid] = op;
    }
    this.#ops = ops;
  }

  private get log(): DaemonLog {
    return this.deps.log;
  }

  /**
   * Answers one request message: one reply message per TLV, in order, as C
   * sends them. Each is sent before the next TLV is handled, so a message
   * of many LOG requests never holds many logs in memory at once.
   */
  async handle(peer: Peer, msg: ManagementMessage): Promise<void> {
    await dispatchMessage(
      msg,
      this.#ops,
      peer.errors,
      {
        send: (reply) => peer.send(reply),
        log: (line) => this.log.line(line),
        // C skips these without a word; a log line costs nothing.
        skipped: (tlv) => this.log.line(`Ignored TLV of type ${tlv.tlvType} (MID ${tlv.mid})`),
        // Anything that is not one of our errors is a bug: answer it like a
        // failed handler rather than take the daemon (and its test) down.
        internalError: (mid, err) => {
          const e = DaemonTestFailed(`${midName(mid)} handler`, String(err));
          return new MgmtOpError(e.errno, e.message);
        },
      },
      peer,
    );
  }

  async #get(mid: MidId): Promise<RoleReply> {
    if (!this.role && !ROLELESS_GETS.has(mid)) throw DaemonRoleMissing();
    return (this.role ?? new SenderRole(this.deps)).get(mid);
  }

  /** Length already checked by the dispatcher, which also echoes the payload. */
  async #set(peer: Peer, mid: MidId, payload: Buffer): Promise<void> {
    this.#checkLock(peer, mid);
    if (mid === Mid.NODE_ROLE) await this.#setRole(peer, payload.readInt32BE(0));
    else if (!this.role) throw DaemonRoleMissing();
    else await this.role.set(mid, payload);
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
