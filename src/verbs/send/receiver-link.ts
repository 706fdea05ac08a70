// The sender's side of the management conversation with `isochron rcv`
// (order in test/helpers/mgmt-sequence.ts). Each failure names the peer and
// the request, because "Connection reset by peer" alone does not say which
// of two machines went away.
import { Socket as NetSocket } from 'node:net';
import { isIsochronError, type IsochronError } from '../../core/errors.js';
import { ManagementClient } from '../../engine/mgmt/client.js';
import { MgmtDisconnected, MgmtInternal, MgmtReaderClosed, MgmtTimeout, MgmtTooLarge } from '../../engine/mgmt/errors.js';
import { Mid, PortLinkState } from '../../engine/mgmt/ids.js';
import type { MidValue } from '../../engine/mgmt/values.js';
import { strerror } from '../../core/errno-text.js';
import { connectHint } from '../../core/hints.js';
import { connectTcp } from '../../sys/tcp.js';
import { parseMac } from '../../core/mac.js';
import { SendCollectFailed, SendConnectFailed, SendDestMacMissing, SendPrepareReceiver } from '../../engine/sender/errors.js';
import { describeClient, type ClientPlan } from '../../engine/sender/plan.js';

/** Replies normally come at once; a held GET LOG waits for the receiver's 5 s data timeout. */
export const MGMT_TIMEOUT_MS = 10_000;
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Codes meaning the connection itself is gone (as opposed to a refused
 * request): the socket closed, a reply never came (pairing lost), or the
 * reply stream broke beyond resynchronising (an oversize claim, a reader
 * already dead or failing internally). After any of these the client only
 * rejects, so the receiver is as good as lost.
 */
const CONNECTION_LOST: ReadonlySet<string> = new Set([
  MgmtDisconnected.code,
  MgmtTimeout.code,
  MgmtReaderClosed.code,
  MgmtTooLarge.code,
  MgmtInternal.code,
]);

export function isConnectionLost(err: unknown): err is IsochronError {
  return isIsochronError(err) && CONNECTION_LOST.has(err.code);
}

function errnoText(err: unknown): { errnum: number; text: string; detail: string } {
  const e = isIsochronError(err) ? err : null;
  const errnum = e ? -e.errno : 5;
  return { errnum, text: strerror(errnum), detail: e ? e.message : String(err) };
}

export class ReceiverLink {
  readonly where: string;

  private constructor(
    private readonly client: ManagementClient,
    readonly plan: ClientPlan,
  ) {
    this.where = describeClient(plan);
  }

  static async connect(plan: ClientPlan): Promise<ReceiverLink> {
    let fd: number;
    try {
      fd = await connectTcp({ family: plan.family, address: plan.address, port: plan.port, device: plan.device, timeoutMs: CONNECT_TIMEOUT_MS });
    } catch (err) {
      const { errnum, text } = errnoText(err);
      throw SendConnectFailed.with({ errno: errnum, hint: connectHint('connect-receiver', err, errnum, plan) }, plan.port, text);
    }
    const socket = new NetSocket({ fd, readable: true, writable: true });
    return new ReceiverLink(new ManagementClient(socket, { timeoutMs: MGMT_TIMEOUT_MS }), plan);
  }

  get closed(): boolean {
    return this.client.closed;
  }

  /** GET DESTINATION_MAC (L2 without --dmac). */
  async destinationMac(): Promise<Buffer> {
    try {
      const text = await this.client.get(Mid.DESTINATION_MAC);
      const mac = parseMac(text);
      if (!mac) throw new Error(`${JSON.stringify(text)} is not a MAC address`);
      return mac;
    } catch (err) {
      const { errnum, detail } = errnoText(err);
      throw SendDestMacMissing.with({ errno: errnum }, this.where, detail);
    }
  }

  /** A plain GET (the sync monitor's SYSMON_OFFSET, PTPMON_OFFSET, ...). Throws the client's error. */
  get<M extends Mid>(mid: M): Promise<MidValue<M>> {
    return this.client.get(mid);
  }

  /** GET PORT_LINK_STATE: true when running. Throws the client's error. */
  async linkRunning(): Promise<boolean> {
    return (await this.client.get(Mid.PORT_LINK_STATE)) === PortLinkState.RUNNING;
  }

  /** GET LOG, discarding what a previous test left behind. */
  async drainLog(): Promise<void> {
    await this.collect();
  }

  /** SET L2_ENABLED, L4_ENABLED, PACKET_COUNT. */
  async prepare(l2: boolean, numFrames: number): Promise<void> {
    try {
      await this.client.set(Mid.L2_ENABLED, l2);
      await this.client.set(Mid.L4_ENABLED, !l2);
      await this.client.set(Mid.PACKET_COUNT, BigInt(numFrames));
    } catch (err) {
      const { errnum, text, detail } = errnoText(err);
      throw SendPrepareReceiver.with({ errno: errnum }, text, this.where, detail);
    }
  }

  /** GET LOG: the receiver's records (32 bytes each). */
  async collect(): Promise<Buffer> {
    try {
      return (await this.client.getLog()).records;
    } catch (err) {
      const { errnum, text, detail } = errnoText(err);
      throw SendCollectFailed.with({ errno: errnum }, text, this.where, detail);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
