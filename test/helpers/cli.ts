// Runs the real CLI (bin/isochron.js over dist/) as a child process, the way
// a user's shell would, optionally with an exact argv[0] as the C vectors were
// recorded with (spawn's argv0 sets process.argv0 in the child).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliEntry } from './paths.js';
import { renderOptionHelp } from '../../src/args/option-help.js';
import { unknownOptionHint, unknownVerbHint } from '../../src/args/did-you-mean.js';
import { isVerbName, type VerbName } from '../../src/args/verb-names.js';
import { topLevelHelpTail } from '../../src/cli/extensions.js';
import { VERB_SPECS } from '../../src/cli/verbs.js';

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

export interface CliOptions {
  cwd?: string;
  argv0?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string | Buffer;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], {
      cwd: options.cwd,
      argv0: options.argv0,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolvePromise({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The usage lines of our own send options, listed after C's (docs/cli.md): one list for every test. */
export const SEND_EXTENSION_LINES = '-Z|--fail-fast: Boolean (optional)\n-G|--no-progress: Boolean (optional)\n';

/** Our orchestrate options, listed after C's (docs/cli.md). */
export const ORCHESTRATE_EXTENSION_LINES = '-G|--no-progress: Boolean (optional)\n';

/** The usage lines of our own daemon and rcv options (the metrics endpoint, docs/metrics.md; --no-progress, docs/progress.md), after C's. */
export const DAEMON_EXTENSION_LINES = '-m|--metrics-port: Long integer (optional)\n-M|--metrics-address: IP address (optional)\n';
export const RCV_EXTENSION_LINES = '-G|--no-progress: Boolean (optional)\n' + DAEMON_EXTENSION_LINES;

/** The usage lines of our own report options, listed after C's (docs/report.md). */
export const REPORT_EXTENSION_LINES = '-O|--format: String (optional)\n' +
  '-P|--packets: String (optional)\n' +
  '-C|--compare: File path (optional)\n-G|--fail-if: String (optional)\n' +
  '-H|--histogram: String (optional)\n-g|--plot: File path (optional)\n-M|--plot-metric: String (optional)\n';

/**
 * Our lines after a C text (issue 14: the C tool's lines come first and stay
 * byte for byte; ours follow): after a usage text, the help that teaches;
 * after "Unrecognized option X" (of `verb`) or "unknown function X", the
 * did-you-mean line. Computed by the product's own renderers, so a test
 * checks the C part byte for byte and that our part is exactly appended;
 * what our part says is tested in test/cli/help.test.ts.
 */
export function ourLinesAfter(cText: string, verb?: VerbName): string {
  if (cText.startsWith('isochron usage:\n')) return topLevelHelpTail();
  const usage = /^isochron-(\w+) usage:\n/.exec(cText);
  if (usage && isVerbName(usage[1])) return renderOptionHelp(VERB_SPECS[usage[1]]);
  const option = /^Unrecognized option (.*)\n/.exec(cText);
  if (option && verb) return `${unknownOptionHint(VERB_SPECS[verb], option[1])}\n`;
  const fn = /^\S*: unknown function (.*), expected one of /.exec(cText);
  if (fn) return `${unknownVerbHint(fn[1])}\n`;
  return '';
}

/** The C text followed by our lines (ourLinesAfter). */
export function withOurLines(cText: string, verb?: VerbName): string {
  return cText + ourLinesAfter(cText, verb);
}

/**
 * A stderr split into the C tool's part and our hint lines after it
 * (`hint: <text> (ISOCHRON_ERR_...)`, docs/errors.md): the recorded C lines
 * must equal `c`; `hints` holds only such lines, or is empty.
 */
export function splitHintLines(stderr: string): { c: string; hints: string } {
  const hints = /(?:^|\n)((?:hint: [^\n]* \(ISOCHRON_ERR_[A-Z0-9_]+\)\n)+)$/.exec(stderr)?.[1] ?? '';
  return { c: stderr.slice(0, stderr.length - hints.length), hints };
}

/** `report -h`: the C usage text ends with our option lines after -a; then only the help that teaches follows (ourLinesAfter). */
export function assertReportUsageThenHelp(stderr: string): void {
  const usageEnd = `-a|--printf-args: String (optional)\n${REPORT_EXTENSION_LINES}`;
  const at = stderr.indexOf(usageEnd);
  assert.ok(at > 0, stderr);
  assert.equal(stderr, withOurLines(stderr.slice(0, at + usageEnd.length), 'report'));
}
