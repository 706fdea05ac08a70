// Errors of sysmon: the PHC of the interface against CLOCK_REALTIME.
import { defineError, Errno } from '../../core/errors.js';

/** C prints "interface X does not have a PHC" and fails; --omit-hwts turns this into a skip. */
export const SysmonNoPhc = defineError(
  'ISOCHRON_ERR_SYSMON_NO_PHC',
  Errno.ENODEV,
  (ifname: string) =>
    `interface ${ifname} does not have a PHC: cannot measure the PHC-to-system offset (sysmon); ` +
    'with software timestamping use --omit-hwts (sysmon is then skipped and only ptp4l is checked)',
);

export const SysmonOpen = defineError(
  'ISOCHRON_ERR_SYSMON_OPEN',
  Errno.ENODEV,
  (device: string, detail: string) => `sysmon: PHC ${device}: ${detail}`,
);

export const SysmonRead = defineError(
  'ISOCHRON_ERR_SYSMON_READ',
  Errno.EIO,
  (device: string, detail: string) => `Failed to query current sysmon offset of ${device}: ${detail}`,
);

export const SysmonBadReadings = defineError(
  'ISOCHRON_ERR_SYSMON_READINGS',
  Errno.EINVAL,
  (n: number) => `--num-readings ${n}: need at least 1 reading of the PHC`,
);
