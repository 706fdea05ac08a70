// The syscall layer inside worker_threads (the send/receive loops run in
// piscina workers): koffi loads per thread, blocking calls block only their
// thread, per-thread scheduling stays per thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { getScheduler } from '../../src/sys/sched.js';

/** The syscall-layer modules the worker bodies use, merged into one `sys` object there. */
const sysUrls = ['constants', 'time', 'sched', 'udp', 'tstamp'].map((m) => new URL(`../../src/sys/${m}.js`, import.meta.url).href);

function runWorker(body: string): Promise<unknown> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    Promise.all(${JSON.stringify(sysUrls)}.map((u) => import(u))).then((ms) => Object.assign({}, ...ms)).then(async (sys) => { ${body} }).then(
      (r) => parentPort.postMessage({ ok: true, r }),
      (e) => parentPort.postMessage({ ok: false, e: String(e && e.stack || e) }));`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true });
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error('worker timed out'));
    }, 10_000);
    w.once('message', (m: { ok: boolean; r?: unknown; e?: string }) => {
      clearTimeout(timer);
      void w.terminate();
      if (m.ok) resolve(m.r);
      else reject(new Error(m.e));
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

test('clock_nanosleep in a worker blocks that thread only', async () => {
  const ticks: number[] = [];
  const timer = setInterval(() => ticks.push(Date.now()), 10);
  const slept = await runWorker(`
    const t0 = sys.clockGettime(sys.CLOCK_MONOTONIC);
    sys.sleepUntil(sys.CLOCK_MONOTONIC, t0 + 300000000n);
    return Number(sys.clockGettime(sys.CLOCK_MONOTONIC) - t0);`);
  clearInterval(timer);
  assert.ok((slept as number) >= 300_000_000);
  assert.ok(ticks.length >= 10, `main thread ran ${ticks.length} timer ticks during the worker's sleep`);
});

test('SCHED_FIFO set in a worker applies to that thread, not the main one', async () => {
  const inWorker = await runWorker(`
    sys.setScheduler('fifo', 20);
    const s = sys.getScheduler();
    sys.setScheduler('other', 0);
    return s;`);
  assert.deepEqual(inWorker, { policy: 'fifo', priority: 20 });
  assert.deepEqual(getScheduler(), { policy: 'other', priority: 0 });
});

test('UDP with software timestamps and a blocking recv inside a worker', async () => {
  const r = await runWorker(`
    const rx = sys.UdpSocket.open({ family: 4, bind: { address: '127.0.0.1', port: 0 } });
    const port = rx.localAddress().port;
    const tx = sys.UdpSocket.open({ family: 4, dest: { address: '127.0.0.1', port } });
    tx.setTimestamping(sys.timestampingFlags({ hardware: false }));
    rx.setTimestamping(sys.timestampingFlags({ hardware: false }));
    const out = [];
    for (let i = 0; i < 3; i++) {
      tx.send(Buffer.from('w' + i));
      const got = rx.recv(1000);
      // One SCHED and one SND timestamp per packet, both with its OPT_ID key.
      const keys = [tx.recvErrQueue(1000).control.tsKey, tx.recvErrQueue(1000).control.tsKey];
      out.push([got.data.toString(), ...keys]);
    }
    tx.close(); rx.close();
    return out;`);
  assert.deepEqual(r, [['w0', 0, 0], ['w1', 1, 1], ['w2', 2, 2]]);
});
