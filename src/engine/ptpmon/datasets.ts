// The data sets isochron reads from ptp4l, decoded from the TLV data field
// (sizes are those of the packed structs on the wire, IEEE 1588 clause 15).
import { PtpMid } from './ids.js';
import type { DataShape } from './message.js';

export const SHAPES: Record<number, DataShape> = {
  [PtpMid.DEFAULT_DATA_SET]: { kind: 'fixed', size: 20 },
  [PtpMid.CURRENT_DATA_SET]: { kind: 'fixed', size: 18 },
  [PtpMid.PARENT_DATA_SET]: { kind: 'fixed', size: 32 },
  [PtpMid.TIME_PROPERTIES_DATA_SET]: { kind: 'fixed', size: 4 },
  [PtpMid.PORT_DATA_SET]: { kind: 'fixed', size: 26 },
  // portIdentity (10), portState, timestamping, then PTPText interface name.
  [PtpMid.PORT_PROPERTIES_NP]: { kind: 'text', fixed: 13 },
  // clockType (2), physicalLayerProtocol PTPText (1+), physicalAddressLength (2), protocolAddress (4+), ...
  [PtpMid.CLOCK_DESCRIPTION]: { kind: 'variable', min: 9 },
};

export interface DefaultDataSet {
  numberPorts: number;
  priority1: number;
  priority2: number;
  clockIdentity: Buffer;
  domainNumber: number;
}

export function decodeDefaultDataSet(d: Buffer): DefaultDataSet {
  return {
    numberPorts: d.readUInt16BE(2),
    priority1: d[4],
    priority2: d[9],
    clockIdentity: Buffer.from(d.subarray(10, 18)),
    domainNumber: d[18],
  };
}

/**
 * offsetFromMaster is a TimeInterval: ns scaled by 2^16. C shifts the s64
 * right by 16 (arithmetic), which rounds towards minus infinity; so do we.
 */
export function decodeMasterOffset(currentDs: Buffer): bigint {
  return currentDs.readBigInt64BE(2) >> 16n;
}

export function decodeGrandmasterIdentity(parentDs: Buffer): Buffer {
  return Buffer.from(parentDs.subarray(24, 32));
}

/** C reads currentUtcOffset as an unsigned be16 into an int; so do we. */
export function decodeUtcOffset(timeProperties: Buffer): number {
  return timeProperties.readUInt16BE(0);
}

export interface PortProperties {
  portNumber: number;
  portState: number;
  timestamping: number;
  iface: string;
}

export function decodePortProperties(d: Buffer): PortProperties {
  const len = d[12];
  return {
    portNumber: d.readUInt16BE(8),
    portState: d[10],
    timestamping: d[11],
    iface: d.toString('latin1', 13, 13 + len),
  };
}

/** C's clockid_to_string: xxxxxx.xxxx.xxxxxx */
export function formatClockIdentity(id: Uint8Array): string {
  const h = Buffer.from(id.subarray(0, 8)).toString('hex');
  return `${h.slice(0, 6)}.${h.slice(6, 10)}.${h.slice(10, 16)}`;
}

/** networkProtocol of a PortAddress (IEEE 1588 table 3), as ptp4l's transports report it. */
const NETWORK_PROTOCOLS: Record<number, string> = { 1: 'UDPv4', 2: 'UDPv6', 3: 'IEEE 802.3 (layer 2)', 4: 'DeviceNet', 5: 'ControlNet', 6: 'PROFINET', 0xfffe: 'UNIX domain socket' };

export function networkProtocolName(protocol: number): string {
  return NETWORK_PROTOCOLS[protocol] ?? `network protocol ${protocol}`;
}

/**
 * CLOCK_DESCRIPTION's protocolAddress.networkProtocol: the port's transport.
 * The fields before it have their own lengths (a PTPText, then a
 * length-prefixed physical address); null when one runs past the data.
 */
export function decodeNetworkProtocol(d: Buffer): number | null {
  let at = 2; // clockType
  if (at + 1 > d.length) return null;
  at += 1 + d[at]; // physicalLayerProtocol
  if (at + 2 > d.length) return null;
  at += 2 + d.readUInt16BE(at); // physicalAddress
  if (at + 2 > d.length) return null;
  return d.readUInt16BE(at);
}
