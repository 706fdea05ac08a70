// What each `isochron daemon` option means, for the help that teaches, the
// man page and the completions.
import type { OptionDocs } from '../../args/option-docs.js';
import { DEFAULT_STATS_PORT } from '../../engine/traffic/defaults.js';

export const DAEMON_OPTION_DOCS: OptionDocs = {
  '--pid-file': {
    meaning: 'File the daemon writes its process id to once it listens, and removes when it stops (for stopping it: kill $(cat FILE))',
    default: 'none',
    example: '--pid-file /run/isochron.pid',
  },
  '--log-file': {
    meaning: "File the daemon's messages go to once it has detached from the terminal; emptied when the daemon starts",
    default: 'none (messages are discarded)',
    example: '--log-file /var/log/isochron.log',
  },
  '--stats-port': {
    meaning: 'TCP port the daemon listens on for the orchestrator (isochron orchestrate) to configure and run it',
    default: `${DEFAULT_STATS_PORT} (also when 0)`,
    example: `--stats-port ${DEFAULT_STATS_PORT}`,
  },
  '--stats-address': {
    meaning: 'Local address the daemon listens on for the orchestrator; an IPv6 link-local address takes %device',
    default: 'any address (IPv6 and IPv4)',
    example: '--stats-address 192.168.1.10',
  },
};
