// Who owns the daemon's sender role, and what happens to it when its owner
// goes away. The rules (docs/daemon.md "Ownership"):
//
//   SET NODE_ROLE 0          a connection takes the role and owns it until it
//                            sets NODE_ROLE again or disconnects; while another
//                            live connection owns it, every SET (NODE_ROLE too)
//                            is -EBUSY naming the owner; GETs are always allowed
//   owner disconnects        with a run: the role is orphaned, the run goes on
//                            to its end and its log is kept for orphanKeepMs
//                            after it ended; without a run: the role is dropped
//                            (as the C daemon drops it)
//   orphaned role            SET NODE_ROLE 'reclaim-sender' (0x100) takes it over
//                            unchanged (our orchestrator after a lost connection);
//                            SET NODE_ROLE 0 replaces it (a C orchestrator's new
//                            run: the orphaned run is stopped, its log dropped);
//                            other SETs are -EBUSY
import { DaemonNotOwner, DaemonOrphaned } from './errors.js';

/** A connection as ownership sees it. */
export interface OwnerPeer {
  readonly id: number;
  /** "ADDRESS port PORT", taken at accept (it survives the socket). */
  readonly name: string;
}

export class Ownership {
  #owner: OwnerPeer | null = null;
  /** Name of the owner that left while its run was kept (the role is orphaned). */
  #leftBy: string | null = null;
  #keepTimer: NodeJS.Timeout | null = null;
  /** Bumped by every change of hands: a stale "run ended" does not start the keep timer. */
  #epoch = 0;

  constructor(
    private readonly keepMs: number,
    /** The orphaned role's keep time ran out: drop it. */
    private readonly expire: () => void,
  ) {}

  get owner(): OwnerPeer | null {
    return this.#owner;
  }

  /** The role exists but its owner left (its run, or its log, is kept). */
  get orphaned(): boolean {
    return this.#leftBy !== null;
  }

  owns(peer: OwnerPeer): boolean {
    return this.#owner?.id === peer.id;
  }

  /** Throws -EBUSY unless `peer` may change the role: it owns it, or nobody does. */
  checkSet(peer: OwnerPeer): void {
    if (this.#owner && this.#owner.id !== peer.id) throw DaemonNotOwner(this.#owner.name);
    if (this.#leftBy !== null) throw DaemonOrphaned(this.#leftBy, this.keepMs);
  }

  /** `peer` took the role (NODE_ROLE 0 or reclaim). */
  take(peer: OwnerPeer): void {
    this.#reset();
    this.#owner = peer;
  }

  /** The role is gone (replaced, dropped, shutdown). */
  clear(): void {
    this.#reset();
    this.#owner = null;
  }

  /**
   * The owner left while a run exists: keep the role, and start the keep
   * time once `runEnded` settles (at once for a run that already ended).
   */
  orphan(runEnded: Promise<void>): void {
    const name = this.#owner?.name ?? 'a client';
    this.#reset();
    this.#owner = null;
    this.#leftBy = name;
    const epoch = this.#epoch;
    void runEnded.then(() => {
      if (epoch !== this.#epoch) return;
      this.#keepTimer = setTimeout(() => {
        this.#keepTimer = null;
        if (epoch === this.#epoch) this.expire();
      }, this.keepMs);
      // An orphaned log alone never keeps a stopping daemon alive.
      this.#keepTimer.unref();
    });
  }

  #reset(): void {
    this.#epoch++;
    this.#leftBy = null;
    if (this.#keepTimer) clearTimeout(this.#keepTimer);
    this.#keepTimer = null;
  }
}
