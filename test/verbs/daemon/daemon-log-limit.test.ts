// What peers make the daemon log: repeated bad-input lines are rate-limited
// with a count, lengths are unsigned, peers are named with their port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeGet } from '../../../src/engine/mgmt/index.js';
import { collectingLog } from '../../../src/verbs/daemon/log.js';
import { RateLimitedLog } from '../../../src/verbs/daemon/log-limit.js';
import { RawPeer, sleep, startInProcess } from '../../helpers/daemon-support.js';

test('RateLimitedLog: burst lines per kind and window, then one count line when the window closes', async () => {
  const out = collectingLog();
  const log = new RateLimitedLog(out, { burst: 5, windowMs: 200 });
  for (let i = 0; i < 1000; i++) log.line(`Unrecognized MID ${100 + (i % 7)}`);
  log.line('Something else 1');
  assert.equal(out.lines().length, 6);
  await sleep(500);
  const lines = out.lines();
  assert.equal(lines.length, 7);
  assert.match(lines[6], /^Unrecognized MID \d+ \(995 similar messages suppressed\)$/);
  // A new window prints again.
  log.line('Unrecognized MID 5');
  assert.equal(out.lines().at(-1), 'Unrecognized MID 5');
  log.flush();
});

test('the daemon under bad input: a bounded log, unsigned lengths, peers named with their port', async () => {
  const { server, port, log } = await startInProcess();
  try {
    const p = await RawPeer.connect(port);
    const name = `127.0.0.1 port ${p.socket.localPort}`;
    const many = Buffer.concat(Array.from({ length: 5000 }, (_, i) => encodeGet(100 + (i % 50))));
    p.send(many);
    assert.ok(await p.waitMessages(5000, 10_000), 'every bad request is still answered');
    const unknown = log.lines().filter((l) => l.startsWith('Unrecognized MID'));
    assert.equal(unknown.length, 20, 'at most 20 lines of one kind per 10 s');
    // A length above 2^31 is logged as the unsigned number it is.
    p.send(Buffer.from('02000000f5000000', 'hex'));
    const deadline = Date.now() + 3000;
    while (!p.closed && Date.now() < deadline) await sleep(20);
    assert.ok(p.closed);
    assert.match(log.text(), new RegExp(`Connection ${name.replaceAll('.', '\\.')}: ISOCHRON_ERR_MGMT_TOO_LARGE: management message claims 4110417920 payload bytes`));
    assert.doesNotMatch(log.text(), /-\d{6,} payload bytes|undefined|\? port \?/);
  } finally {
    await server.close();
  }
});
