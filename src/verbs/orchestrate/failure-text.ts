// How a management failure is told on stderr. For an error the peer
// reported (empty reply, then GET_ERROR), the C orchestrator prints two
// lines of its own before its "Failed to ... node X: Bad message" line;
// we print the same, so logs from both tools read alike
// (mgmt/orchestrate_omithwts_fail/orch.stderr.txt).
import { isIsochronError } from '../../core/errors.js';
import { isMgmtRemoteError } from '../../engine/mgmt/index.js';
import { strerror } from '../../core/errno-text.js';

export interface FailureText {
  /** Lines printed before the node line ('' or newline-terminated lines). */
  preamble: string;
  /** What follows "Failed to start node X: ". */
  detail: string;
}

const EBADMSG = 74;

export function failureText(err: unknown): FailureText {
  if (!isIsochronError(err)) return { preamble: '', detail: err instanceof Error ? err.message : String(err) };
  if (!isMgmtRemoteError(err)) return { preamble: '', detail: err.message };
  const { op, mid, rc, extack } = err;
  const verb = op === 'SET' ? 'update' : 'query';
  const text = extack !== '' ? extack : strerror(Math.abs(rc));
  return {
    preamble: `Failed to ${verb} MID ${mid}: received empty payload in response\nRemote error ${rc}: ${text}\n`,
    detail: strerror(EBADMSG),
  };
}
