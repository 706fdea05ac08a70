// Where a node's sync snapshot comes from:
//   local  - our ptp4l (ptpmon) and PHC (sysmon), in C's query order;
//   remote - the receiver, over the isochron management protocol
//            (SYSMON_OFFSET, PTPMON_OFFSET, UTC_OFFSET, PORT_STATE,
//            GM_CLOCK_IDENTITY), in C's order with C's messages.
// A probe prints C's line for the step that failed and throws its error.
import { isIsochronError } from '../../core/errors.js';
import { Mid, type MidValue, type SysmonOffset } from '../mgmt/index.js';
import type { PtpmonClient } from '../ptpmon/index.js';
import type { Sysmon } from '../sysmon/index.js';
import { SYSMON_ABSENT_TEXT } from './errors.js';
import type { SyncSnapshot } from './node.js';

export type SyncProbe = () => Promise<SyncSnapshot>;

async function step<T>(err: (line: string) => void, line: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    err(`${line}: ${e instanceof Error ? e.message : String(e)}\n`);
    throw e;
  }
}

export function localProbe(ptpmon: PtpmonClient, sysmon: Sysmon | null, ifname: string, err: (line: string) => void): SyncProbe {
  return async () => {
    const portState = await step(err, 'ptpmon failed to query port state', () => ptpmon.portStateByName(ifname));
    const gm = await step(err, 'ptpmon failed to query grandmaster clock id', () => ptpmon.grandmasterIdentity());
    const offset = await step(err, 'ptpmon failed to query CURRENT_DATA_SET', () => ptpmon.masterOffset());
    const utc = await step(err, 'ptpmon failed to query TIME_PROPERTIES_DATA_SET', () => ptpmon.utcOffset());
    const sys = sysmon ? await step(err, 'Failed to query current sysmon offset', () => sysmon.offset()) : null;
    return { ptpmonOffset: offset, sysmonOffset: sys ? sys.offset : null, utcOffset: utc, portState, gmClockIdentity: gm };
  };
}

/** What the remote probe needs of a management client. */
export interface RemoteQuery {
  get<M extends Mid>(mid: M): Promise<MidValue<M>>;
}

function absent(e: unknown): boolean {
  return isIsochronError(e) && e.message.includes(SYSMON_ABSENT_TEXT);
}

export function remoteProbe(link: RemoteQuery, err: (line: string) => void): SyncProbe {
  return async () => {
    let sysmon: SysmonOffset | null;
    try {
      sysmon = await link.get(Mid.SYSMON_OFFSET);
    } catch (e) {
      // A receiver without a PHC (--omit-hwts, software timestamping) says
      // so; C would never get in sync with it, we check its ptp4l alone.
      if (!absent(e)) {
        err(`sysmon offset missing from mgmt reply: ${e instanceof Error ? e.message : String(e)}\n`);
        throw e;
      }
      sysmon = null;
    }
    const ptpmonOffset = await step(err, 'ptpmon offset missing from mgmt reply', () => link.get(Mid.PTPMON_OFFSET));
    const utcOffset = await step(err, 'UTC offset missing from mgmt reply', () => link.get(Mid.UTC_OFFSET));
    const portState = await step(err, 'port state missing from mgmt reply', () => link.get(Mid.PORT_STATE));
    const gm = await step(err, 'GM clock identity missing from mgmt reply', () => link.get(Mid.GM_CLOCK_IDENTITY));
    return { ptpmonOffset, sysmonOffset: sysmon ? sysmon.offset : null, utcOffset, portState, gmClockIdentity: gm };
  };
}
