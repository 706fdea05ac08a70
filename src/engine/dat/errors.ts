// Errors of the .dat reader and writer. The messages of the load errors are
// the C tool's stderr lines, byte for byte, because scripts compare them;
// the codes are ours and stable.
import { defineError, Errno } from '../../core/errors.js';

/** open() failed. The C tool returns the raw -1 from open(), hence exit 255. */
export const DatOpenFailed = defineError('ISOCHRON_ERR_DAT_OPEN', Errno.EPERM,
  (path: string, reason: string) => `Failed to open file ${path}: ${reason}`);

/** Fewer than 96 bytes: the header read hit end of file. */
export const DatHeaderTruncated = defineError('ISOCHRON_ERR_DAT_HEADER_TRUNCATED', Errno.ENODATA,
  () => 'Failed to read log header from file: No data available');

/**
 * read() itself failed (e.g. the path is a directory). C hands read()'s -1 to
 * its error printer as if it were -errno, so it prints EPERM's text whatever
 * the cause, and exits 255.
 */
export const DatReadFailed = defineError('ISOCHRON_ERR_DAT_READ', Errno.EPERM,
  (what: string) => `Failed to read ${what}: Operation not permitted`);

export const DatBadMagic = defineError('ISOCHRON_ERR_DAT_BAD_MAGIC', Errno.EINVAL,
  () => 'Unrecognized file format');

/**
 * lseek to a log offset failed: 2^63 and above (negative as off_t), beyond
 * the file system's largest offset (ext4: about 2^44), or a file that cannot
 * seek (a pipe: "Illegal seek"). The errno is lseek's; the exit status is
 * what C's perror leaves (see src/verbs/report/perror.ts).
 */
export const DatSeekFailed = defineError('ISOCHRON_ERR_DAT_BAD_LOG_OFFSET', Errno.EINVAL,
  (which: 'sender' | 'receiver', reason: string) => `Failed to seek to the ${which} log: ${reason}`);

/** The header claims a log that is empty or extends past the end of the file. */
export const DatSendLogTruncated = defineError('ISOCHRON_ERR_DAT_SEND_LOG_TRUNCATED', Errno.ENODATA,
  () => 'Failed to read sender log: No data available');

export const DatRcvLogTruncated = defineError('ISOCHRON_ERR_DAT_RCV_LOG_TRUNCATED', Errno.ENODATA,
  () => 'Failed to read receiver log: No data available');

/** The file shrank between the size check and a later read. */
export const DatChanged = defineError('ISOCHRON_ERR_DAT_CHANGED', Errno.EIO,
  (path: string) => `${path}: file changed while it was being read (got fewer bytes than its size promised)`);

/** Writer: a record does not belong where it is being written. */
export const DatWriterBadRecord = defineError('ISOCHRON_ERR_DAT_WRITER_RECORD', Errno.EINVAL,
  (detail: string) => `cannot write .dat record: ${detail}`);

export const DatWriteFailed = defineError('ISOCHRON_ERR_DAT_WRITE', Errno.EIO,
  (path: string, reason: string) => `Failed to write ${path}: ${reason}`);
