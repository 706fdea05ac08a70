// The status line on a fake terminal: drawn only when enabled, wiped before
// every other line the verb prints, cut to the terminal's width, never ended
// by a source that throws; and the meters behind the numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit, progressTerminal, REFRESH_MS, StatusLine } from '../../../src/engine/progress/status-line.js';
import { formatDuration, RateMeter, SendMeter } from '../../../src/engine/progress/meters.js';
import { framesOf, orchestratingLine, receivingLine, sendingLine, waitingForSyncLine } from '../../../src/engine/progress/lines.js';
import { scheduleProgress } from '../../../src/verbs/orchestrate/attempt.js';
import type { Pair } from '../../../src/verbs/orchestrate/orchestration.js';

function fakeTerm(columns = 80): { write(t: string): void; columns: number; text: string[] } {
  const text: string[] = [];
  return { columns, text, write: (t: string) => void text.push(t) };
}

test('a disabled line draws nothing and leaves the streams as they are', () => {
  const line = new StatusLine(null);
  const io = { out: () => undefined, err: () => undefined };
  assert.equal(line.wrap(io), io);
  line.show(() => 'x');
  line.draw();
  line.stop();
  assert.equal(line.enabled, false);
});

test('progressTerminal: only a TTY stderr without --no-progress', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;
  assert.equal(progressTerminal(false, tty), tty);
  assert.equal(progressTerminal(true, tty), null);
  assert.equal(progressTerminal(false, pipe), null);
});

test('the verb\'s own lines wipe the status line first; it comes back at the next draw', () => {
  const term = fakeTerm();
  const line = new StatusLine(term);
  try {
    const printed: string[] = [];
    const io = line.wrap({ out: (t) => void printed.push(`out:${t}`), err: (t) => void printed.push(`err:${t}`) });
    line.show(() => 'send: 1/10 frames');
    line.draw();
    assert.deepEqual(term.text, ['\r\x1b[2Ksend: 1/10 frames']);
    io.err('a C line\n');
    assert.deepEqual(term.text.slice(1), ['\r\x1b[2K'], 'wiped before the line');
    assert.deepEqual(printed, ['err:a C line\n']);
    io.out('another\n');
    assert.equal(term.text.length, 2, 'nothing to wipe twice');
    line.draw();
    assert.equal(term.text.at(-1), '\r\x1b[2Ksend: 1/10 frames');
    line.show(() => null);
    line.draw();
    assert.equal(term.text.at(-1), '\r\x1b[2K', 'a null source wipes the line');
  } finally {
    line.stop();
  }
});

test('a source that throws shows nothing and ends nothing; stop wipes and silences', () => {
  const term = fakeTerm();
  const line = new StatusLine(term);
  line.show(() => 'ok');
  line.draw();
  line.show(() => {
    throw new Error('boom');
  });
  line.draw();
  assert.equal(term.text.at(-1), '\r\x1b[2K');
  line.show(() => 'again');
  line.draw();
  line.stop();
  assert.equal(term.text.at(-1), '\r\x1b[2K');
  const n = term.text.length;
  line.draw();
  assert.equal(term.text.length, n, 'no drawing after stop');
  assert.equal(line.enabled, false);
});

test('the timer redraws at most REFRESH_HZ times a second', async () => {
  const term = fakeTerm();
  const line = new StatusLine(term, 1); // asks for 1 ms: the floor wins
  let calls = 0;
  line.show(() => `n=${++calls}`);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 1100));
  const elapsed = performance.now() - t0;
  line.stop();
  assert.ok(calls <= Math.floor(elapsed / REFRESH_MS) + 1, `${calls} draws in ${elapsed.toFixed(0)} ms`);
  assert.ok(calls >= 1, 'drawn at least once');
});

test('fit cuts to the width minus one column', () => {
  assert.equal(fit('abc', 80), 'abc');
  const long = 'x'.repeat(200);
  assert.equal(fit(long, 40).length, 39);
  assert.ok(fit(long, 40).endsWith('…'));
});

test('SendMeter: missed deadlines and the worst wakeup latency of the last second', () => {
  const m = new SendMeter(200_000n); // advance time 200 us
  const s0 = 10_000_000_000n;
  // wakeup latency = wakeup - (scheduled - advance)
  m.observe(s0, s0 - 200_000n + 5_000n); // 5 us
  m.observe(s0 + 1_000_000n, s0 + 1_000_000n - 200_000n + 50_000n); // 50 us
  m.observe(s0 + 2_000_000n, s0 + 2_000_000n + 1_000n); // woke after its scheduled time
  assert.equal(m.sent, 3);
  assert.equal(m.missedDeadlines, 1);
  assert.equal(m.worstWakeupLatency, 201_000n);
  // Two seconds later the old window has rolled out.
  m.observe(s0 + 2_000_000_000n, s0 + 2_000_000_000n - 200_000n + 7_000n);
  assert.equal(m.worstWakeupLatency, 201_000n, 'the last whole second is still shown');
  m.observe(s0 + 3_100_000_000n, s0 + 3_100_000_000n - 200_000n + 3_000n);
  assert.equal(m.worstWakeupLatency, 7_000n);
});

test('RateMeter: frames per second over about a second', () => {
  let now = 0;
  const r = new RateMeter(1000, () => now);
  assert.equal(r.sample(0), 0);
  now = 500;
  assert.equal(r.sample(500), 1000);
  now = 1500;
  assert.equal(r.sample(1500), 1000);
  now = 2500;
  assert.equal(r.sample(1500), 0, 'nothing in the last second');
});

test('the words of each state', () => {
  assert.equal(framesOf(3, 10), '3/10 frames');
  assert.equal(framesOf(3, 0), '3 frames');
  assert.equal(formatDuration(999n), '999 ns');
  assert.equal(formatDuration(45_300n), '45 us');
  assert.equal(formatDuration(12_000_000n), '12 ms');
  assert.equal(formatDuration(-20_000n), '-20 us');
  assert.equal(
    sendingLine('send', { sent: 500, total: 1000, rate: 999.6, missedDeadlines: 2, worstWakeupLatency: 45_000n }),
    'send: 500/1000 frames, 1000/s, 2 missed deadlines, max wakeup 45 us',
  );
  assert.equal(waitingForSyncLine('send', 12_345, ['node local is not within --sync-threshold 100 ns (ptpmon 500 ns, sysmon 20 ns)']),
    'send: waiting for sync (12 s): node local is not within --sync-threshold 100 ns (ptpmon 500 ns, sysmon 20 ns)');
  assert.equal(receivingLine({ received: 0, expected: 0, rate: 0, lost: 0 }), 'rcv: waiting for a sender, 0.0/s');
  assert.equal(receivingLine({ received: 90, expected: 100, rate: 10, lost: 3 }), 'rcv: 90/100 frames, 10/s, 3 lost so far');
  assert.ok(sendingLine('send', { sent: 99_999, total: 100_000, rate: 10_000, missedDeadlines: 9_999, worstWakeupLatency: 9_999_999n }).length < 80, 'a 100 000-frame run at 100 us fits 80 columns');
  assert.equal(orchestratingLine(2500, [{ name: 'a', due: 5, total: 10 }]), 'orchestrate: test running (2 s), by schedule: a 5/10 frames');
});

test('orchestrate: frames due by schedule, clamped to the count', () => {
  const pair = (numFrames: bigint, operBaseTime: bigint): Pair =>
    ({ plan: { name: 'p', send: { cycleTime: 1_000_000n, numFrames } }, operBaseTime }) as unknown as Pair;
  const base = 5_000_000_000n;
  assert.deepEqual(scheduleProgress([pair(100n, base)], base - 1n, base - 2n), [{ name: 'p', due: 0, total: 100 }]);
  assert.deepEqual(scheduleProgress([pair(100n, base)], base, base - 2n), [{ name: 'p', due: 1, total: 100 }]);
  assert.deepEqual(scheduleProgress([pair(100n, base)], base + 41_500_000n, base - 2n), [{ name: 'p', due: 42, total: 100 }]);
  assert.deepEqual(scheduleProgress([pair(100n, base)], base + 10_000_000_000n, base - 2n), [{ name: 'p', due: 100, total: 100 }]);
  assert.deepEqual(scheduleProgress([pair(0n, base)], base + 10_000_000n, base - 2n), [{ name: 'p', due: 11, total: 0 }]);
});

test('orchestrate: a base time already past at the start (no synchronized sender) is rolled forward like the sender does, not all frames due at once', () => {
  const pair = (numFrames: bigint, operBaseTime: bigint): Pair =>
    ({ plan: { name: 'p', send: { cycleTime: 1_000_000_000n, numFrames, shiftTime: 0n } }, operBaseTime }) as unknown as Pair;
  // --base-time 0 (the default) with --omit-sync: the orchestrator passes 0 on and the sender picks its own.
  const start = 1_796_035_573_153_106_799n;
  assert.deepEqual(scheduleProgress([pair(5n, 0n)], start, start), [{ name: 'p', due: 0, total: 5 }]);
  // First frame: the first whole second at least TIME_MARGIN (0.5 s) after the start.
  assert.deepEqual(scheduleProgress([pair(5n, 0n)], 1_796_035_574_000_000_000n, start), [{ name: 'p', due: 1, total: 5 }]);
  assert.deepEqual(scheduleProgress([pair(5n, 0n)], 1_796_035_576_500_000_000n, start), [{ name: 'p', due: 3, total: 5 }]);
  assert.deepEqual(scheduleProgress([pair(5n, 0n)], start + 60_000_000_000n, start), [{ name: 'p', due: 5, total: 5 }]);
  // An agreed base time in the future is used as it is.
  assert.deepEqual(scheduleProgress([pair(5n, start + 2_000_000_000n)], start + 2_000_000_000n, start), [{ name: 'p', due: 1, total: 5 }]);
});
