// Where the daemon writes what it has to say. The daemonized process has
// its stdout and stderr on the --log-file (C: freopen + dup2), so the
// process log simply writes to stdout; in-process users collect lines.
export interface DaemonLog {
  /** One line; the newline is added. */
  line(text: string): void;
  /** Text that already carries its newlines (C's multi-line banners). */
  write(text: string): void;
}

export const stdoutLog: DaemonLog = {
  line: (text) => void process.stdout.write(`${text}\n`),
  write: (text) => void process.stdout.write(text),
};

/** A log that keeps everything, for tests and embedding. */
export function collectingLog(): DaemonLog & { lines(): string[]; text(): string } {
  let buf = '';
  return {
    line: (t) => void (buf += `${t}\n`),
    write: (t) => void (buf += t),
    text: () => buf,
    lines: () => buf.split('\n').filter((l) => l !== ''),
  };
}
