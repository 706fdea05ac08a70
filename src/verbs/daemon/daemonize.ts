// `isochron daemon` as the user runs it: the command returns only once the
// daemon listens, or fails with the reason (port taken, bad address, file
// not writable), which the C daemon cannot do after its fork.
//
//   parent: open log (truncate) and pid file -> spawn child (setsid,
//           stdout/stderr = log file, IPC channel) -> wait for "ready"
//           -> write the child's pid -> exit 0
//   child (child.ts): listen -> send "ready" (or the error) -> serve
import { spawn } from 'node:child_process';
import { closeSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DaemonOptions } from './options.js';
import { IsochronError } from '../../core/errors.js';
import { DaemonListenFailed, DaemonStartFailed, DaemonStartTimeout } from './errors.js';
import { openForWriting, writePid } from './pid-file.js';
import type { ListenAddress } from './server.js';
import { metricsApartFromStats, metricsConfig, type MetricsConfig } from '../../engine/metrics/config.js';

/** What the parent hands the child (JSON in ISOCHRON_DAEMON_CONFIG). */
export interface ChildConfig {
  port: number;
  address: ListenAddress | null;
  pidFile: string | null;
  /** --metrics-port/--metrics-address: the child serves them (null: off). */
  metrics: MetricsConfig | null;
}

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'error'; code: string; errno: number; message: string; hint?: string | null };

export const CONFIG_ENV = 'ISOCHRON_DAEMON_CONFIG';
const childScript = fileURLToPath(new URL('./child.js', import.meta.url));
const READY_TIMEOUT_MS = 15_000;

export function childConfig(o: DaemonOptions): ChildConfig {
  const port = Number(o.statsPort);
  return {
    port,
    address: o.statsAddress ? { family: o.statsAddress.family, address: o.statsAddress.address, device: o.statsAddress.device } : null,
    pidFile: o.pidFile,
    metrics: metricsApartFromStats(metricsConfig(o.metricsPort, o.metricsAddress), o.statsPort, o.statsAddress),
  };
}

/** Starts the daemon; resolves to its pid once it listens. Throws IsochronError. */
export async function daemonize(o: DaemonOptions, readyTimeoutMs = READY_TIMEOUT_MS): Promise<number> {
  const config = childConfig(o);
  if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) {
    // C passes the long to htons and listens on whatever is left of it.
    throw DaemonListenFailed.with({ errno: 22, hint: 'give --stats-port 1..65535' }, `port ${o.statsPort}`, 'not a TCP port (1-65535)');
  }
  const logFd = openForWriting('log file', o.logFile ?? '/dev/null');
  let pidFd: number | null = null;
  // Removed again if the start fails: an empty pid file would name no daemon.
  let createdPidFile: string | null = null;
  let started = false;
  try {
    if (o.pidFile) {
      const existed = existsSync(o.pidFile);
      pidFd = openForWriting('pid file', o.pidFile);
      if (!existed) createdPidFile = o.pidFile;
    }
    const child = spawn(process.execPath, [childScript], {
      detached: true,
      stdio: ['ignore', logFd, logFd, 'ipc'],
      env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) },
    });
    const msg = await new Promise<ChildMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(DaemonStartTimeout(readyTimeoutMs, child.pid ?? -1));
      }, readyTimeoutMs);
      child.once('message', (m: ChildMessage) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(DaemonStartFailed(err.message));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(DaemonStartFailed(`it exited (${signal ?? `status ${code}`}) before listening; see the log file ${o.logFile ?? '(none: use --log-file)'}`));
      });
    });
    if (msg.type === 'error') throw new IsochronError(msg.code, msg.message, { errno: msg.errno, hint: msg.hint ?? null });
    if (pidFd !== null) {
      writePid(pidFd, child.pid as number);
      pidFd = null;
    }
    child.disconnect();
    child.unref();
    started = true;
    return child.pid as number;
  } finally {
    closeSync(logFd);
    if (pidFd !== null) closeSync(pidFd);
    if (!started && createdPidFile !== null) rmSync(createdPidFile, { force: true });
  }
}

/** The CLI verb: 0 once the daemon listens. */
export async function runDaemon(o: DaemonOptions): Promise<number> {
  await daemonize(o);
  return 0;
}
