// Errors of `isochron orchestrate`. File errors name the file and the line
// (the physical line where the offending logical line starts); node errors
// name the node, so that a run with several nodes says which one failed.
import { defineError, Errno, IsochronError, type ErrorDefinition } from '../../core/errors.js';

const at = (file: string, line: number): string => `${file}:${line}`;

// ---- the orchestration file (ini.ts, exec-line.ts) --------------------------

export const OrchIniBadEscape = defineError(
  'ISOCHRON_ERR_ORCH_INI_BAD_ESCAPE',
  Errno.EINVAL,
  (file: string, line: number, seq: string, hint: string) =>
    `${at(file, line)}: unrecognized escape sequence ${seq}${hint}`,
);

export const OrchIniUnterminatedContinuation = defineError(
  'ISOCHRON_ERR_ORCH_INI_UNTERMINATED_CONTINUATION',
  Errno.EINVAL,
  (file: string, line: number) =>
    `${at(file, line)}: the file ends with a backslash: a line continuation needs a following line`,
);

export const OrchIniNulByte = defineError(
  'ISOCHRON_ERR_ORCH_INI_NUL',
  Errno.EINVAL,
  (file: string, line: number) =>
    `${at(file, line)}: NUL character (byte 0 or "\\0"): the C tool would silently ignore the rest of the file; remove it`,
);

export const OrchIniLineTooLong = defineError(
  'ISOCHRON_ERR_ORCH_INI_LINE_TOO_LONG',
  Errno.EINVAL,
  (file: string, line: number, length: number, max: number) =>
    `${at(file, line)}: line too long (${length} bytes after joining continuations, at most ${max})`,
);

export const OrchIniUnterminatedQuote = defineError(
  'ISOCHRON_ERR_ORCH_INI_UNTERMINATED_QUOTE',
  Errno.EINVAL,
  (file: string, line: number, quote: string) => `${at(file, line)}: unterminated quoted string (opening ${quote} has no closing ${quote})`,
);

export const OrchIniUnterminatedSection = defineError(
  'ISOCHRON_ERR_ORCH_INI_UNTERMINATED_SECTION',
  Errno.EINVAL,
  (file: string, line: number, text: string) => `${at(file, line)}: unterminated section header "${text}" (expected "[name]")`,
);

export const OrchIniEmptySection = defineError(
  'ISOCHRON_ERR_ORCH_INI_EMPTY_SECTION',
  Errno.EINVAL,
  (file: string, line: number) => `${at(file, line)}: empty section name "[]": every node needs a name`,
);

export const OrchIniDuplicateSection = defineError(
  'ISOCHRON_ERR_ORCH_INI_DUPLICATE_SECTION',
  Errno.EINVAL,
  (file: string, line: number, name: string, first: number) =>
    `${at(file, line)}: node [${name}] is defined twice (first on line ${first}); node names must be unique`,
);

export const OrchIniOutsideSection = defineError(
  'ISOCHRON_ERR_ORCH_INI_OUTSIDE_SECTION',
  Errno.EINVAL,
  (file: string, line: number, text: string) => `${at(file, line)}: line "${text}" belongs to no node: start a node with "[name]" first`,
);

export const OrchIniNotKeyValue = defineError(
  'ISOCHRON_ERR_ORCH_INI_NOT_KEY_VALUE',
  Errno.EINVAL,
  (file: string, line: number, text: string) => `${at(file, line)}: invalid line "${text}", expected "<key> = <value>"`,
);

export const OrchIniUnknownKey = defineError(
  'ISOCHRON_ERR_ORCH_INI_UNKNOWN_KEY',
  Errno.EINVAL,
  (file: string, line: number, key: string) => `${at(file, line)}: unknown key "${key}" (known keys: host, port, exec)`,
);

export const OrchIniDuplicateKey = defineError(
  'ISOCHRON_ERR_ORCH_INI_DUPLICATE_KEY',
  Errno.EINVAL,
  (file: string, line: number, key: string, node: string, first: number) =>
    `${at(file, line)}: key "${key}" given twice for node ${node} (first on line ${first})`,
);

export const OrchIniBadHost = defineError(
  'ISOCHRON_ERR_ORCH_INI_BAD_HOST',
  Errno.EINVAL,
  (file: string, line: number, value: string, node: string, detail: string) =>
    `${at(file, line)}: Invalid IP address "${value}" for host ${node}: ${detail}`,
);

export const OrchIniBadPort = defineError(
  'ISOCHRON_ERR_ORCH_INI_BAD_PORT',
  Errno.EINVAL,
  (file: string, line: number, value: string, node: string) =>
    `${at(file, line)}: Invalid port "${value}" for host ${node}: expected a TCP port 1..65535 (0 = the default 5000)`,
);

export const OrchIniMissingHost = defineError(
  'ISOCHRON_ERR_ORCH_INI_MISSING_HOST',
  Errno.EINVAL,
  (file: string, line: number, node: string) => `${at(file, line)}: Node ${node} missing a "host" property`,
);

export const OrchIniMissingExec = defineError(
  'ISOCHRON_ERR_ORCH_INI_MISSING_EXEC',
  Errno.EINVAL,
  (file: string, line: number, node: string) => `${at(file, line)}: exec line missing from node ${node}`,
);

export const OrchIniNoNodes = defineError(
  'ISOCHRON_ERR_ORCH_INI_NO_NODES',
  Errno.EINVAL,
  (file: string) => `${file}: no node defined: nothing to orchestrate (add "[name]" with host and exec)`,
);

export const OrchExecUnsupported = defineError(
  'ISOCHRON_ERR_ORCH_EXEC_UNSUPPORTED',
  Errno.EINVAL,
  (file: string, line: number, value: string, node: string) =>
    `${at(file, line)}: Unsupported exec line "${value}" for node ${node}: only "isochron send ..." can be orchestrated`,
);

/** The send parser's own error, built with `.with({ errno })`: its errno is the C exit status. */
export const OrchExecInvalid = defineError(
  'ISOCHRON_ERR_ORCH_EXEC_INVALID',
  Errno.EINVAL,
  (file: string, line: number, node: string, detail: string) => `${at(file, line)}: exec line of node ${node}: ${detail}`,
);

// ---- running the nodes -------------------------------------------------------

export const OrchConnectFailed = defineError(
  'ISOCHRON_ERR_ORCH_CONNECT',
  Errno.ECONNREFUSED,
  // C's two lines (sk_connect_tcp's, then the orchestrator's), both with strerror.
  (node: string, port: number, text: string) => `Failed to connect to TCP port ${port}: ${text}\nFailed to connect to node ${node}: ${text}`,
);

export const OrchNodeConfig = defineError(
  'ISOCHRON_ERR_ORCH_NODE_CONFIG',
  Errno.EBADMSG,
  (what: string, node: string, detail: string) => `failed to ${what} for node ${node}: ${detail}`,
);

export const OrchNodeStart = defineError(
  'ISOCHRON_ERR_ORCH_NODE_START',
  Errno.EBADMSG,
  (node: string, detail: string) => `Failed to start node ${node}: ${detail}`,
);

export const OrchNodeLost = defineError(
  'ISOCHRON_ERR_ORCH_NODE_LOST',
  Errno.ECONNRESET,
  (node: string, while_: string, detail: string) => `Lost node ${node} while ${while_}: ${detail}`,
);

export const OrchTestFailed = defineError(
  'ISOCHRON_ERR_ORCH_TEST_FAILED',
  Errno.EIO,
  (node: string, attempts: number, detail: string) =>
    `Node ${node} failed ${attempts} time(s), giving up: ${detail}`,
);

export const OrchSyncLost = defineError(
  'ISOCHRON_ERR_ORCH_SYNC_LOST',
  Errno.ETIME,
  (node: string, attempts: number) =>
    `Node ${node}: sync was lost during each of ${attempts} attempt(s), giving up (check ptp4l/phc2sys and the links)`,
);

export const OrchBaseTimeAdvanced = defineError(
  'ISOCHRON_ERR_ORCH_BASE_TIME_ADVANCED',
  Errno.ETIME,
  (node: string, attempts: number) =>
    `Node ${node} advanced the operational base time in each of ${attempts} attempt(s), giving up (increase the margin: check the round trip times and --sync-threshold)`,
);

export const OrchCollectFailed = defineError(
  'ISOCHRON_ERR_ORCH_COLLECT',
  Errno.EBADMSG,
  (which: 'sender' | 'receiver', node: string, detail: string) => `Failed to collect ${which} stats from node ${node}: ${detail}`,
);

export const OrchSaveFailed = defineError(
  'ISOCHRON_ERR_ORCH_SAVE',
  Errno.EIO,
  (node: string, file: string, detail: string) => `Failed to save log of node ${node} to ${file}: ${detail}`,
);

export const OrchInterrupted = defineError(
  'ISOCHRON_ERR_ORCH_INTERRUPTED',
  Errno.EINTR,
  () => 'Interrupted by a signal: senders stopped; the logs collected by then are saved',
);

export const OrchInputUnreadable = defineError(
  'ISOCHRON_ERR_ORCH_INPUT_UNREADABLE',
  Errno.EIO,
  (file: string, detail: string) => `cannot read orchestration file ${file}: ${detail}`,
);

/** A node error that keeps the errno of the management/socket error that caused it. */
export function causedBy<A extends unknown[]>(def: ErrorDefinition<A>, cause: unknown, ...args: A): IsochronError {
  return def.with({ errno: cause instanceof IsochronError ? cause.errno : undefined }, ...args);
}
