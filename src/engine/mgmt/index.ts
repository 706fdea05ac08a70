// Public surface of the management protocol layer.
export * from './ids.js';
export * from './errors.js';
export * from './payloads.js';
export * from './values.js';
export * from './error-payload.js';
export * from './codec.js';
export { ManagementReader, type ReaderEvent, type ReaderOptions, type AcceptedActions } from './reader.js';
export { ManagementClient, type ClientOptions, type ConnectOptions } from './client.js';
export { responseFor, emptyResponse, getErrorResponse, MidErrorTable } from './server.js';
export { AF_INET, AF_INET6 } from './ip.js';
export { dispatchMessage, MgmtOpError, type DispatchIo, type GetResult, type MidOps, type OpsTable } from './dispatch.js';
export { ConnectionFlow, SLICE_BYTES, DEFAULT_MAX_PENDING_REPLY_BYTES, DEFAULT_MAX_QUEUED_REQUESTS, type FlowLimits } from './flow.js';
