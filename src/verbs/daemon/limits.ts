// The daemon's connection-slot and ownership limits: one definition per
// value, with the environment variables that tests (and a lab that needs
// other values) use to change them. docs/daemon.md lists each one.
//
//   ISOCHRON_DAEMON_IDLE_TIMEOUT_MS      idle connection that holds no role (60 s)
//   ISOCHRON_MGMT_MESSAGE_DEADLINE_MS    one message, first byte to last (30 s)
//   ISOCHRON_DAEMON_ORPHAN_KEEP_MS       an orphaned run's log after it ended (10 min)
import { envMs } from '../../core/env.js';

/** Connections served at once; past this the longest-idle one that owns nothing makes room. */
export const MAX_CONNECTIONS = 64;
/** A connection that holds no role and has nothing in flight is closed after this long without traffic. */
export const IDLE_TIMEOUT_MS = 60_000;
/** A message must be complete this long after its first byte (a real deadline, not re-armed by bytes). */
export const MESSAGE_DEADLINE_MS = 30_000;
/** A run whose owner left is kept (its log readable, reclaimable) this long after it ended. */
export const ORPHAN_KEEP_MS = 600_000;

export interface SlotLimits {
  maxConnections: number;
  idleTimeoutMs: number;
  messageDeadlineMs: number;
  orphanKeepMs: number;
}

/** The limits in force: the defaults above, overridden by the environment. */
export function slotLimitsFromEnv(): SlotLimits {
  return {
    maxConnections: MAX_CONNECTIONS,
    idleTimeoutMs: envMs('ISOCHRON_DAEMON_IDLE_TIMEOUT_MS', IDLE_TIMEOUT_MS),
    messageDeadlineMs: envMs('ISOCHRON_MGMT_MESSAGE_DEADLINE_MS', MESSAGE_DEADLINE_MS),
    orphanKeepMs: envMs('ISOCHRON_DAEMON_ORPHAN_KEEP_MS', ORPHAN_KEEP_MS),
  };
}
