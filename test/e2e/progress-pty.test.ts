// The live status line seen as a user sees it: `send` and `rcv` run under a
// pseudo-terminal (util-linux `script`) across a veth pair in namespaces the
// test makes and deletes. On the terminal the line goes through its states
// (the frame count rising to the total, then wiped before the end-of-run
// line); piped, or with --no-progress, not one control sequence appears.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEntry } from '../helpers/paths.js';
import { execIn, spawnIn } from '../helpers/netns.js';
import { cliIn, IP_B, MAC_B, vethPair } from '../helpers/send-support.js';

const WIPE = '\r\x1b[2K';
const FRAMES = 2500;
const SEND = ['--omit-sync', '--omit-remote-sync', '--omit-hwts', '--cycle-time', '0.001', '--num-frames', String(FRAMES), '--frame-size', '100'];
const hasScript = spawnSync('script', ['--version']).status === 0;

/** A shell word (the command `script -c` runs). */
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const commandLine = (args: readonly string[]): string => [process.execPath, cliEntry, ...args].map(quote).join(' ');

/** Runs `isochron ARGS` in `ns` with a pseudo-terminal for its stdout and stderr; returns what the terminal got. */
function onTerminal(ns: string, args: readonly string[], timeoutMs = 60_000): Promise<{ status: number | null; text: string }> {
  return execIn(ns, 'script', ['-qfec', commandLine(args), '/dev/null'], { timeoutMs }).then((r) => ({ status: r.status, text: r.stdout }));
}

/** The status lines drawn, in order (each follows a wipe). */
function states(text: string): string[] {
  return text
    .split(WIPE)
    .slice(1)
    .map((s) => s.split(/\r?\n/)[0])
    .filter((s) => s !== '');
}

test('send on a terminal: the status line counts the frames up to the total, then makes way for the summary', { skip: !hasScript && 'util-linux script is not installed' }, async (t) => {
  const pair = await vethPair(t);
  const res = await onTerminal(pair.nsA, ['send', '-i', 'vxa', '--dmac', MAC_B, '--quiet', ...SEND]);
  assert.equal(res.status, 0, res.text);
  const drawn = states(res.text);
  const counts = drawn.map((s) => /^send: (\d+)\/(\d+) frames, [\d.]+\/s, \d+ missed deadlines/.exec(s)).filter((m) => m !== null);
  assert.ok(counts.length >= 2, `at least two states while ${FRAMES} frames at 1 ms go out: ${JSON.stringify(drawn)}`);
  for (const m of counts) assert.equal(Number(m[2]), FRAMES);
  const n = counts.map((m) => Number(m[1]));
  assert.deepEqual([...n].sort((a, b) => a - b), n, `counts never go back: ${n.join(' ')}`);
  assert.ok(n[n.length - 1] > n[0], `counts rise: ${n.join(' ')}`);
  assert.ok(drawn.some((s) => /max wakeup -?\d+ (ns|us|ms|s)/.test(s)), 'the worst wakeup latency is shown');
  // The line is gone before the end-of-run line, which stays whole.
  const last = res.text.lastIndexOf(WIPE);
  const summary = res.text.indexOf('isochron send: ');
  assert.ok(summary > last, 'the summary comes after the last wipe');
  assert.match(res.text.slice(summary), new RegExp(`^isochron send: ${FRAMES} sent, ${FRAMES} TX-timestamped`));
});

test('send piped or with --no-progress: no status line at all', async (t) => {
  const pair = await vethPair(t);
  const piped = await cliIn(pair.nsA, ['send', '-i', 'vxa', '--dmac', MAC_B, '--quiet', ...SEND.slice(0, -4), '--num-frames', '300', '--frame-size', '100'], 60_000);
  assert.equal(piped.status, 0, piped.stderr);
  assert.ok(!piped.stderr.includes('\x1b['), JSON.stringify(piped.stderr));
  assert.ok(!/ frames, [\d.]+\/s/.test(piped.stderr + piped.stdout));
  if (!hasScript) return;
  const off = await onTerminal(pair.nsA, ['send', '-i', 'vxa', '--dmac', MAC_B, '--quiet', '--no-progress', ...SEND.slice(0, -4), '--num-frames', '1500', '--frame-size', '100']);
  assert.equal(off.status, 0, off.text);
  assert.ok(!off.text.includes(WIPE), JSON.stringify(off.text.slice(0, 400)));
  assert.match(off.text, /isochron send: 1500 sent/);
});

test('rcv on a terminal: waits for a sender, then counts its frames', { skip: !hasScript && 'util-linux script is not installed' }, async (t) => {
  const pair = await vethPair(t);
  // SIGINT after a bounded time ends the receiver as Ctrl-C would.
  const rcvArgs = ['rcv', '-i', 'vxb', '--omit-hwts', '--stats-port', '5031'];
  const child = spawnIn(pair.nsB, 'script', ['-qfec', `timeout -s INT 12 ${commandLine(rcvArgs)}`, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = spawnSync('ip', ['netns', 'exec', pair.nsB, 'ss', '-Hltn', 'sport = :5031'], { encoding: 'utf8', timeout: 5000 });
    if (probe.stdout.trim() !== '') break;
    assert.ok(Date.now() < deadline, `rcv did not listen: ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const dir = mkdtempSync(join(tmpdir(), 'isochron-progress-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sent = await cliIn(pair.nsA, ['send', '-i', 'vxa', '--client', IP_B, '--stats-port', '5031', '--quiet', '--no-progress', ...SEND, '--output-file', join(dir, 'run.dat')], 60_000);
  assert.equal(sent.status, 0, sent.stderr);
  await exited;
  const drawn = states(text);
  assert.ok(drawn.some((s) => /^rcv: waiting for a sender/.test(s)), `the idle state: ${JSON.stringify(drawn)}`);
  const counts = drawn.map((s) => /^rcv: (\d+)\/(\d+) frames, [\d.]+\/s, (\d+) lost so far/.exec(s)).filter((m) => m !== null);
  assert.ok(counts.length >= 1, `the receiving state: ${JSON.stringify(drawn)}`);
  for (const m of counts) assert.equal(Number(m[2]), FRAMES);
  assert.match(text, /isochron rcv: /, 'the end-of-run line is printed');
});
