// The sender role's sync monitors (C's send->ptpmon and send->sysmon in
// the daemon): what SET PTPMON_ENABLED / SYSMON_ENABLED start, and what
// GET PTPMON_OFFSET, UTC_OFFSET, PORT_STATE, GM_CLOCK_IDENTITY and
// SYSMON_OFFSET answer an orchestrator watching this node's sync.
//
// Built from src/engine/syncmon (the ptp4l wait and kernel UTC-TAI fix-up of the
// sender's start-up, the sync sources and their C extack texts) and
// src/engine/sysmon; the parameters (UDS, DOMAIN_NUMBER, TRANSPORT_SPECIFIC,
// NUM_READINGS, IF_NAME) are the role's at the moment a monitor is enabled,
// as in C.
//
// Where we differ from the C daemon, on purpose:
//  - an interface without a PHC (veth, software timestamping) cannot have a
//    sysmon: C fails SYSMON_ENABLED with -ENOMEM and no text, so the C
//    orchestrator can never run a synced test on it. We skip sysmon with a
//    log line, as our sender does with --omit-hwts, and SYSMON_OFFSET
//    answers "Sync monitoring absent" (the omit-hwts receiver's answer):
//    the orchestrator then checks ptp4l's offset only;
//  - enabling a monitor while SYNC_MONITOR_ENABLED is 0 starts it (C
//    silently does nothing and answers "not instantiated" afterwards);
//  - SYSMON_ENABLED 0 really forgets the monitor (C frees it and keeps the
//    pointer).
import { isIsochronError } from '../../core/errors.js';
import type { SysmonOffset } from '../../engine/mgmt/index.js';
import { PtpmonClient } from '../../engine/ptpmon/index.js';
import { setSenderUtcTaiOffset } from '../../engine/sender/utc-offset.js';
import { kernelTaiOffset } from '../../sys/time.js';
import { createSyncSources, fixupKernelUtcOffset, observeSyncSources, SyncMonitoringAbsent, waitForPtp4l, type SyncObserver, type SyncSources } from '../../engine/syncmon/index.js';
import { openSysmonForInterface, SysmonNoPhc, sysmonMethodLine, type Sysmon, type SysmonDeps } from '../../engine/sysmon/index.js';
import { DaemonMonitorAlready, DaemonMonitorMissing, DaemonMonitorNotEnabled, DaemonNoInterface, DaemonSyncCancelled } from './errors.js';
import type { DaemonLog } from './log.js';
import type { SenderParams } from './params.js';

export interface SenderSyncDeps {
  log: DaemonLog;
  /** The PHC boundary (ioctls, /dev/ptpN): tests hand in a fake PHC. */
  sysmon?: SysmonDeps;
  /** Per ptp4l request (default 1000 ms, src/engine/ptpmon's). */
  ptpmonTimeoutMs?: number;
  /** Between "waiting for ptp4l" retries (C: 1 s). */
  ptp4lRetryMs?: number;
  /** Our bound ptp4l client path (default /var/run/isochron.PID, made unique per client). */
  ptpmonLocalPath?: string;
  kernelTaiOffset?: () => number;
  setKernelTaiOffset?: (offset: number) => void;
  /** Told each offset answered (the metrics endpoint's gauges). */
  observer?: SyncObserver;
}

type SysmonSlot = { kind: 'off' } | { kind: 'phc'; sysmon: Sysmon } | { kind: 'absent' };

export class SenderSync {
  #sysmon: SysmonSlot = { kind: 'off' };
  #ptpmon: PtpmonClient | null = null;
  /** A PTPMON_ENABLED 1 waiting for ptp4l. */
  #opening = false;
  #closed = false;

  constructor(
    private readonly params: SenderParams,
    private readonly deps: SenderSyncDeps,
  ) {}

  // ---- SET ------------------------------------------------------------------

  setSysmonEnabled(on: boolean): void {
    if (!on) {
      if (this.#sysmon.kind === 'off') throw DaemonMonitorNotEnabled('sysmon');
      this.#closeSysmon();
      return;
    }
    if (this.#sysmon.kind !== 'off') throw DaemonMonitorAlready('sysmon');
    const { ifname, numReadings } = this.params;
    if (ifname === '') throw DaemonNoInterface();
    const log = this.deps.log;
    try {
      const sysmon = openSysmonForInterface(ifname, numReadings, { ...this.deps.sysmon, warn: (l) => log.write(l) });
      this.#sysmon = { kind: 'phc', sysmon };
      log.write(sysmonMethodLine(sysmon));
    } catch (err) {
      if (!isIsochronError(err) || err.code !== SysmonNoPhc.code) throw err;
      this.#sysmon = { kind: 'absent' };
      log.line(
        `interface ${ifname} does not have a PHC: sysmon skipped (software timestamping), ` +
          "SYSMON_OFFSET answers \"Sync monitoring absent\" and only ptp4l's offset is checked",
      );
    }
  }

  /** C's isochron_send_init_ptpmon: open, wait for ptp4l (3 retries), fix the kernel's UTC-TAI offset. */
  async setPtpmonEnabled(on: boolean): Promise<void> {
    if (!on) {
      if (!this.#ptpmon) throw DaemonMonitorNotEnabled('ptpmon');
      this.#ptpmon.close();
      this.#ptpmon = null;
      return;
    }
    if (this.#ptpmon || this.#opening) throw DaemonMonitorAlready('ptpmon');
    const p = this.params;
    const client = PtpmonClient.open({
      udsPath: p.uds,
      domainNumber: p.domainNumber,
      transportSpecific: p.transportSpecific,
      ...(this.deps.ptpmonLocalPath ? { localPath: this.deps.ptpmonLocalPath } : {}),
      ...(this.deps.ptpmonTimeoutMs ? { timeoutMs: this.deps.ptpmonTimeoutMs } : {}),
    });
    this.#opening = true;
    try {
      const log = this.deps.log;
      const io = {
        out: (t: string) => log.write(t),
        err: (t: string) => log.write(t),
        sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
        interrupted: () => this.#closed,
      };
      const utc = await waitForPtp4l(client, io, () => DaemonSyncCancelled('waiting for ptp4l'), this.deps.ptp4lRetryMs ?? 1000);
      if (this.#closed) throw DaemonSyncCancelled('waiting for ptp4l');
      this.#takeUtcOffset(utc);
      this.#ptpmon = client;
    } catch (err) {
      client.close();
      throw err;
    } finally {
      this.#opening = false;
    }
  }

  // ---- GET ------------------------------------------------------------------

  sysmonOffset(): SysmonOffset {
    const slot = this.#sysmon;
    if (slot.kind === 'off') throw DaemonMonitorMissing('sysmon');
    if (slot.kind === 'absent') throw SyncMonitoringAbsent();
    return this.#sources(slot.sysmon).sysmonOffset();
  }

  ptpmonOffset(): Promise<bigint> {
    return this.#sources().ptpmonOffset();
  }

  /** C: the answer also fixes the kernel's UTC-TAI offset and becomes the test's. */
  async utcOffset(): Promise<number> {
    const utc = await this.#sources().utcOffset();
    this.#takeUtcOffset(utc);
    return utc;
  }

  portState(): Promise<number> {
    const sources = this.#sources();
    if (this.params.ifname === '') throw DaemonNoInterface();
    return sources.portState();
  }

  gmClockIdentity(): Promise<Buffer> {
    return this.#sources().gmClockIdentity();
  }

  /** Role dropped: both monitors closed (a pending ptp4l wait ends with DaemonSyncCancelled). */
  close(): void {
    this.#closed = true;
    this.#ptpmon?.close();
    this.#ptpmon = null;
    this.#closeSysmon();
  }

  #closeSysmon(): void {
    if (this.#sysmon.kind === 'phc') this.#sysmon.sysmon.close();
    this.#sysmon = { kind: 'off' };
  }

  #sources(sysmon: Sysmon | null = null): SyncSources {
    if (!this.#ptpmon && !sysmon) throw DaemonMonitorMissing('ptpmon');
    const p = this.params;
    const sources = createSyncSources({
      ifname: p.ifname,
      udsPath: p.uds,
      domainNumber: p.domainNumber,
      transportSpecific: p.transportSpecific,
      sysmon,
      ...(this.#ptpmon ? { ptpmon: this.#ptpmon } : {}),
    });
    return observeSyncSources(sources, this.deps.observer);
  }

  #takeUtcOffset(utc: number): void {
    const log = this.deps.log;
    fixupKernelUtcOffset(utc, this.deps.kernelTaiOffset ?? kernelTaiOffset, this.deps.setKernelTaiOffset ?? setSenderUtcTaiOffset, (t) => log.write(t));
    this.params.utcOffset = utc;
  }
}
