// `isochron doctor`: the option table (ours: the C tool has no doctor) and
// the typed options run.ts consumes. The PTP options mean what they mean on
// send and rcv, so the doctor asks ptp4l exactly as they would.
import { HELP_OPTION, IFNAME_LIMIT, UDS_LIMIT, opt, type VerbSpec } from '../../args/spec.js';
import type { ResolvedOptions } from '../../args/resolve.js';
import { DEFAULT_UDS } from '../../engine/traffic/defaults.js';
import { DoctorBadFormat, DoctorBadNumber } from './errors.js';

export const DOCTOR_FORMATS = ['text', 'json'] as const;
export type DoctorFormat = (typeof DOCTOR_FORMATS)[number];
const FORMAT_LIMIT = 64;

export const DOCTOR_SPEC: VerbSpec = {
  usageName: 'isochron-doctor',
  options: [
    HELP_OPTION,
    {
      ...opt('-i', '--interface', 'interface', 'ifname', IFNAME_LIMIT),
      doc: { meaning: 'The interface isochron will send or receive on: checked for link, timestamping, PHC and qdiscs', default: 'none: those checks are skipped', example: '--interface eth0' },
    },
    {
      ...opt('-U', '--unix-domain-socket', 'unixDomainSocket', 'filepath', UDS_LIMIT),
      doc: { meaning: "ptp4l's management socket (its uds_address)", default: DEFAULT_UDS, example: '--unix-domain-socket /var/run/ptp4l' },
    },
    {
      ...opt('-N', '--domain-number', 'domainNumber', 'long'),
      doc: { meaning: "ptp4l's domainNumber: requests of another domain go unanswered", default: '0', example: '--domain-number 24' },
    },
    {
      ...opt('-t', '--transport-specific', 'transportSpecific', 'long'),
      doc: { meaning: "ptp4l's transportSpecific (1 for 802.1AS / gPTP)", default: '0', example: '--transport-specific 1' },
    },
    {
      ...opt('-O', '--format', 'format', 'string', FORMAT_LIMIT),
      doc: { meaning: 'Output: one line per check (text) or the isochron-doctor/1 JSON document (json)', default: 'text', example: '--format json' },
    },
  ],
};

export interface DoctorOptions {
  interface: string | null;
  unixDomainSocket: string;
  domainNumber: number;
  transportSpecific: number;
  format: DoctorFormat;
}

function inRange(option: string, value: bigint, max: number): number {
  if (value < 0n || value > BigInt(max)) throw DoctorBadNumber(option, value, max);
  return Number(value);
}

export function buildDoctorOptions(r: ResolvedOptions): DoctorOptions {
  const format = r.text('format', 'text');
  if (!(DOCTOR_FORMATS as readonly string[]).includes(format)) throw DoctorBadFormat(format, DOCTOR_FORMATS.join(', '));
  return {
    interface: r.text('interface', '') || null,
    unixDomainSocket: r.text('unixDomainSocket', '') || DEFAULT_UDS,
    domainNumber: inRange('--domain-number', r.integer('domainNumber', 0n), 255),
    transportSpecific: inRange('--transport-specific', r.integer('transportSpecific', 0n), 15),
    format: format as DoctorFormat,
  };
}
