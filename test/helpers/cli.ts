// Runs the real CLI (bin/isochron.js over dist/) as a child process, the way
// a user's shell would, optionally with an exact argv[0] as the C vectors were
// recorded with (spawn's argv0 sets process.argv0 in the child).
import { spawn } from 'node:child_process';
import { cliEntry } from './paths.js';

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
export const SEND_EXTENSION_LINES = '-Z|--fail-fast: Boolean (optional)\n';

/** The usage lines of our own report options, listed after C's (docs/report.md). */
export const REPORT_EXTENSION_LINES = '-O|--format: String (optional)\n';

/**
 * A stderr split into the C tool's part and our hint lines after it
 * (`hint: <text> (ISOCHRON_ERR_...)`, docs/errors.md): the recorded C lines
 * must equal `c`; `hints` holds only such lines, or is empty.
 */
export function splitHintLines(stderr: string): { c: string; hints: string } {
  const hints = /(?:^|\n)((?:hint: [^\n]* \(ISOCHRON_ERR_[A-Z0-9_]+\)\n)+)$/.exec(stderr)?.[1] ?? '';
  return { c: stderr.slice(0, stderr.length - hints.length), hints };
}
