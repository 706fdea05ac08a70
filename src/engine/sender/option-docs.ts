// What each `isochron send` option means (SEND_SPEC, also the orchestrator's
// exec lines), for the help that teaches, the man page and the completions.
// Meanings follow the C tool's behaviour as docs/cli.md and
// docs/sender-receiver.md describe it; defaults come from the same constants
// the option builder uses.
import { TIME_UNIT, type OptionDocs } from '../../args/option-docs.js';
import { MAX_FRAME_SIZE } from '../../core/frame.js';
import { DEFAULT_DATA_PORT, DEFAULT_OUTPUT_FILE, DEFAULT_STATS_PORT } from '../traffic/defaults.js';
import { SHARED_TRAFFIC_DOCS } from '../traffic/option-docs.js';

export const SEND_OPTION_DOCS: OptionDocs = {
  ...SHARED_TRAFFIC_DOCS,
  '--interface': {
    meaning: 'Network interface the test frames are sent from (and TX-timestamped on)',
    example: '--interface eth0',
  },
  '--dmac': {
    meaning: 'Destination MAC address of the L2 test frames',
    default: "with --client, the receiver's MAC, asked over the management connection",
    requiredWhen: 'in L2 mode without --client',
    example: '--dmac 02:00:00:00:0b:02',
  },
  '--smac': {
    meaning: 'Source MAC address written in the L2 test frames',
    default: "the interface's own MAC",
    example: '--smac 02:00:00:00:0a:01',
  },
  '--priority': {
    meaning: 'Socket priority (SO_PRIORITY) of the test frames, which the qdisc (mqprio, taprio) maps to a traffic class',
    default: '0',
    example: '--priority 5',
  },
  '--stats-port': {
    meaning: "TCP port of the receiver's management (stats) connection, used with --client",
    default: String(DEFAULT_STATS_PORT),
    example: `--stats-port ${DEFAULT_STATS_PORT}`,
  },
  '--base-time': {
    meaning:
      'Base time of the schedule in CLOCK_TAI; a time in the past moves on by whole cycles to just after the start; a leading + counts from now',
    default: '0 (the first cycle after the start)',
    unit: TIME_UNIT,
    example: '--base-time +1.0',
  },
  '--advance-time': {
    meaning: 'How long before its scheduled time each frame is woken up and handed to the kernel',
    default: 'cycle time minus window size (also when 0)',
    unit: TIME_UNIT,
    example: '--advance-time 0.0002',
  },
  '--shift-time': {
    meaning: "Offset of the sender's slot from the start of each cycle (its gate's opening in a taprio schedule)",
    default: '0',
    unit: TIME_UNIT,
    example: '--shift-time 0.0001',
  },
  '--cycle-time': {
    meaning: 'Period of the schedule: one test frame is sent per cycle',
    unit: TIME_UNIT,
    example: '--cycle-time 0.001',
  },
  '--window-size': {
    meaning: "Length of the sender's time slot in each cycle (its gate's open time in a taprio schedule)",
    default: '0',
    unit: TIME_UNIT,
    example: '--window-size 0.0003',
  },
  '--num-frames': {
    meaning: 'How many test frames to send; 0 sends until interrupted, which only works with --no-ts',
    default: '0',
    unit: 'frames',
    example: '--num-frames 1000',
  },
  '--frame-size': {
    meaning: `Size of each test frame, Ethernet header included (with --l4, the IP and UDP headers too), at most ${MAX_FRAME_SIZE}`,
    unit: 'bytes',
    example: '--frame-size 64',
  },
  '--no-ts': {
    meaning: 'Take no timestamps: frames are sent but nothing is measured (allows --num-frames 0)',
    default: 'off (timestamps are taken)',
    example: '--no-ts --num-frames 0',
  },
  '--vid': {
    meaning: 'VLAN id to tag the L2 test frames with (the tag also carries --priority as PCP); not with --l4',
    default: 'no VLAN tag',
    example: '--vid 100',
  },
  '--client': {
    meaning:
      'Address of the receiver (isochron rcv) to connect to for its timestamps; with it the run writes --output-file, without it only the send log is printed. An IPv6 link-local address takes %device',
    default: 'none (no receiver)',
    example: '--client 10.0.0.2',
  },
  '--quiet': {
    meaning: 'Do not print the send log (and missing-timestamp lines) at the end of a run without --client',
    default: 'off',
    example: '--quiet',
  },
  '--omit-sync': {
    meaning: 'Do not check that the PTP (ptp4l) and system clock (phc2sys) synchronization is good before and during the test',
    default: 'off (sync is checked, and --sync-threshold is needed)',
    example: '--omit-sync',
  },
  '--omit-remote-sync': {
    meaning: "Check only the local clocks' synchronization, not the receiver's",
    default: 'off',
    example: '--omit-remote-sync',
  },
  '--tracemark': {
    meaning:
      "The C sender's ftrace marking (it writes to the kernel's trace_marker while sending, to line frames up with a kernel trace); accepted for compatibility, this implementation writes no marker",
    default: 'off',
    example: '--tracemark',
  },
  '--taprio': {
    meaning: 'The interface runs a taprio qdisc: a frame sent before its gate opens is counted as premature (not with --txtime)',
    default: 'off',
    example: '--taprio',
  },
  '--txtime': {
    meaning: 'Send each frame with its scheduled time as SO_TXTIME launch time, for an etf qdisc (not with --taprio)',
    default: 'off',
    example: '--txtime',
  },
  '--deadline': {
    meaning: 'With --txtime, use the launch time as a deadline (SOF_TXTIME_DEADLINE_MODE): the frame may leave earlier, never later',
    default: 'off',
    example: '--txtime --deadline',
  },
  '--ip-destination': {
    meaning: 'Destination IP address of the UDP test frames',
    requiredWhen: 'with --l4',
    example: '--l4 --ip-destination 10.0.0.2',
  },
  '--data-port': {
    meaning: 'UDP destination port of the L4 test frames',
    default: String(DEFAULT_DATA_PORT),
    example: `--data-port ${DEFAULT_DATA_PORT}`,
  },
  '--sync-threshold': {
    meaning: 'Largest clock offset (ptp4l master offset and phc2sys offset) still counted as synchronized before and during the test',
    unit: 'ns',
    requiredWhen: 'unless --omit-sync',
    example: '--sync-threshold 100',
  },
  '--output-file': {
    meaning: "File the run's sender and receiver timestamps are written to, for isochron report; needs --client",
    default: DEFAULT_OUTPUT_FILE,
    example: '--output-file run.dat',
  },
  '--cpu-mask': {
    meaning: 'CPUs the frame-sending thread may run on, as a bit mask (bit N = CPU N)',
    default: '0 (any CPU)',
    example: '--cpu-mask 0x2',
  },
  '--fail-fast': {
    meaning: 'Ours: stop timestamping at the first measurement fault, as the C sender does, instead of counting faults and going on',
    default: 'off',
    example: '--fail-fast',
  },
};
