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
  /** The run's schedule is fixed: wakeup latency is measured from scheduled - advanceTime (ns). */
  runStarted(run: { advanceTime: bigint; omitHwts: boolean }): void;
  /** One packet handed to sendmsg (drained from the sender ring). */
  packetSent(scheduled: bigint, wakeup: bigint): void;
  /** A packet got the last TX timestamp it will get. */
  packetTimestamped(p: TimestampedPacket): void;
  /** A late transmission (--taprio/--txtime/--deadline) or a packet etf/taprio dropped for its txtime. */
  deadlineMissed(): void;
  /** The run ended; missing TX timestamps are only known now. */
  runEnded(result: { sent: number; missingTimestamps: number }): void;
}
