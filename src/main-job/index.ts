// `npm run main-job`: see run.ts. Handles SIGINT/SIGTERM so that an
// interrupted job still removes its namespaces before exiting.
import { defaultOutputFile, runMainJob } from './run.js';

let abortWith: (sig: string) => void = () => undefined;
const abort = new Promise<string>((res) => (abortWith = res));
const onSignal = (sig: NodeJS.Signals): void => abortWith(sig);
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const status = await runMainJob({
  outputFile: process.env.ISOCHRON_MAIN_JOB_OUTPUT ?? defaultOutputFile(),
  numFrames: 1000,
  cycleTime: '0.001',
  frameSize: 64,
  log: (line) => process.stderr.write(line),
  out: (text) => process.stdout.write(text),
  abort,
});
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
process.exitCode = status;
