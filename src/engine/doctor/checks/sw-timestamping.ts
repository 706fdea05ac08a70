// `sw-timestamping`: the kernel's software TX and RX timestamps, which
// isochron uses with --omit-hwts and always for the sender's SCHED stamp.
import { SOF_TIMESTAMPING } from '../../../sys/constants.js';
import { notOk, ok, skip, type CheckResult } from '../ids.js';
import type { DoctorContext, Findings } from '../context.js';

const NEEDED = { TX_SOFTWARE: SOF_TIMESTAMPING.TX_SOFTWARE, RX_SOFTWARE: SOF_TIMESTAMPING.RX_SOFTWARE, SOFTWARE: SOF_TIMESTAMPING.SOFTWARE };

export async function checkSwTimestamping(ctx: DoctorContext, found: Findings): Promise<CheckResult> {
  const ifname = ctx.ifname;
  const info = found.tsInfo;
  if (ifname === null || info === null) return skip('sw-timestamping', 'no timestamping capabilities read (see interface, hw-timestamping)');
  const missing = Object.entries(NEEDED).filter(([, bit]) => (info.soTimestamping & bit) === 0).map(([name]) => name);
  if (missing.length > 0) {
    return notOk(
      'sw-timestamping',
      'fail',
      `${ifname} does not report software timestamping (missing ${missing.join(', ')}): the sender gets no TX timestamps`,
      `use an interface whose driver timestamps in software (most do; "ethtool -T ${ifname}" lists software-transmit and software-receive)`,
    );
  }
  return ok('sw-timestamping', `${ifname} timestamps in software, TX and RX`);
}
