// Errors of the namespace/veth fixture used by the main job and the tests.
import { defineError, Errno } from '../../core/errors.js';

export const NetnsCommandFailed = defineError(
  'ISOCHRON_ERR_NETNS_COMMAND',
  Errno.EIO,
  (command: string, detail: string) =>
    `${command} failed: ${detail}: creating namespaces and veth pairs needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2 ("ip")`,
);

export const NetnsLinkTimeout = defineError(
  'ISOCHRON_ERR_NETNS_LINK_TIMEOUT',
  Errno.ETIMEDOUT,
  (a: string, b: string, ms: number) => `veth ${a}/${b} did not come up within ${ms} ms`,
);

export const NetnsSetnsFailed = defineError(
  'ISOCHRON_ERR_NETNS_SETNS',
  Errno.EPERM,
  (ns: string, errnum: number) => `setns into network namespace ${ns} failed (errno ${errnum}): are you root?`,
);
