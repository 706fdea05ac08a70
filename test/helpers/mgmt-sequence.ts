// The management conversation `isochron send --client` has with its
// receiver, as data, for the tests that check recorded and live runs
// against it. Every request is answered before the next is sent.
//
//   [l2 without --dmac]  GET DESTINATION_MAC       prints "Destination MAC address is ..."
//   syncmon init         sync check x1             prints link state changes
//   drain                GET LOG                   (empty log: clears stale records)
//   wait until sync ok   sync check x>=numChecks   (more if a check fails)
//   prepare receiver     SET L2_ENABLED, SET L4_ENABLED, SET PACKET_COUNT
//   monitor              sync check x>=1           every monitorInterval while sending
//   collect              GET LOG                   after "Collecting receiver stats"
//
// A remote "sync check" is GET PORT_LINK_STATE, followed, when remote sync
// is monitored, by GET SYSMON_OFFSET, PTPMON_OFFSET, UTC_OFFSET, PORT_STATE
// and GM_CLOCK_IDENTITY. If the monitor sees sync lost, C prints "Sync lost
// during the test, repeating", collects the log without saving it, closes
// everything and starts over on a new connection.
import { Mid, isKnownMid, midName } from '../../src/engine/mgmt/ids.js';
import { payloadSize } from '../../src/engine/mgmt/payloads.js';
import { NUM_SYNC_CHECKS } from '../../src/engine/syncmon/syncmon.js';
import { formatMac } from '../../src/core/mac.js';

export { Mid };

/** The ids the sender asks its receiver about. */
export type SenderMid =
  | typeof Mid.LOG
  | typeof Mid.SYSMON_OFFSET
  | typeof Mid.PTPMON_OFFSET
  | typeof Mid.UTC_OFFSET
  | typeof Mid.PORT_STATE
  | typeof Mid.GM_CLOCK_IDENTITY
  | typeof Mid.PACKET_COUNT
  | typeof Mid.DESTINATION_MAC
  | typeof Mid.L2_ENABLED
  | typeof Mid.L4_ENABLED
  | typeof Mid.PORT_LINK_STATE;

export interface MgmtRequest {
  action: 'GET' | 'SET';
  mid: SenderMid;
  name: string;
  /** TLV payload (empty for GET). */
  payload: Uint8Array;
  /** Payload length the RESPONSE must carry (C reads exactly this much); null = LOG (4 + 4 + buf_len). */
  replyLength: number | null;
}

export type PhaseName =
  | 'destination-mac'
  | 'syncmon-init'
  | 'drain-log'
  | 'wait-until-sync'
  | 'prepare-receiver'
  | 'monitor'
  | 'collect-log';

export interface MgmtPhase {
  name: PhaseName;
  /** One round of this phase. */
  requests: MgmtRequest[];
  minRounds: number;
  /** null: as many as time or sync state require. */
  maxRounds: number | null;
}

/** What the sequence depends on; the CLI's SendOptions maps onto this. */
export interface SenderMgmtInput {
  /** --client given (without it there is no management connection at all). */
  client: boolean;
  transport: 'l2' | 'l4';
  /** --dmac given (non-zero). */
  dmacGiven: boolean;
  numFrames: number;
  omitSync: boolean;
  omitRemoteSync: boolean;
}

function get(mid: SenderMid): MgmtRequest {
  return { action: 'GET', mid, name: midName(mid), payload: new Uint8Array(0), replyLength: payloadSize(mid) };
}

function set(mid: SenderMid, payload: Uint8Array): MgmtRequest {
  return { action: 'SET', mid, name: midName(mid), payload, replyLength: payload.length };
}

/** u8 flag + 3 zero bytes (isochron_feature_enabled). */
export function enabledPayload(on: boolean): Uint8Array {
  return Uint8Array.of(on ? 1 : 0, 0, 0, 0);
}

/** be64 count (isochron_packet_count). */
export function packetCountPayload(count: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(count)));
  return out;
}

function collectsSyncStats(i: SenderMgmtInput): { local: boolean; remote: boolean } {
  return { local: !i.omitSync, remote: !(i.omitSync || i.omitRemoteSync) };
}

/** C checks sync NUM_SYNC_CHECKS times when sync stats are collected, else once. */
export function numSyncChecks(i: SenderMgmtInput): number {
  const s = collectsSyncStats(i);
  return s.local || s.remote ? NUM_SYNC_CHECKS : 1;
}

/** The requests one sync check sends to the receiver. */
export function remoteSyncCheck(i: SenderMgmtInput): MgmtRequest[] {
  const reqs = [get(Mid.PORT_LINK_STATE)];
  if (collectsSyncStats(i).remote) {
    reqs.push(get(Mid.SYSMON_OFFSET), get(Mid.PTPMON_OFFSET), get(Mid.UTC_OFFSET), get(Mid.PORT_STATE), get(Mid.GM_CLOCK_IDENTITY));
  }
  return reqs;
}

/** The full conversation of one session attempt; empty without --client. */
export function senderMgmtSequence(i: SenderMgmtInput): MgmtPhase[] {
  if (!i.client) return [];
  const check = remoteSyncCheck(i);
  const phases: MgmtPhase[] = [];
  if (i.transport === 'l2' && !i.dmacGiven) {
    phases.push({ name: 'destination-mac', requests: [get(Mid.DESTINATION_MAC)], minRounds: 1, maxRounds: 1 });
  }
  phases.push(
    { name: 'syncmon-init', requests: check, minRounds: 1, maxRounds: 1 },
    { name: 'drain-log', requests: [get(Mid.LOG)], minRounds: 1, maxRounds: 1 },
    { name: 'wait-until-sync', requests: check, minRounds: numSyncChecks(i), maxRounds: null },
    {
      name: 'prepare-receiver',
      requests: [
        set(Mid.L2_ENABLED, enabledPayload(i.transport === 'l2')),
        set(Mid.L4_ENABLED, enabledPayload(i.transport === 'l4')),
        set(Mid.PACKET_COUNT, packetCountPayload(i.numFrames)),
      ],
      minRounds: 1,
      maxRounds: 1,
    },
    { name: 'monitor', requests: check, minRounds: 1, maxRounds: null },
    { name: 'collect-log', requests: [get(Mid.LOG)], minRounds: 1, maxRounds: 1 },
  );
  return phases;
}

// ------------------------------------------------------------ checking

export interface ObservedRequest {
  action: 'GET' | 'SET' | string;
  mid: number;
  payload?: Uint8Array;
}

export type SequenceMatch =
  | { ok: true; rounds: Record<string, number> }
  | { ok: false; index: number; expected: string; got: string };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function matchesRequest(want: MgmtRequest, got: ObservedRequest): boolean {
  if (want.action !== got.action || want.mid !== got.mid) return false;
  return got.payload === undefined || sameBytes(want.payload, got.payload);
}

function describe(r: ObservedRequest | MgmtRequest | undefined): string {
  if (!r) return 'end of conversation';
  const name = isKnownMid(r.mid) ? midName(r.mid) : `MID ${r.mid}`;
  return `${r.action} ${name}`;
}

/**
 * Checks the sender's requests (in order) against the phases: each phase
 * must occur between minRounds and maxRounds times, consecutively.
 */
export function matchSenderRequests(phases: MgmtPhase[], observed: ObservedRequest[]): SequenceMatch {
  const rounds: Record<string, number> = {};
  let pos = 0;
  for (const phase of phases) {
    let n = 0;
    while (phase.maxRounds === null || n < phase.maxRounds) {
      const fits = phase.requests.every((r, k) => pos + k < observed.length && matchesRequest(r, observed[pos + k]));
      if (!fits) break;
      pos += phase.requests.length;
      n++;
    }
    if (n < phase.minRounds) {
      const k = phase.requests.findIndex((r, j) => !(pos + j < observed.length && matchesRequest(r, observed[pos + j])));
      const at = pos + Math.max(k, 0);
      return { ok: false, index: at, expected: `${describe(phase.requests[Math.max(k, 0)])} (${phase.name})`, got: describe(observed[at]) };
    }
    rounds[phase.name] = n;
  }
  if (pos !== observed.length) return { ok: false, index: pos, expected: describe(undefined), got: describe(observed[pos]) };
  return { ok: true, rounds };
}

// ------------------------------------------------------------ stdout

/**
 * What `isochron send` prints on stdout during a run where every link is up
 * and no sync statistics are collected (--omit-sync), in order. Link state
 * lines come from the first sync check only (they print on change); the
 * remote node is checked before the local one. Without --client there is
 * no remote node and the log is printed instead of collected.
 */
export function cleanRunStdout(i: SenderMgmtInput, receiverMac: Uint8Array | null): string[] {
  const lines: string[] = [];
  if (i.client && i.transport === 'l2' && !i.dmacGiven && receiverMac) {
    lines.push(`Destination MAC address is ${formatMac(receiverMac)}\n`);
  }
  if (i.client) lines.push('Link state of node remote is running\n');
  lines.push('Link state of node local is running\n');
  if (i.client) lines.push('Collecting receiver stats\n');
  return lines;
}
