// What a sender run tells an observer (the metrics endpoint) about its
// packets, from the main thread only: at the points where the log filler
// already consumes the worker rings. Nothing here runs on the send thread,
// so observing a run cannot change its timing.

/** One packet whose TX timestamps are all in (TAI ns, as in the SendLog; hwts raw PHC, 0 with omitHwts). */
export interface TimestampedPacket {
  scheduled: bigint;
  wakeup: bigint;
  hwts: bigint;
  swts: bigint;
  schedTs: bigint;
}

export interface SendRunObserver {
  /**
   * The run's schedule is fixed: wakeup latency is measured from scheduled -
   * advanceTime (ns); macMode: --taprio or --txtime (the TX timestamp is
   * then after the scheduled time by design, see deadlineMissed).
   */
  runStarted(run: { advanceTime: bigint; omitHwts: boolean; macMode: boolean }): void;
  /** One packet handed to sendmsg (drained from the sender ring). */
  packetSent(scheduled: bigint, wakeup: bigint): void;
  /** A packet got the last TX timestamp it will get. */
  packetTimestamped(p: TimestampedPacket): void;
  /** With --taprio/--txtime: a late transmission (whole cycles late, or any lateness with --deadline) or a packet etf/taprio dropped for its txtime. */
  deadlineMissed(): void;
  /** The run ended; missing TX timestamps are only known now. */
  runEnded(result: { sent: number; missingTimestamps: number }): void;
}
