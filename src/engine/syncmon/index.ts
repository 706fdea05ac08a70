// Sync monitoring (C's syncmon) and the sync sources a receiver answers
// from. See docs/sync.md.
export { Syncmon, NUM_SYNC_CHECKS, type SyncmonNodeSpec, type SyncCheck } from './syncmon.js';
export { SyncNodeState, offsetColumn, type SyncSnapshot } from './node.js';
export { localProbe, remoteProbe, type SyncProbe, type RemoteQuery } from './probes.js';
export { createSyncSources, type SyncSources, type SyncSourcesOptions } from './sources.js';
export { observeSyncSources, type SyncObserver } from './observed.js';
export { waitForPtp4l, fixupKernelUtcOffset, type Ptp4lWaitIo } from './startup.js';
export { openLocalSync, type LocalSync, type LocalSyncOptions } from './local.js';
export * from './errors.js';
export { WaitNotice, WAIT_NOTICE_INTERVAL_MS } from './wait-notice.js';
