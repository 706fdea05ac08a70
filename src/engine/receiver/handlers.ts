// The management ids a receiver answers (C's rcv_mgmt_ops), as an OpsTable
// over the small interface the Receiver exposes to them. Everything else
// gets "Unhandled GET/SET for MID X" (-EOPNOTSUPP) from the dispatcher.
import { Errno } from '../../core/errors.js';
import { decodeValue, encodeValue, LOG_VERSION, logPayloadParts, Mid, MgmtOpError, payloadSize, PortLinkState, type GetResult, type OpsTable, type ReplyParts } from '../mgmt/index.js';
import { MAX_LOG_BYTES, type RcvLog } from '../traffic/logs.js';
import { RCV_RECORD_SIZE } from '../dat/layout.js';
import type { SyncSources } from '../syncmon/sources.js';

/** What the ops answer from: the receiver's state, and its sync sources (ptp4l, sysmon). */
export interface ReceiverOpsContext extends Omit<SyncSources, 'close'> {
  /** SET PACKET_COUNT: a fresh log of `count` records (throws MgmtOpError if it cannot be had). */
  setPacketCount(count: bigint): void;
  /** GET LOG: the log now, or null when the reply is held until the packets are in. */
  takeLogOrHold(): RcvLog | null;
  setL2(enabled: boolean): Promise<void>;
  setL4(enabled: boolean): Promise<void>;
  /** Our destination MAC (aa:bb:cc:dd:ee:ff). */
  destinationMac(): string;
  /** null when the interface could not be asked (C then answers UNKNOWN). */
  linkRunning(): boolean | null;
  clockTai(): bigint;
}

const reply = (payload: Buffer | ReplyParts): GetResult => ({ kind: 'reply', payload });

/**
 * The LOG reply payload as parts: be32 version 4 + be32 buf_len, then the
 * log buffer itself. Never copied: a reply costs its 8-byte head however
 * big the log (untouched log pages stay the kernel's zero pages).
 */
export function logPayload(log: RcvLog): ReplyParts {
  return logPayloadParts({ logVersion: LOG_VERSION, records: log.buffer });
}

export function receiverOps(ctx: ReceiverOpsContext): OpsTable {
  return {
    [Mid.PACKET_COUNT]: {
      size: payloadSize(Mid.PACKET_COUNT) ?? 8,
      set: (p) => ctx.setPacketCount(decodeValue(Mid.PACKET_COUNT, p)),
    },
    [Mid.L2_ENABLED]: {
      size: payloadSize(Mid.L2_ENABLED) ?? 4,
      set: (p) => ctx.setL2(decodeValue(Mid.L2_ENABLED, p)),
    },
    [Mid.L4_ENABLED]: {
      size: payloadSize(Mid.L4_ENABLED) ?? 4,
      set: (p) => ctx.setL4(decodeValue(Mid.L4_ENABLED, p)),
    },
    [Mid.LOG]: {
      get: () => {
        const log = ctx.takeLogOrHold();
        return log ? reply(logPayload(log)) : { kind: 'held' };
      },
    },
    [Mid.SYSMON_OFFSET]: { get: () => reply(encodeValue(Mid.SYSMON_OFFSET, ctx.sysmonOffset())) },
    [Mid.PTPMON_OFFSET]: { get: async () => reply(encodeValue(Mid.PTPMON_OFFSET, await ctx.ptpmonOffset())) },
    [Mid.UTC_OFFSET]: { get: async () => reply(encodeValue(Mid.UTC_OFFSET, await ctx.utcOffset())) },
    [Mid.PORT_STATE]: { get: async () => reply(encodeValue(Mid.PORT_STATE, await ctx.portState())) },
    [Mid.GM_CLOCK_IDENTITY]: { get: async () => reply(encodeValue(Mid.GM_CLOCK_IDENTITY, await ctx.gmClockIdentity())) },
    [Mid.PORT_LINK_STATE]: {
      get: () => {
        const running = ctx.linkRunning();
        const state = running === null ? PortLinkState.UNKNOWN : running ? PortLinkState.RUNNING : PortLinkState.DOWN;
        return reply(encodeValue(Mid.PORT_LINK_STATE, state));
      },
    },
    [Mid.DESTINATION_MAC]: { get: () => reply(encodeValue(Mid.DESTINATION_MAC, ctx.destinationMac())) },
    [Mid.CURRENT_CLOCK_TAI]: { get: () => reply(encodeValue(Mid.CURRENT_CLOCK_TAI, ctx.clockTai())) },
  };
}

/**
 * Most packets a receiver log holds: the LOG reply carries buf_len in 32
 * bits (134217727 records of 32 bytes). C's calloc takes any count it can
 * get and then sends a truncated buf_len; we refuse what cannot be sent.
 * The log costs only the pages of packets actually recorded (the rest are
 * untouched zero pages), so the limit is the wire's, not memory's.
 */
export const MAX_RCV_PACKET_COUNT = Math.floor(MAX_LOG_BYTES / RCV_RECORD_SIZE);

/**
 * C's message when the log cannot be allocated (it prints the count as
 * size_t); past MAX_RCV_PACKET_COUNT the limit is named after it.
 */
export function logAllocationError(count: bigint): MgmtOpError {
  const c = `Could not allocate log for ${BigInt.asUintN(64, count)} iterations`;
  const overLimit = count < 0n || count > BigInt(MAX_RCV_PACKET_COUNT);
  const why = overLimit ? `: PACKET_COUNT is limited to ${MAX_RCV_PACKET_COUNT} (the LOG reply's buf_len is 32-bit)` : '';
  return new MgmtOpError(Errno.ENOMEM, c + why);
}
