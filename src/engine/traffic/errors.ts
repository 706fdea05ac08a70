// Errors of the traffic logic (frame layout, schedule, send/receive logs).
// Messages that the C tool also prints keep its wording, so users who grep
// for them still find them; ours add what to do next where C said nothing.
import { defineError, Errno } from '../../core/errors.js';

export const FrameTooLarge = defineError(
  'ISOCHRON_ERR_FRAME_TOO_LARGE',
  Errno.EINVAL,
  (max: number) => `Frame size cannot exceed ${max} octets`,
);

/**
 * The C sender happily sends frames that cannot hold the 20-byte isochron
 * header (the receiver then drops them as "Packet too short"); we refuse.
 */
export const FrameTooShort = defineError(
  'ISOCHRON_ERR_FRAME_TOO_SHORT',
  Errno.EINVAL,
  (frameSize: number, min: number, what: string) =>
    `Frame size ${frameSize} is too small: ${what} needs at least ${min} octets to carry the isochron header, use --frame-size ${min} or more`,
);

export const MacAddressLength = defineError(
  'ISOCHRON_ERR_MAC_LENGTH',
  Errno.EINVAL,
  (which: string, len: number) => `${which} MAC address must be 6 octets, got ${len}`,
);

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
