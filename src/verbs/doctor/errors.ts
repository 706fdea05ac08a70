// Errors of `isochron doctor`'s command line.
import { defineError, Errno } from '../../core/errors.js';

export const DoctorBadFormat = defineError(
  'ISOCHRON_ERR_DOCTOR_BAD_FORMAT',
  Errno.EINVAL,
  (format: string, formats: string) => `doctor: unknown --format "${format}": expected one of ${formats}`,
);

export const DoctorBadNumber = defineError(
  'ISOCHRON_ERR_DOCTOR_BAD_NUMBER',
  Errno.ERANGE,
  (option: string, value: bigint, max: number) => `doctor: ${option} ${value} is out of range 0..${max}`,
);
