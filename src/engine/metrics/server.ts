// The HTTP side of the metrics endpoint: GET /metrics answers the node's
// exposition (OpenMetrics when the scraper asks for it, as a Prometheus
// server does, else the Prometheus text format). It listens like the
// management port: one address, any address (IPv6 dual stack, IPv4 without
// IPv6), or `addr%dev` bound to a device through the syscall layer.
//
// A scrape endpoint is reachable by anyone who can reach the node: bad
// requests get a 4xx, broken or slow clients are dropped, a failing
// collection is a 500, and none of it can take the node down with it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Errno, isIsochronError } from '../../core/errors.js';
import { describeListen, listenTcpAnyOrAt, serveListeningFd } from '../../sys/tcp.js';
import { MetricsListen } from './errors.js';
import type { NodeMetrics } from './registry.js';

/** Scrapers served at once; more are closed at accept (a flood cannot use up file descriptors). */
export const MAX_SCRAPE_CONNECTIONS = 32;
/** A request must be complete this long after its first byte, and a connection silent this long is dropped. */
export const SCRAPE_REQUEST_TIMEOUT_MS = 10_000;

const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export interface MetricsListenAddress {
  family: 4 | 6;
  address: string;
  device?: string;
}

export interface MetricsServerOptions {
  /** null: any address. */
  address: MetricsListenAddress | null;
  port: number;
  /**
   * How long a scraper may take to send its request, and stay silent on its
   * connection, ms (SCRAPE_REQUEST_TIMEOUT_MS; tests shorten it).
   */
  requestTimeoutMs?: number;
}

/** What to do about a failed listen, by the kernel's errno (negative). */
export function listenHint(errno: number | undefined): string {
  if (errno === Errno.EADDRNOTAVAIL) return 'is that address on this node ("ip address")? give one of its addresses with --metrics-address, or leave it out (any address)';
  if (errno === Errno.EADDRINUSE) return 'is another isochron node exporting there? pick another --metrics-port';
  return 'pick another --metrics-port or --metrics-address';
}

function openListener(o: MetricsServerOptions): number {
  try {
    return listenTcpAnyOrAt(o.address, o.port);
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    // The kernel's errno stays the exit status, as for the management port.
    throw MetricsListen.with({ errno: err.errno, cause: err }, describeListen(o.address, o.port), err.message, listenHint(err.errno));
  }
}

/** Whether the scraper prefers OpenMetrics (a Prometheus server lists it first in Accept). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.includes('application/openmetrics-text');
}

export class MetricsServer {
  readonly port: number;
  /** Requests answered (any status), for the log and the tests. */
  served = 0;

  private constructor(
    private readonly server: Server,
    port: number,
  ) {
    this.port = port;
  }

  /** Listens; throws ISOCHRON_ERR_METRICS_LISTEN with the kernel's errno. */
  static async listen(o: MetricsServerOptions, metrics: NodeMetrics): Promise<MetricsServer> {
    const fd = openListener(o);
    let self: MetricsServer | null = null;
    const timeoutMs = o.requestTimeoutMs ?? SCRAPE_REQUEST_TIMEOUT_MS;
    // Node checks the request timeouts only every connectionsCheckingInterval
    // (30 s by default), and only once a request's first byte came: a client
    // that connects and never writes would hold one of the
    // MAX_SCRAPE_CONNECTIONS slots for ever (32 of them lock every scraper
    // out). The socket timeout drops silent connections; the short checking
    // interval drops a slowloris that trickles a header line now and then.
    const server = createServer(
      { requestTimeout: timeoutMs, headersTimeout: timeoutMs, connectionsCheckingInterval: Math.min(1_000, timeoutMs) },
      (req, res) => {
        if (self) self.served++;
        void answer(req, res, metrics);
      },
    );
    server.timeout = timeoutMs;
    server.maxConnections = MAX_SCRAPE_CONNECTIONS;
    server.keepAliveTimeout = 5_000;
    // A malformed request or a client that resets: answer 400 if we still can, never throw.
    server.on('clientError', (_err: Error, socket: Socket) => {
      if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    server.on('connection', (socket: Socket) => socket.on('error', () => undefined));
    try {
      await serveListeningFd(server, fd);
    } catch (err) {
      throw MetricsListen(describeListen(o.address, o.port), err instanceof Error ? err.message : String(err), listenHint(undefined));
    }
    // Later listener errors (none expected once listening) must not become uncaught exceptions.
    server.on('error', () => undefined);
    const addr = server.address();
    self = new MetricsServer(server, typeof addr === 'object' && addr ? addr.port : o.port);
    return self;
  }

  /** Stops listening and drops every scraper connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function answer(req: IncomingMessage, res: ServerResponse, metrics: NodeMetrics): Promise<void> {
  res.on('error', () => undefined);
  const send = (status: number, type: string, body: string): void => {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  try {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      send(404, 'text/plain; charset=utf-8', 'isochron: the metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(405, 'text/plain; charset=utf-8', 'isochron: /metrics answers GET and HEAD\n');
      return;
    }
    const om = wantsOpenMetrics(req.headers.accept);
    const body = om ? await metrics.openMetricsText() : await metrics.prometheusText();
    send(200, om ? OPENMETRICS_TYPE : PROMETHEUS_TYPE, body);
  } catch (err) {
    send(500, 'text/plain; charset=utf-8', `isochron: collecting the metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
