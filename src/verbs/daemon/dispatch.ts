// What the daemon answers to each TLV of a request, for every connection:
// the C daemon's isochron_mgmt_event + its ops table, in the same order of
// checks (unknown MID, no handler, SET length, role, handler), plus the
// rules a multi-client daemon needs (ownership.ts): the connection that set
// up the sender role owns it, and nobody else can change it.
//
//   another connection owns the role:  every SET -> -EBUSY naming the owner
//   the owner left, its run is kept:   SETs -> -EBUSY, except NODE_ROLE
//                                      'reclaim-sender' (take it over) and 0 (replace)
//   while a test runs:                 the owner's SETs except TEST_STATE
//                                      -> -EBUSY "Test running, parameters are locked"
//   always:                            GETs and GET_ERROR (read-only; GET LOG does not clear)
//
// Each connection has its own GET_ERROR table: one client's failures never
// overwrite what another is about to ask about.
import type { ManagementMessage, Reply } from '../../engine/mgmt/codec.js';
import { dispatchMessage, Mid, NodeRoleWire, MidErrorTable, MgmtOpError, midName, payloadSize, type MidOps, type OpsTable, type Mid as MidId } from '../../engine/mgmt/index.js';
import { DaemonLocked, DaemonNothingToReclaim, DaemonRoleMissing, DaemonUnexpectedRole, DaemonTestFailed } from './errors.js';
import { ORPHAN_KEEP_MS } from './limits.js';
import { Ownership } from './ownership.js';
import type { DaemonLog } from './log.js';
import { GET_MIDS, ROLELESS_GETS, SenderRole, SET_MIDS, type RoleReply } from './role.js';
import type { SessionDeps } from './sender-session.js';

/** What the dispatcher knows about a connection. */
export interface Peer {
  readonly id: number;
  /** "ADDRESS port PORT", as the log and the -EBUSY text name it. */
  readonly name: string;
  readonly errors: MidErrorTable;
  /** Sends one reply; resolves when the peer may be sent more (backpressure). */
  send(reply: Reply): Promise<void>;
}

export class Dispatcher {
  role: SenderRole | null = null;
  /** Who owns the role (the connection that instantiated it), and an orphaned role's keep time. */
  readonly ownership: Ownership;
  /** The C daemon's ops table: GET for GET_MIDS, SET for SET_MIDS; the requesting peer is the context. */
  readonly #ops: OpsTable<Peer>;

  constructor(
    private readonly deps: SessionDeps,
    /** How long an orphaned run's log is kept after the run ended. */
    orphanKeepMs = ORPHAN_KEEP_MS,
    /** Where lines caused by a peer's request go (rate-limited by the server). Default: deps.log. */
    private readonly peerLog: DaemonLog = deps.log,
  ) {
    this.ownership = new Ownership(orphanKeepMs, () => void this.#expireOrphan());
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
        log: (line) => this.peerLog.line(line),
        // C skips these without a word; a log line costs little (and is rate-limited).
        skipped: (tlv) => this.peerLog.line(`Ignored TLV of type ${tlv.tlvType} (MID ${tlv.mid})`),
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

  /** The id of the connection owning the role, or null. */
  get owner(): number | null {
    return this.ownership.owner?.id ?? null;
  }

  /** Length already checked by the dispatcher, which also echoes the payload. */
  async #set(peer: Peer, mid: MidId, payload: Buffer): Promise<void> {
    if (mid === Mid.NODE_ROLE) return this.#setRole(peer, payload.readInt32BE(0));
    if (!this.role) throw DaemonRoleMissing();
    this.ownership.checkSet(peer);
    if (this.role.running && mid !== Mid.TEST_STATE) throw DaemonLocked();
    await this.role.set(mid, payload);
  }

  async #setRole(peer: Peer, role: number): Promise<void> {
    if (role === NodeRoleWire['reclaim-sender']) return this.#reclaim(peer);
    if (role !== NodeRoleWire.sender) throw DaemonUnexpectedRole(role);
    if (this.role) {
      // An orphaned role may be replaced (what a C orchestrator's new run
      // does); an owned one only by its owner, and not while it runs.
      if (!this.ownership.orphaned) {
        this.ownership.checkSet(peer);
        if (this.role.running) throw DaemonLocked();
      } else {
        this.log.line(`Replacing the orphaned sender role for ${peer.name}: its run ${this.role.running ? 'is stopped' : 'and log are dropped'}`);
      }
    }
    // C frees the previous sender (stopping its run) and starts afresh.
    const old = this.role;
    this.role = new SenderRole(this.deps);
    this.ownership.take(peer);
    await old?.teardown();
  }

  /** NODE_ROLE 'reclaim-sender': take over an orphaned role as it is (its owner's reconnect). */
  #reclaim(peer: Peer): void {
    if (this.role && this.ownership.owns(peer)) return;
    if (!this.role) throw DaemonNothingToReclaim();
    if (!this.ownership.orphaned) this.ownership.checkSet(peer);
    this.ownership.take(peer);
    this.log.line(`Connection ${peer.name} reclaimed the orphaned sender role (test ${this.role.running ? 'running' : 'ended'})`);
  }

  /**
   * A connection went away. The C daemon tears the sender down when its
   * client leaves; we keep a role that has a run (orphaned: the run goes on,
   * its log is kept) and drop one without.
   */
  async disconnected(peer: Peer): Promise<void> {
    if (!this.ownership.owns(peer)) return;
    const role = this.role;
    if (role?.session) {
      const s = role.session;
      this.log.line(
        `The client that owns the sender role (${peer.name}) disconnected: its test ${s.running ? 'goes on to its end' : 'has ended'}; ` +
          'its log is kept for a new connection to reclaim',
      );
      this.ownership.orphan(s.done);
      return;
    }
    this.role = null;
    this.ownership.clear();
    await role?.teardown();
  }

  /** An orphaned role's keep time ran out. */
  async #expireOrphan(): Promise<void> {
    const role = this.role;
    if (!role || !this.ownership.orphaned) return;
    this.role = null;
    this.ownership.clear();
    this.log.line('The orphaned sender role expired: its log is dropped');
    await role.teardown();
  }

  /** Daemon shutdown: stop whatever runs. */
  async close(): Promise<void> {
    const role = this.role;
    this.role = null;
    this.ownership.clear();
    await role?.teardown();
  }
}
