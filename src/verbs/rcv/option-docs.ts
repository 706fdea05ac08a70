// What each `isochron rcv` option means, for the help that teaches, the man
// page and the completions (the options shared with send: traffic/option-docs).
import type { OptionDocs } from '../../args/option-docs.js';
import { DEFAULT_STATS_PORT } from '../../engine/traffic/defaults.js';
import { SHARED_TRAFFIC_DOCS } from '../../engine/traffic/option-docs.js';

export const RCV_OPTION_DOCS: OptionDocs = {
  ...SHARED_TRAFFIC_DOCS,
  '--interface': {
    meaning: 'Network interface the test frames are received (and RX-timestamped) on',
    example: '--interface eth1',
  },
  '--dmac': {
    meaning: 'Destination MAC address to accept L2 test frames for (joined as a multicast address when it is one)',
    default: "the interface's own MAC",
    example: '--dmac 01:80:c2:00:00:0e',
  },
  '--quiet': {
    meaning: 'Do not print "Discarding seqid" lines nor the receive log left at exit',
    default: 'off',
    example: '--quiet',
  },
  '--stats-address': {
    meaning: "Local address the management (stats) server listens on for the sender's connection",
    default: 'any address (IPv6 and IPv4)',
    example: '--stats-address 10.0.0.2',
  },
  '--stats-port': {
    meaning: 'TCP port the management (stats) server listens on; the sender connects to it with --client',
    default: `${DEFAULT_STATS_PORT} (also when 0)`,
    example: `--stats-port ${DEFAULT_STATS_PORT}`,
  },
};
