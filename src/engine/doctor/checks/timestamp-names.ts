// The names of the hardware timestamping modes ETHTOOL_GET_TS_INFO reports
// (linux/net_tstamp.h), for the doctor's lines.
export const HWTSTAMP_TX_NAMES = ['OFF', 'ON', 'ONESTEP_SYNC', 'ONESTEP_P2P'] as const;

export const HWTSTAMP_FILTER_NAMES = [
  'NONE', 'ALL', 'SOME',
  'PTP_V1_L4_EVENT', 'PTP_V1_L4_SYNC', 'PTP_V1_L4_DELAY_REQ',
  'PTP_V2_L4_EVENT', 'PTP_V2_L4_SYNC', 'PTP_V2_L4_DELAY_REQ',
  'PTP_V2_L2_EVENT', 'PTP_V2_L2_SYNC', 'PTP_V2_L2_DELAY_REQ',
  'PTP_V2_EVENT', 'PTP_V2_SYNC', 'PTP_V2_DELAY_REQ',
  'NTP_ALL',
] as const;

/** The names of the bits set in `mask`, bit n named names[n] (unknown bits as their number). */
export function bitNames(mask: number, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 32; bit++) if ((mask >>> bit) & 1) out.push(names[bit] ?? `bit ${bit}`);
  return out;
}

/** HWTSTAMP_FILTER_PTP_V1_L4_EVENT .. PTP_V2_DELAY_REQ: filters that stamp PTP frames only. */
export function ptpOnlyFilters(mask: number): boolean {
  for (let bit = 3; bit <= 14; bit++) if ((mask >>> bit) & 1) return true;
  return false;
}
