// What a receiver (or the daemon in the receiver role) answers a sender
// asking about its synchronisation: SYSMON_OFFSET, PTPMON_OFFSET,
// UTC_OFFSET, PORT_STATE and GM_CLOCK_IDENTITY. Failures are
// IsochronErrors whose message is the C receiver's extack ("Failed to read
// ptpmon offset: ...") followed by our reason, with the errno of the cause,
// so a management dispatcher can forward them as they are.
//
// The ptp4l client is opened at the first query, not at start-up: a
// receiver that is never asked leaves no socket file behind and does not
// depend on /var/run being writable.
import { isIsochronError, type IsochronError } from '../../core/errors.js';
import type { SysmonOffset } from '../mgmt/index.js';
import { PtpmonClient } from '../ptpmon/index.js';
import { strerror } from '../../core/errno-text.js';
import type { Sysmon } from '../sysmon/index.js';
import { SyncMonitoringAbsent, SyncSourceFailed } from './errors.js';

export interface SyncSourcesOptions {
  /** The interface whose ptp4l port state is reported. */
  ifname: string;
  /** ptp4l's socket (--unix-domain-socket). */
  udsPath: string;
  domainNumber: number;
  transportSpecific: number;
  /** The PHC monitor, or null (no PHC, --omit-hwts): SYSMON_OFFSET then answers "Sync monitoring absent". */
  sysmon: Sysmon | null;
  /** Our bound path (default /var/run/isochron.PID). */
  localPath?: string;
  /** Per ptp4l request (default 1000 ms). */
  timeoutMs?: number;
  /**
   * An open ptp4l client to ask instead of opening one at the first query
   * (the daemon opens it when asked to enable ptpmon); it stays its owner's:
   * close() leaves it open.
   */
  ptpmon?: PtpmonClient;
}

export interface SyncSources {
  sysmonOffset(): SysmonOffset;
  ptpmonOffset(): Promise<bigint>;
  /** currentUtcOffset, s (the caller applies C's kernel fix-up). */
  utcOffset(): Promise<number>;
  portState(): Promise<number>;
  gmClockIdentity(): Promise<Buffer>;
  /** Closes the ptp4l socket (the sysmon belongs to the caller). */
  close(): void;
}

function failed(what: string, err: unknown): IsochronError | unknown {
  if (!isIsochronError(err)) return err;
  return SyncSourceFailed.with({ errno: err.errno }, what, strerror(-err.errno), err.message);
}

export function createSyncSources(o: SyncSourcesOptions): SyncSources {
  let client: PtpmonClient | null = null;
  const ptpmon = (): PtpmonClient => {
    if (o.ptpmon) return o.ptpmon;
    if (!client || client.closed) {
      client = PtpmonClient.open({
        udsPath: o.udsPath,
        domainNumber: o.domainNumber,
        transportSpecific: o.transportSpecific,
        ...(o.localPath ? { localPath: o.localPath } : {}),
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      });
    }
    return client;
  };
  const ask = async <T>(what: string, fn: (c: PtpmonClient) => Promise<T>): Promise<T> => {
    try {
      return await fn(ptpmon());
    } catch (err) {
      throw failed(what, err);
    }
  };
  return {
    sysmonOffset(): SysmonOffset {
      if (!o.sysmon) throw SyncMonitoringAbsent();
      try {
        return o.sysmon.offset();
      } catch (err) {
        throw failed('sysmon offset', err);
      }
    },
    ptpmonOffset: () => ask('ptpmon offset', (c) => c.masterOffset()),
    utcOffset: () => ask('ptpmon UTC offset', (c) => c.utcOffset()),
    portState: () => ask('ptpmon port state', (c) => c.portStateByName(o.ifname)),
    gmClockIdentity: () => ask('ptpmon GM clockID', (c) => c.grandmasterIdentity()),
    close(): void {
      client?.close();
    },
  };
}
