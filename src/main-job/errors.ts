// Errors of the main job (`npm run main-job`).
import { defineError, Errno } from '../core/errors.js';

export const MainJobNotRoot = defineError(
  'ISOCHRON_ERR_MAIN_JOB_NOT_ROOT',
  Errno.EPERM,
  () => 'the main job creates network namespaces and raw sockets: run it as root (sudo npm run main-job)',
);

export const MainJobStepFailed = defineError(
  'ISOCHRON_ERR_MAIN_JOB_STEP',
  Errno.EIO,
  (step: string, detail: string) => `main job: ${step} failed: ${detail}`,
);

export const MainJobInterrupted = defineError(
  'ISOCHRON_ERR_MAIN_JOB_INTERRUPTED',
  Errno.EINVAL,
  (signal: string) => `main job: interrupted by ${signal}; everything it created has been removed`,
);
