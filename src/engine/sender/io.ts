// Where `isochron send` writes its lines. The CLI uses the process streams;
// tests pass a collector so that the exact C lines can be compared.
export interface SendIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: SendIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** An Io that keeps everything, for tests and for the benchmark's child. */
export function collectingIo(): SendIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
