// Errors of the traffic logic (schedule, send/receive logs; the frame's are
// in src/core/errors.ts).
// Messages that the C tool also prints keep its wording, so users who grep
// for them still find them; ours add what to do next where C said nothing.
import { defineError, Errno } from '../../core/errors.js';

export const CycleTimeNotPositive = defineError(
  'ISOCHRON_ERR_CYCLE_TIME_NOT_POSITIVE',
  Errno.EINVAL,
  (cycle: bigint) => `Cycle time must be greater than zero, got ${cycle} ns: give --cycle-time in sec.nsec, e.g. 0.001`,
);

export const AdvanceTimeTooHigh = defineError(
  'ISOCHRON_ERR_ADVANCE_TIME_TOO_HIGH',
  Errno.EINVAL,
  () => 'Advance time cannot be higher than cycle time',
);

export const ShiftTimeTooHigh = defineError(
  'ISOCHRON_ERR_SHIFT_TIME_TOO_HIGH',
  Errno.EINVAL,
  () => 'Shift time cannot be higher than cycle time',
);

export const WindowSizeTooHigh = defineError(
  'ISOCHRON_ERR_WINDOW_SIZE_TOO_HIGH',
  Errno.EINVAL,
  () => 'Window size cannot be higher than cycle time',
);

export const LogCountTooLarge = defineError(
  'ISOCHRON_ERR_LOG_COUNT_TOO_LARGE',
  Errno.ENOMEM,
  (count: number, max: number) =>
    `Cannot keep a log of ${count} packets in memory (at most ${max}): use a smaller --num-frames`,
);
