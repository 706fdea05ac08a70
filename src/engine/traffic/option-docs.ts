// What the options that `send` and `rcv` share mean (one text each, the
// same facts on both sides of a test), for the help that teaches
// (src/args/option-docs.ts). Verb-specific meanings live with each verb.
import type { OptionDocs } from '../../args/option-docs.js';
import { DEFAULT_DATA_PORT, DEFAULT_ETHERTYPE, DEFAULT_NUM_READINGS, DEFAULT_UDS } from './defaults.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

export const SHARED_TRAFFIC_DOCS: OptionDocs = {
  '--etype': {
    meaning: 'EtherType of the L2 test frames; sender and receiver must use the same one',
    default: hex(DEFAULT_ETHERTYPE),
    example: '--etype 0x88b5',
  },
  '--sched-priority': {
    meaning: 'Real-time priority of the thread that sends or receives the frames, used with --sched-fifo or --sched-rr (needs CAP_SYS_NICE)',
    default: '0 (none: the thread keeps the normal scheduling policy)',
    unit: 'priority 1..99',
    example: '--sched-fifo --sched-priority 98',
  },
  '--sched-fifo': {
    meaning: 'Run the frame thread under the SCHED_FIFO real-time policy at --sched-priority (not together with --sched-rr)',
    default: 'off',
    example: '--sched-fifo --sched-priority 98',
  },
  '--sched-rr': {
    meaning: 'Run the frame thread under the SCHED_RR real-time policy at --sched-priority (not together with --sched-fifo)',
    default: 'off',
    example: '--sched-rr --sched-priority 98',
  },
  '--utc-tai-offset': {
    meaning:
      "UTC-TAI offset to use, written to the kernel's TAI offset (adjtimex), which changes it for the whole machine; when absent it comes from ptp4l, or from the kernel with --omit-sync",
    default: "ptp4l's currentUtcOffset (the kernel's with --omit-sync)",
    unit: 's',
    example: '--utc-tai-offset 37',
  },
  '--l2': {
    meaning: 'Carry the test frames directly over Ethernet (a raw packet socket), the default',
    default: 'on unless --l4',
    example: '--l2',
  },
  '--l4': {
    meaning: 'Carry the test frames in UDP datagrams over IP instead of raw Ethernet',
    default: 'off',
    example: `--l4 (data port ${DEFAULT_DATA_PORT})`,
  },
  '--domain-number': {
    meaning: 'PTP domain number of the local ptp4l, used in its management queries for the sync checks',
    default: '0',
    example: '--domain-number 24',
  },
  '--transport-specific': {
    meaning: 'PTP transportSpecific (majorSdoId) of the local ptp4l, used in its management queries (1 for gPTP/802.1AS)',
    default: '0',
    example: '--transport-specific 1',
  },
  '--unix-domain-socket': {
    meaning: "Path of the local ptp4l's management UNIX socket, through which the sync state is read",
    default: DEFAULT_UDS,
    example: '--unix-domain-socket /var/run/ptp4l-eth0',
  },
  '--num-readings': {
    meaning: 'How many PHC and system clock readings each sync check takes to estimate the phc2sys offset',
    default: String(DEFAULT_NUM_READINGS),
    unit: 'readings',
    example: '--num-readings 10',
  },
  '--omit-hwts': {
    meaning: 'Use software timestamps only: do not ask the NIC for hardware timestamps (for interfaces without them, such as veth)',
    default: 'off (hardware timestamps are required)',
    example: '--omit-hwts',
  },
};
