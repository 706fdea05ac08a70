// The daemon process itself, started by daemonize.ts with its stdout and
// stderr on the log file and an IPC channel to report that it listens.
// SIGTERM/SIGINT stop a running test, close every socket, remove our own
// pid file and exit 0.
import { isIsochronError } from '../../core/errors.js';
import { CONFIG_ENV, type ChildConfig, type ChildMessage } from './daemonize.js';
import { DaemonStartFailed } from './errors.js';
import { stdoutLog } from './log.js';
import { removePidFile } from './pid-file.js';
import { DaemonServer } from './server.js';
import { slotLimitsFromEnv } from './limits.js';
import type { MetricsEndpoint } from '../../engine/metrics/endpoint.js';
import { daemonStatus } from './metrics.js';

function report(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env[CONFIG_ENV] ?? 'null') as ChildConfig | null;
  delete process.env[CONFIG_ENV];
  if (!config) {
    process.stderr.write('isochron daemon child: started without its configuration; run "isochron daemon"\n');
    process.exit(22);
  }
  // A bug must not take a running test down with it: log and keep serving.
  process.on('uncaughtException', (err) => stdoutLog.line(`Internal error (please report): ${err.stack ?? err.message}`));
  process.on('SIGHUP', () => stdoutLog.line('Ignoring SIGHUP'));
  let server: DaemonServer | undefined;
  let metrics: MetricsEndpoint | null = null;
  try {
    const limits = slotLimitsFromEnv();
    // Served by this process, the one that runs the sender (the parent only waits for "ready").
    if (config.metrics) {
      const { startMetricsEndpoint } = await import('../../engine/metrics/endpoint.js');
      metrics = await startMetricsEndpoint(config.metrics, 'sender', () => daemonStatus(server?.dispatcher.role ?? null));
    }
    server = await DaemonServer.listen({
      port: config.port,
      address: config.address,
      log: stdoutLog,
      maxConnections: limits.maxConnections,
      idleTimeoutMs: limits.idleTimeoutMs,
      partialTimeoutMs: limits.messageDeadlineMs,
      orphanKeepMs: limits.orphanKeepMs,
      ...(metrics ? { metrics: metrics.metrics } : {}),
    });
  } catch (err) {
    await metrics?.close();
    const e = isIsochronError(err) ? err : DaemonStartFailed(String(err));
    stdoutLog.line(e.message);
    await report({ type: 'error', code: e.code, errno: e.errno, message: e.message, hint: e.hint });
    process.exit(e.errno & 0xff);
  }
  const live = server as DaemonServer;
  const shutdown = (signal: string): void => {
    stdoutLog.line(`Received ${signal}, shutting down`);
    void Promise.all([live.close(), metrics?.close()]).then(() => {
      if (config.pidFile) removePidFile(config.pidFile, process.pid);
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await report({ type: 'ready', port: live.address.port });
  process.disconnect?.();
}

void main();
