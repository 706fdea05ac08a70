// ptp4l monitoring (C's ptpmon): a management client for ptp4l's UNIX socket.
export { PtpmonClient, DEFAULT_PTPMON_TIMEOUT_MS, type PtpmonOptions } from './client.js';
export { PtpMid, PortState, portStateName, ptpMidName, managementErrorText } from './ids.js';
export { formatClockIdentity, decodeMasterOffset, decodeUtcOffset, decodeGrandmasterIdentity, decodePortProperties, decodeDefaultDataSet } from './datasets.js';
export { encodeGet, parseReply, ALL_PORTS, type PortIdentity, type ReplyVerdict, type DataShape } from './message.js';
export { realDevice } from './real-dev.js';
export * from './errors.js';
