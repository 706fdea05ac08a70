// The seams where hardware that cannot exist on a test machine meets the
// software above. Production code takes these as parameters (defaulting to
// the real kernel); tests pass fakes living in test/helpers/.
//
//   DeviceIoctl     - every ioctl about NIC timestamping and PHCs
//                     (SIOCSHWTSTAMP, SIOCETHTOOL, PTP_SYS_OFFSET*).
//   PhcOpener       - opening /dev/ptpN (no PHC exists on a test machine).
//   TimestampSource - where a sender/receiver gets its packet I/O and its
//                     timestamps: a real socket, or a fake that stamps
//                     packets with a made-up hardware clock and reports
//                     txtime misses as etf would.
import type { ControlInfo } from './cmsg.js';
import type { Received } from './dgram.js';

export type { DeviceIoctl } from './ioctl.js';
export type { PhcOpener } from './phc.js';

/** The packet path of a sender or receiver, with timestamps; DgramSocket implements it. */
export interface TimestampSource {
  /** The TX payload buffer: frames are built here in place. */
  readonly txBuffer: Buffer;
  /** Sends txBuffer[0, length), with an SCM_TXTIME launch time when given. */
  sendPrepared(length: number, txtime?: bigint): number;
  /** One received packet with its RX timestamps, or null on timeout. */
  recv(timeoutMs: number): Received | null;
  /** One TX timestamp (or txtime drop report) from the error queue, or null on timeout. */
  recvErrQueue(timeoutMs: number): Received | null;
  close(): void;
}

export type { ControlInfo, Received };
