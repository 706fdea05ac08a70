// Where a verb writes its lines: the C tool's stdout and stderr. The CLI
// passes the process streams; tests pass a collector so that the exact C
// lines can be compared. One type for every verb and engine that prints.
export interface OutputStreams {
  /** C's stdout (the lines a script may parse). */
  out(text: string): void;
  /** C's stderr (errors, warnings, progress). */
  err(text: string): void;
}

export const processStreams: OutputStreams = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Streams that keep everything, for tests and for the benchmark's child. */
export function collectingStreams(): OutputStreams & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
