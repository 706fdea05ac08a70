// C matches ptp4l's port names against our interface after resolving VLAN
// uppers to their real device (rtnetlink IFLA_LINK), so "eth0.100" finds a
// ptp4l running on "eth0". sysfs says the same: a vlan device's uevent has
// DEVTYPE=vlan and a lower_<dev> link. Names sysfs does not know (another
// network namespace) stay as they are.
import { readdirSync, readFileSync } from 'node:fs';

const MAX_DEPTH = 8;

export function realDevice(ifname: string, sysfs = '/sys/class/net'): string {
  let name = ifname;
  for (let i = 0; i < MAX_DEPTH; i++) {
    let uevent: string;
    try {
      uevent = readFileSync(`${sysfs}/${name}/uevent`, 'utf8');
    } catch {
      return name;
    }
    if (!/^DEVTYPE=vlan$/m.test(uevent)) return name;
    const lower = readdirSync(`${sysfs}/${name}`).find((e) => e.startsWith('lower_'));
    if (!lower) return name;
    name = lower.slice('lower_'.length);
  }
  return name;
}
