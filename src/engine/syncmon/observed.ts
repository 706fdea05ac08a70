// A SyncSources that also tells an observer each offset it answered (the
// metrics endpoint's gauges): the node reports the values its sync checks
// already measure, and never asks ptp4l or the PHC on its own.
import type { SyncSources } from './sources.js';

export interface SyncObserver {
  /** ptp4l's offsetFromMaster, ns. */
  masterOffset(ns: bigint): void;
  /** sysmon's CLOCK_REALTIME - PHC, ns (about -UTC offset s when the PHC runs TAI). */
  phcToSystemOffset(ns: bigint): void;
}

/** `sources`, reporting every successful PTPMON_OFFSET and SYSMON_OFFSET answer to `observer` (none: unchanged). */
export function observeSyncSources(sources: SyncSources, observer: SyncObserver | undefined): SyncSources {
  if (!observer) return sources;
  return {
    ...sources,
    sysmonOffset: () => {
      const r = sources.sysmonOffset();
      observer.phcToSystemOffset(r.offset);
      return r;
    },
    ptpmonOffset: async () => {
      const v = await sources.ptpmonOffset();
      observer.masterOffset(v);
      return v;
    },
    close: () => sources.close(),
  };
}
