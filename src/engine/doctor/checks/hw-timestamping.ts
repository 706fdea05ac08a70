// `hw-timestamping`: can the NIC stamp isochron's frames in hardware?
// ETHTOOL_GET_TS_INFO tells the TX/RX hardware capabilities, the RX filters
// (isochron's data frames are not PTP: only a filter of ALL stamps them) and
// the PHC index. The answer comes through ctx.io: a fake NIC in tests.
import { isIsochronError } from '../../../core/errors.js';
import { HWTSTAMP_FILTER_ALL, HWTSTAMP_TX_ON, SOF_TIMESTAMPING } from '../../../sys/constants.js';
import { getTsInfo } from '../../../sys/tstamp.js';
import { notOk, ok, skip, type CheckResult } from '../ids.js';
import type { DoctorContext, Findings } from '../context.js';
import { bitNames, HWTSTAMP_FILTER_NAMES, HWTSTAMP_TX_NAMES, ptpOnlyFilters } from './timestamp-names.js';

const OMIT_HWTS_FIX = 'add --omit-hwts to send, rcv and daemon (software timestamps, taken by the kernel), or use a NIC with hardware timestamping of all frames and a PHC';

const HW_BITS = SOF_TIMESTAMPING.TX_HARDWARE | SOF_TIMESTAMPING.RX_HARDWARE | SOF_TIMESTAMPING.RAW_HARDWARE;

export async function checkHwTimestamping(ctx: DoctorContext, found: Findings): Promise<CheckResult> {
  const ifname = ctx.ifname;
  if (ifname === null || !found.interfaceExists) return skip('hw-timestamping', 'no usable interface');
  try {
    found.tsInfo = getTsInfo(ifname, ctx.io);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    return notOk('hw-timestamping', 'warn', `${ifname}: ETHTOOL_GET_TS_INFO failed: ${err.message}`, OMIT_HWTS_FIX);
  }
  const info = found.tsInfo;
  const phc = info.phcIndex >= 0 ? `PHC /dev/ptp${info.phcIndex}` : 'no PHC (index -1)';
  const missing = Object.entries(SOF_TIMESTAMPING)
    .filter(([, bit]) => (HW_BITS & bit) !== 0 && (info.soTimestamping & bit) === 0)
    .map(([name]) => name);
  if (missing.length > 0) {
    return notOk('hw-timestamping', 'warn', `${ifname} has no hardware timestamping (missing ${missing.join(', ')}; ${phc})`, OMIT_HWTS_FIX);
  }
  const tx = bitNames(info.txTypes, HWTSTAMP_TX_NAMES);
  const rx = bitNames(info.rxFilters, HWTSTAMP_FILTER_NAMES);
  const caps = `TX types ${tx.join(',') || 'none'}, RX filters ${rx.join(',') || 'none'}, ${phc}`;
  if (((info.txTypes >>> HWTSTAMP_TX_ON) & 1) === 0) {
    return notOk('hw-timestamping', 'warn', `${ifname} cannot switch hardware TX timestamps on (${caps})`, OMIT_HWTS_FIX);
  }
  if (((info.rxFilters >>> HWTSTAMP_FILTER_ALL) & 1) === 0) {
    const which = ptpOnlyFilters(info.rxFilters) ? 'only PTP frames' : 'no frame isochron sends';
    return notOk('hw-timestamping', 'warn', `${ifname} stamps ${which} on receive, not isochron's data frames (${caps})`, OMIT_HWTS_FIX);
  }
  return ok('hw-timestamping', `${ifname} stamps all frames in hardware, TX and RX (${caps})`);
}
