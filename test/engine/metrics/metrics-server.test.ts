// The metrics endpoint's HTTP side on loopback: /metrics in both formats,
// what it answers to everything else, bad and broken clients (the server
// keeps answering), a taken port (ISOCHRON_ERR_METRICS_LISTEN with the
// kernel's errno), the port checks, and close() ending every connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { startMetricsEndpoint } from '../../../src/engine/metrics/endpoint.js';
import { MetricsServer, MAX_SCRAPE_CONNECTIONS } from '../../../src/engine/metrics/server.js';
import { NodeMetrics } from '../../../src/engine/metrics/registry.js';
import { metricsApartFromStats, metricsConfig } from '../../../src/engine/metrics/config.js';
import { isIsochronError } from '../../../src/core/errors.js';
import { sampleValue } from '../../helpers/metrics-support.js';

const LOOPBACK = { family: 4 as const, address: '127.0.0.1' };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Sends raw bytes and collects whatever comes back until the server closes (or 5 s). */
function raw(port: number, bytes: string | Buffer, opts: { end?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s: Socket = connect({ port, host: '127.0.0.1' }, () => {
      s.write(bytes);
      if (opts.end) s.end();
    });
    const timer = setTimeout(() => s.destroy(), 5000);
    s.on('data', (b: Buffer) => chunks.push(b));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

async function endpoint(t: import('node:test').TestContext) {
  const port = await freePort();
  const ep = await startMetricsEndpoint({ port, address: LOOPBACK }, 'sender', () => ({ interface: 'eth0', testState: 0 }));
  t.after(() => ep.close());
  ep.metrics.senderRun('eth0').packetSent(1n, 1n);
  return { ep, base: `http://127.0.0.1:${port}` };
}

test('GET /metrics: Prometheus text by default, OpenMetrics when asked, HEAD without a body', async (t) => {
  const { base } = await endpoint(t);
  const plain = await fetch(`${base}/metrics`);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(sampleValue(await plain.text(), 'isochron_packets_sent_total', { interface: 'eth0', role: 'sender' }), 1);
  // What Prometheus 2.x sends.
  const accept = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
  const om = await fetch(`${base}/metrics?x=1`, { headers: { accept } });
  assert.equal(om.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  assert.ok((await om.text()).endsWith('# EOF\n'));
  const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('other paths and methods: 404 and 405, the endpoint keeps answering', async (t) => {
  const { base } = await endpoint(t);
  assert.equal((await fetch(`${base}/`)).status, 404);
  assert.equal((await fetch(`${base}/metricsx`)).status, 404);
  const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.equal((await fetch(`${base}/metrics`)).status, 200);
});

test('bad HTTP input: garbage, an oversized header, a reset mid-request, half a request; the server lives on', async (t) => {
  const { ep, base } = await endpoint(t);
  const port = ep.port;
  assert.match(await raw(port, '\x00\x01\x02 not http at all\r\n\r\n'), /^HTTP\/1\.1 400 /);
  assert.match(await raw(port, `GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`), /^HTTP\/1\.1 4\d\d /);
  assert.match(await raw(port, 'GET /metrics HTTP/1.1\r\nContent-Length: -5\r\n\r\n'), /^HTTP\/1\.1 400 /);
  // Resets while the server is answering.
  for (let i = 0; i < 20; i++) {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
      s.resetAndDestroy();
    });
    s.on('error', () => undefined);
  }
  // Half a request, then the client shuts its side: a 400 on the half-open socket at most.
  assert.match(await raw(port, 'GET /metr', { end: true }), /^(|HTTP\/1\.1 400 [^]*)$/);
  const ok = await fetch(`${base}/metrics`);
  assert.equal(ok.status, 200);
  assert.equal(sampleValue(await ok.text(), 'isochron_packets_sent_total'), 1);
});

test('a taken port: ISOCHRON_ERR_METRICS_LISTEN with EADDRINUSE; the port checks', async (t) => {
  const { ep } = await endpoint(t);
  await assert.rejects(startMetricsEndpoint({ port: ep.port, address: LOOPBACK }, 'receiver', () => ({ interface: '', testState: 0 })), (err: unknown) => {
    assert.ok(isIsochronError(err));
    assert.equal(err.code, 'ISOCHRON_ERR_METRICS_LISTEN');
    assert.equal(err.errno, -98);
    assert.equal(err.exitStatus, 158);
    assert.match(err.message, new RegExp(`^Failed to listen for metrics scrapes on 127\\.0\\.0\\.1:${ep.port}: .*pick another --metrics-port$`));
    return true;
  });
  assert.equal(metricsConfig(0n, null), null);
  assert.throws(() => metricsConfig(70000n, null), /ISOCHRON_ERR_METRICS_PORT_RANGE|Metrics port 70000 is not a TCP port/);
  assert.throws(() => metricsConfig(-1n, null), /Metrics port -1/);
  assert.throws(() => metricsConfig(0n, { family: 4, address: '127.0.0.1' } as never), /--metrics-address needs --metrics-port/);
  assert.deepEqual(metricsConfig(9100n, { family: 6, address: '::1', device: 'lo' } as never), { port: 9100, address: { family: 6, address: '::1', device: 'lo' } });
});

test('close() stops listening and ends kept-alive scraper connections', async () => {
  const port = await freePort();
  const ep = await startMetricsEndpoint({ port, address: null }, 'receiver', () => ({ interface: 'lo', testState: 0 }));
  // Any address: reachable over IPv4 (dual stack).
  const keep = connect({ port, host: '127.0.0.1' });
  keep.on('error', () => undefined);
  const closed = new Promise((r) => keep.once('close', r));
  await new Promise((r) => keep.once('connect', r));
  keep.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((r) => keep.once('data', r));
  await ep.close();
  await closed;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
});

test('200 random requests (bytes, broken request lines, absurd headers): every one answered or dropped, the endpoint lives on', async (t) => {
  const { ep, base } = await endpoint(t);
  let seed = 0x13;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = ['GET', 'POST', ' ', '/metrics', '/', 'HTTP/1.1', 'HTTP/9.9', '\r\n', '\n', 'Host: x', 'Content-Length: 99999999', 'Transfer-Encoding: chunked', ':', '\x00', '\xff', 'Accept: application/openmetrics-text'];
  const inFlight: Promise<string>[] = [];
  const answers: string[] = [];
  for (let i = 0; i < 200; i++) {
    let req = '';
    if (rnd(3) === 0) for (let k = rnd(300); k > 0; k--) req += String.fromCharCode(rnd(256));
    else for (let k = 1 + rnd(12); k > 0; k--) req += pieces[rnd(pieces.length)];
    inFlight.push(raw(ep.port, Buffer.from(req, 'latin1'), { end: rnd(2) === 0 }));
    if (inFlight.length >= 16) answers.push(...(await Promise.all(inFlight.splice(0))));
  }
  answers.push(...(await Promise.all(inFlight)));
  assert.equal(answers.length, 200);
  for (const answer of answers) assert.match(answer, /^(|HTTP\/1\.1 \d{3} [^]*)$/);
  assert.ok(answers.some((a) => a.startsWith('HTTP/1.1 400 ')), 'some were refused as bad requests');
  const ok = await fetch(`${base}/metrics`);
  assert.equal(ok.status, 200);
});

/** Resolves when the server closes `s`; rejects after `boundMs` (a bound against hanging, not a speed check). */
function closedByServer(s: Socket, boundMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server kept a connection open for ${boundMs} ms`)), boundMs);
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

test('silent and trickling connections are dropped: more than MAX_SCRAPE_CONNECTIONS of them do not lock scrapers out', async (t) => {
  const port = await freePort();
  const metrics = new NodeMetrics('receiver', () => ({ interface: 'eth0', testState: 0 }));
  const server = await MetricsServer.listen({ port, address: LOOPBACK, requestTimeoutMs: 300 }, metrics);
  t.after(() => server.close());
  const open = (): Promise<Socket> => new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.on('error', () => undefined);
  });
  // Connected, never a byte: Node's headersTimeout does not cover these.
  const silent = await Promise.all(Array.from({ length: MAX_SCRAPE_CONNECTIONS }, open));
  // A slowloris: a header line every 50 ms keeps the socket from going silent.
  const trickling = await open();
  trickling.write('GET /metrics HTTP/1.1\r\n');
  const drip = setInterval(() => trickling.write('X-Slow: 1\r\n'), 50);
  t.after(() => clearInterval(drip));
  await Promise.all([...silent, trickling].map((s) => closedByServer(s, 20_000)));
  clearInterval(drip);
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
});

test('an address not on this node: EADDRNOTAVAIL, and the hint names --metrics-address, not another exporter', async () => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): on no interface of a test machine.
  await assert.rejects(startMetricsEndpoint({ port: 9, address: { family: 4, address: '192.0.2.1' } }, 'receiver', () => ({ interface: '', testState: 0 })), (err: unknown) => {
    assert.ok(isIsochronError(err));
    assert.equal(err.code, 'ISOCHRON_ERR_METRICS_LISTEN');
    assert.equal(err.errno, -99);
    assert.doesNotMatch(err.message, /another isochron node/);
    assert.match(err.message, /^Failed to listen for metrics scrapes on 192\.0\.2\.1:9: .*--metrics-address/);
    return true;
  });
});

test('--metrics-port equal to the management port: ISOCHRON_ERR_METRICS_PORT_CLASH before anything listens, unless both have distinct addresses', () => {
  const ip = (address: string) => ({ family: 4, address }) as never;
  assert.throws(() => metricsApartFromStats(metricsConfig(5000n, null), 5000n, null), (err: unknown) => isIsochronError(err) && err.code === 'ISOCHRON_ERR_METRICS_PORT_CLASH' && /--stats-port/.test(err.message));
  assert.throws(() => metricsApartFromStats(metricsConfig(9465n, ip('127.0.0.1')), 9465n, null), /is also the management connections' port/);
  assert.throws(() => metricsApartFromStats(metricsConfig(9465n, ip('127.0.0.1')), 9465n, ip('127.0.0.1')), /is also the management connections' port/);
  assert.deepEqual(metricsApartFromStats(metricsConfig(9465n, ip('127.0.0.1')), 9465n, ip('127.0.0.2')), { port: 9465, address: { family: 4, address: '127.0.0.1' } });
  assert.deepEqual(metricsApartFromStats(metricsConfig(9465n, null), 5000n, null), { port: 9465, address: null });
  assert.equal(metricsApartFromStats(null, 5000n, null), null);
});
