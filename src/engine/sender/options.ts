// `isochron send`: the C option table (omit-hwts branch order: -Y last) and
// the checks the C tool makes before it touches the system
// (isochron_send_interpret_args), in the same order with the same messages.
// It lives with the sender engine, below the verbs, because two verbs read
// it: `send` (its command line) and `orchestrate` (a node's exec line IS a
// send command line).
// Integers stay bigint: the C values are 64-bit and wrap or truncate later,
// where the wire or kernel field is known.
import type { VerbSpec } from '../../args/spec.js';
import { HELP_OPTION, IFNAME_LIMIT, opt, PATH_LIMIT, UDS_LIMIT } from '../../args/spec.js';
import type { ResolvedOptions } from '../../args/resolve.js';
import type { IpAddress } from '../../args/values/index.js';
import { isZeroMac } from '../../core/mac.js';
import { invalidCombination } from '../../args/errors.js';
import { MAX_FRAME_SIZE as FRAME_LIMIT } from '../../core/frame.js';
import {
  DEFAULT_DATA_PORT,
  DEFAULT_ETHERTYPE,
  DEFAULT_NUM_READINGS,
  DEFAULT_STATS_PORT,
  DEFAULT_UDS,
} from '../traffic/defaults.js';
import { DEFAULT_OUTPUT_FILE } from '../traffic/defaults.js';
import { documented } from '../../args/option-docs.js';
import { SEND_OPTION_DOCS } from './option-docs.js';

export const SEND_SPEC: VerbSpec = documented({
  usageName: 'isochron-send',
  options: [
    HELP_OPTION,
    { ...opt('-i', '--interface', 'interface', 'ifname', IFNAME_LIMIT), optional: false },
    opt('-d', '--dmac', 'dmac', 'mac'),
    opt('-A', '--smac', 'smac', 'mac'),
    opt('-p', '--priority', 'priority', 'long'),
    opt('-P', '--stats-port', 'statsPort', 'long'),
    opt('-b', '--base-time', 'baseTime', 'time'),
    opt('-a', '--advance-time', 'advanceTime', 'time'),
    opt('-S', '--shift-time', 'shiftTime', 'time'),
    { ...opt('-c', '--cycle-time', 'cycleTime', 'time'), optional: false },
    opt('-w', '--window-size', 'windowSize', 'time'),
    opt('-n', '--num-frames', 'numFrames', 'unsigned'),
    { ...opt('-s', '--frame-size', 'frameSize', 'long'), optional: false },
    opt('-T', '--no-ts', 'noTs', 'bool'),
    opt('-v', '--vid', 'vid', 'long'),
    opt('-C', '--client', 'client', 'ip'),
    opt('-q', '--quiet', 'quiet', 'bool'),
    opt('-e', '--etype', 'etype', 'long'),
    opt('-o', '--omit-sync', 'omitSync', 'bool'),
    opt('-y', '--omit-remote-sync', 'omitRemoteSync', 'bool'),
    opt('-m', '--tracemark', 'tracemark', 'bool'),
    opt('-Q', '--taprio', 'taprio', 'bool'),
    opt('-x', '--txtime', 'txtime', 'bool'),
    opt('-D', '--deadline', 'deadline', 'bool'),
    opt('-H', '--sched-priority', 'schedPriority', 'long'),
    opt('-f', '--sched-fifo', 'schedFifo', 'bool'),
    opt('-r', '--sched-rr', 'schedRr', 'bool'),
    opt('-O', '--utc-tai-offset', 'utcTaiOffset', 'long'),
    opt('-J', '--ip-destination', 'ipDestination', 'ip'),
    opt('-2', '--l2', 'l2', 'bool'),
    opt('-4', '--l4', 'l4', 'bool'),
    opt('-W', '--data-port', 'dataPort', 'long'),
    opt('-N', '--domain-number', 'domainNumber', 'long'),
    opt('-t', '--transport-specific', 'transportSpecific', 'long'),
    opt('-U', '--unix-domain-socket', 'unixDomainSocket', 'filepath', UDS_LIMIT),
    opt('-X', '--sync-threshold', 'syncThreshold', 'long'),
    opt('-R', '--num-readings', 'numReadings', 'long'),
    opt('-F', '--output-file', 'outputFile', 'filepath', PATH_LIMIT),
    opt('-M', '--cpu-mask', 'cpuMask', 'unsigned'),
    opt('-Y', '--omit-hwts', 'omitHwts', 'bool'),
    // Ours, not the C tool's: listed after its options so its usage text
    // stays a prefix of ours.
    opt('-Z', '--fail-fast', 'failFast', 'bool'),
    { ...opt('-G', '--no-progress', 'noProgress', 'bool'), doc: { meaning: 'Do not draw the live status line on stderr (it is drawn only when stderr is a terminal)', default: 'drawn on a terminal', example: '--no-progress' } },
  ],
}, SEND_OPTION_DOCS);

const MAX_FRAME_SIZE = BigInt(FRAME_LIMIT);

export interface SendOptions {
  interface: string;
  /** null: not given (all-zero); then it is asked from the receiver (--client). */
  destinationMac: Buffer | null;
  /** null: not given (all-zero); then the interface's own MAC is used. */
  sourceMac: Buffer | null;
  priority: bigint;
  statsPort: bigint;
  /** Nanoseconds (relative "+x" times already include CLOCK_TAI now). */
  baseTime: bigint;
  /** Defaults to cycleTime - windowSize when not given or 0. */
  advanceTime: bigint;
  shiftTime: bigint;
  cycleTime: bigint;
  windowSize: bigint;
  /** 0 = run until interrupted (only allowed with --no-ts). */
  numFrames: bigint;
  frameSize: bigint;
  /** false with --no-ts. */
  timestamping: boolean;
  /** null: no VLAN tag (C uses -1 for that; an explicit -1 means the same). */
  vid: bigint | null;
  client: IpAddress | null;
  quiet: boolean;
  /** --no-progress: no status line on a terminal (src/engine/progress). */
  noProgress: boolean;
  etype: bigint;
  omitSync: boolean;
  omitRemoteSync: boolean;
  tracemark: boolean;
  taprio: boolean;
  txtime: boolean;
  deadline: boolean;
  schedPriority: bigint;
  schedFifo: boolean;
  schedRr: boolean;
  /**
   * null: not given (-1). The run must then, like C, read the kernel's
   * UTC-TAI offset when omitSync is set and print "Using the kernel UTC-TAI
   * offset which is N"; a given value is written to the kernel (adjtimex).
   * These touch the system, so the CLI leaves them to the verb.
   */
  utcTaiOffset: bigint | null;
  ipDestination: IpAddress | null;
  transport: 'l2' | 'l4';
  dataPort: bigint;
  domainNumber: bigint;
  transportSpecific: bigint;
  unixDomainSocket: string;
  /** null: not given or negative (only allowed with omitSync). */
  syncThreshold: bigint | null;
  numReadings: bigint;
  outputFile: string;
  cpuMask: bigint;
  omitHwts: boolean;
  /** Ours: stop timestamping at the first measurement fault, as the C tool does. */
  failFast: boolean;
}

export function buildSendOptions(r: ResolvedOptions): SendOptions {
  const cycleTime = r.integer('cycleTime', 0n);
  const windowSize = r.integer('windowSize', 0n);
  let advanceTime = r.integer('advanceTime', 0n);
  // No advance time would make every frame late for its gate: default to one
  // cycle early, minus the window so it is not premature either.
  if (advanceTime === 0n) advanceTime = BigInt.asIntN(64, cycleTime - windowSize);
  const shiftTime = r.integer('shiftTime', 0n);
  const txtime = r.flag('txtime');
  const taprio = r.flag('taprio');
  const deadline = r.flag('deadline');
  const frameSize = r.integer('frameSize', 0n);
  const client = r.ip('client');
  const outputFileGiven = r.text('outputFile', '');
  const l4 = r.flag('l4');
  const l2 = r.flag('l2');
  const ipDestination = r.ip('ipDestination');
  const omitSync = r.flag('omitSync');
  const syncThreshold = r.integer('syncThreshold', -1n);
  const dmac = r.mac('dmac');
  const vid = r.integer('vid', -1n);
  const timestamping = !r.flag('noTs');
  const numFrames = r.integer('numFrames', 0n);

  const fail = (message: string): never => {
    throw invalidCombination(message);
  };
  if (advanceTime > cycleTime) fail('Advance time cannot be higher than cycle time');
  if (shiftTime > cycleTime) fail('Shift time cannot be higher than cycle time');
  if (windowSize > cycleTime) fail('Window size cannot be higher than cycle time');
  if (txtime && taprio) fail('Cannot enable txtime and taprio mode at the same time');
  if (deadline && !txtime) fail('Deadline mode supported only with txtime');
  if (r.flag('schedFifo') && r.flag('schedRr')) fail('cannot have SCHED_FIFO and SCHED_RR at the same time');
  if (frameSize > MAX_FRAME_SIZE) fail(`Frame size cannot exceed ${MAX_FRAME_SIZE} octets`);
  if (outputFileGiven !== '' && !client) fail('--client is mandatory when --output-file is used');
  if (l4 && !ipDestination) fail('--ip-destination is mandatory with --l4');
  if (!l4 && ipDestination) fail('--ip-destination provided, but --l4 not specified');
  if (syncThreshold < 0n && !omitSync) fail('--sync-threshold is mandatory unless --omit-sync is used');
  if (l2 && l4) fail('Choose transport as either L2 or L4!');
  const transport = l4 ? 'l4' : 'l2';
  if (transport === 'l2' && isZeroMac(dmac) && !client) fail('Please specify destination MAC address');
  if (transport === 'l4' && vid !== -1n) fail('Cannot insert VLAN header over IP socket');
  if (timestamping && numFrames === 0n) fail('cannot take timestamps if running indefinitely');

  const smac = r.mac('smac');
  const utcTaiOffset = r.integer('utcTaiOffset', -1n);
  return {
    interface: r.text('interface', ''),
    destinationMac: isZeroMac(dmac) ? null : dmac,
    sourceMac: isZeroMac(smac) ? null : smac,
    priority: r.integer('priority', 0n),
    statsPort: r.integer('statsPort', BigInt(DEFAULT_STATS_PORT)),
    baseTime: r.integer('baseTime', 0n),
    advanceTime,
    shiftTime,
    cycleTime,
    windowSize,
    numFrames,
    frameSize,
    timestamping,
    vid: vid === -1n ? null : vid,
    client,
    quiet: r.flag('quiet'),
    noProgress: r.flag('noProgress'),
    etype: r.integer('etype', BigInt(DEFAULT_ETHERTYPE)),
    omitSync,
    omitRemoteSync: r.flag('omitRemoteSync'),
    tracemark: r.flag('tracemark'),
    taprio,
    txtime,
    deadline,
    schedPriority: r.integer('schedPriority', 0n),
    schedFifo: r.flag('schedFifo'),
    schedRr: r.flag('schedRr'),
    utcTaiOffset: utcTaiOffset === -1n ? null : utcTaiOffset,
    ipDestination,
    transport,
    dataPort: r.integer('dataPort', BigInt(DEFAULT_DATA_PORT)),
    domainNumber: r.integer('domainNumber', 0n),
    transportSpecific: r.integer('transportSpecific', 0n),
    unixDomainSocket: r.text('unixDomainSocket', DEFAULT_UDS),
    syncThreshold: syncThreshold < 0n ? null : syncThreshold,
    numReadings: r.integer('numReadings', BigInt(DEFAULT_NUM_READINGS)),
    outputFile: outputFileGiven === '' ? DEFAULT_OUTPUT_FILE : outputFileGiven,
    cpuMask: r.integer('cpuMask', 0n),
    omitHwts: r.flag('omitHwts'),
    failFast: r.flag('failFast'),
  };
}
