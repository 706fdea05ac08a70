// `interface`: the interface exists in this network namespace, is
// administratively up and has carrier. Without all three no frame leaves.
import { isIsochronError } from '../../../core/errors.js';
import { ifNameToIndex, interfaceFlags } from '../../../sys/iface.js';
import { notOk, ok, skip, type CheckResult } from '../ids.js';
import type { DoctorContext, Findings } from '../context.js';

export async function checkInterface(ctx: DoctorContext, found: Findings): Promise<CheckResult> {
  const ifname = ctx.ifname;
  if (ifname === null) return skip('interface', 'no interface given: the interface, timestamping, PHC and qdisc checks need -i IFACE');
  let index: number;
  try {
    index = ifNameToIndex(ifname);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    return notOk('interface', 'fail', `${ifname}: ${err.message}`, 'pass the interface isochron will use with -i (list them with "ip link"; run the doctor in that interface\'s network namespace)');
  }
  found.interfaceExists = true;
  const flags = interfaceFlags(ifname);
  if (!flags.up) return notOk('interface', 'fail', `${ifname} (index ${index}) is administratively down`, `ip link set dev ${ifname} up`);
  if (!flags.running) {
    return notOk('interface', 'fail', `${ifname} (index ${index}) is up but has no carrier`, `connect ${ifname} to its link partner and bring the partner up ("ip link show ${ifname}" says NO-CARRIER until then)`);
  }
  return ok('interface', `${ifname} (index ${index}) exists, is up and has carrier`);
}
