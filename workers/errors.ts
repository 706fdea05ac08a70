// Errors the worker threads raise (send, TX timestamps, receive). They cross
// to the main thread as a WorkerError (workers/contract.ts) and keep their
// code and errno; the engines that start the workers import them from here.
import { defineError, Errno } from '../src/core/errors.js';

export const SendPacketFailed = defineError(
  'ISOCHRON_ERR_SEND_PACKET',
  Errno.EIO,
  (text: string, seqid: number) => `Failed to send data packet: ${text} (seqid ${seqid})`,
);

export const SendWorkerFailed = defineError(
  'ISOCHRON_ERR_SEND_WORKER',
  Errno.EIO,
  (which: string, detail: string) => `${which} thread failed: ${detail}`,
);

export const SendThreadSetup = defineError(
  'ISOCHRON_ERR_SEND_THREAD_SETUP',
  Errno.EPERM,
  (what: string, detail: string) =>
    `failed to set sender thread ${what}: ${detail}`,
);

export const RcvDataSocket = defineError(
  'ISOCHRON_ERR_RCV_DATA_SOCKET',
  Errno.EIO,
  (what: string, ifname: string, detail: string) => `Failed to open the ${what} data socket on ${ifname}: ${detail}`,
);

export const RcvLoopFailed = defineError(
  'ISOCHRON_ERR_RCV_LOOP_FAILED',
  Errno.EIO,
  (detail: string) => `The receive loop stopped: ${detail}`,
);
