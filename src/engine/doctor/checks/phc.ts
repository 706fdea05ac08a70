// `phc`: the interface's PTP hardware clock exists and can be read against
// CLOCK_REALTIME, and which PTP_SYS_OFFSET ioctl the driver answers (PRECISE
// is a hardware cross-timestamp, EXTENDED brackets each PHC read with two
// system reads, the basic one interleaves them). The device and the ioctls go
// through ctx.openPhc and ctx.io: a fake PHC in tests.
import { isIsochronError } from '../../../core/errors.js';
import { sysOffsetBasic, sysOffsetExtended, sysOffsetPrecise, type PhcOffset, type SysoffMethod } from '../../../sys/phc.js';
import { SOF_TIMESTAMPING } from '../../../sys/constants.js';
import { notOk, ok, skip, type CheckResult } from '../ids.js';
import type { DoctorContext, Findings } from '../context.js';

/** Samples per EXTENDED/basic probe (isochron's sysmon takes as many). */
const SAMPLES = 5;
const IOCTL_NAMES: Record<SysoffMethod, string> = { precise: 'PTP_SYS_OFFSET_PRECISE', extended: 'PTP_SYS_OFFSET_EXTENDED', basic: 'PTP_SYS_OFFSET' };

export async function checkPhc(ctx: DoctorContext, found: Findings): Promise<CheckResult> {
  const ifname = ctx.ifname;
  const info = found.tsInfo;
  if (ifname === null || info === null) return skip('phc', 'no timestamping capabilities read (see interface, hw-timestamping)');
  const hw = (info.soTimestamping & SOF_TIMESTAMPING.RAW_HARDWARE) !== 0;
  if (info.phcIndex < 0) {
    if (!hw) return skip('phc', `${ifname} has no PHC (phc index -1): nothing to read; runs with --omit-hwts need none`);
    return notOk('phc', 'warn', `${ifname} timestamps in hardware but reports no PHC (phc index -1)`, 'add --omit-hwts, or load the driver\'s PTP clock support (a PHC shows as /dev/ptpN and in "ethtool -T")');
  }
  let handle;
  try {
    handle = ctx.openPhc(info.phcIndex);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    return notOk('phc', 'fail', `${ifname}'s PHC /dev/ptp${info.phcIndex}: ${err.message}`, `run as root (or give read access to /dev/ptp${info.phcIndex}), or add --omit-hwts`);
  }
  try {
    const works: PhcOffset[] = [];
    const refused: string[] = [];
    for (const [method, r] of [
      ['precise', sysOffsetPrecise(handle.fd, ctx.io)],
      ['extended', sysOffsetExtended(handle.fd, SAMPLES, ctx.io)],
      ['basic', sysOffsetBasic(handle.fd, SAMPLES, ctx.io)],
    ] as const) {
      if (typeof r === 'number') refused.push(IOCTL_NAMES[method]);
      else works.push(r);
    }
    if (works.length === 0) {
      return notOk('phc', 'fail', `${handle.path} answers none of ${refused.join(', ')}`, 'update the NIC driver (its PTP clock must support PTP_SYS_OFFSET), or add --omit-hwts');
    }
    const best = works[0];
    const others = works.slice(1).map((w) => IOCTL_NAMES[w.method]);
    const also = others.length > 0 ? ` (also ${others.join(', ')})` : '';
    const no = refused.length > 0 ? `; refused: ${refused.join(', ')}` : '';
    return ok('phc', `${handle.path} is readable: ${IOCTL_NAMES[best.method]} works${also}${no}; CLOCK_REALTIME - PHC = ${best.offset} ns`);
  } finally {
    handle.close();
  }
}
