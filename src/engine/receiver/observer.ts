// What the receiver tells an observer (the metrics endpoint) about each
// frame it logs, on the main thread where the receive ring is drained.

export interface ReceiveObserver {
  /**
   * One frame logged for a test: arrival is CLOCK_TAI read after recvmsg,
   * hw the raw PHC RX timestamp (0 without one), sw the software RX
   * timestamp already on TAI (0 without one); ns.
   */
  packetReceived(arrival: bigint, hw: bigint, swTai: bigint): void;
}
