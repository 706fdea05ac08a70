// An ordinary busy loop pinned to one CPU, for tests that must hold on a
// loaded machine: `taskset -c CPU sh -c 'while :; do :; done'`. Stop it in
// a finally (or t.after): it never ends by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';

export interface CpuHog {
  readonly cpu: number;
  readonly child: ChildProcess;
  /** Kills the loop (by its pid) and waits until it is gone. */
  stop(): Promise<void>;
}

/** The CPU a test pins itself and its hog to: the last one (CPU 0 when there is only one). */
export const HOG_CPU = Math.max(0, cpus().length - 1);

export async function startCpuHog(cpu: number = HOG_CPU): Promise<CpuHog> {
  const child = spawn('taskset', ['-c', String(cpu), 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' });
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  return {
    cpu,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone;
    },
  };
}
