// The C tool's defaults that a sender and a receiver must agree on (so they
// find each other with no option given), and that the daemon applies to a
// run a client did not fully SET. One definition each; the option builders
// of send, rcv and daemon and the daemon's sender parameters read them.

/** TCP port of the management (stats) protocol. */
export const DEFAULT_STATS_PORT = 5000;
/** UDP port of L4 data frames. */
export const DEFAULT_DATA_PORT = 6000;
/** EtherType of L2 data frames (ETH_P_ISOCHRON). */
export const DEFAULT_ETHERTYPE = 0xdead;
/** ptp4l's management socket. */
export const DEFAULT_UDS = '/var/run/ptp4l';
/** ptp4l/PHC readings per sync check. */
export const DEFAULT_NUM_READINGS = 5;
/** The .dat file `send --client` writes and `report` reads when none is named. */
export const DEFAULT_OUTPUT_FILE = 'isochron.dat';
