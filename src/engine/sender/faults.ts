// What went wrong with the measurement of a run, counted per kind instead
// of ending it. The C sender ends its TX timestamp thread at the first of
// these; we keep going (unless --fail-fast), leave zeros in the .dat where
// a timestamp is missing (as C's files already do), and say at the end how
// many of each there were. Duplicates are not faults: a bridge hands the
// sender extra software timestamps for the frames it clones, and only the
// first of each kind belongs to our packet.

/**
 * Per-kind counts of one run (SenderRunResult.faults; the end-of-run summary
 * prints them). All counts are packets or error-queue entries of this run.
 */
export interface SendFaults {
  /**
   * Error-queue timestamps of a kind (SCHED, SND software, hardware) the
   * packet already had: the first was kept, these were dropped. Not a
   * fault: the run still exits 0 (a bridge port gives 2 per frame it
   * forwards).
   */
  duplicateTimestamps: number;
  /** Packets sent whose TX timestamps did not all arrive (zeros in the .dat); packets counted in txtimeDrops are not counted again. */
  missingTimestamps: number;
  /** --taprio/--txtime: hardware TX timestamp before the scheduled time ("Premature transmission detected ..."). */
  prematureTx: number;
  /** --taprio/--txtime (whole cycles late) or --deadline (any lateness): "Late transmission by N cycles detected ...". */
  lateTx: number;
  /** etf/taprio dropped the packet and said so on the error queue (SO_EE_CODE_TXTIME_INVALID_PARAM / _MISSED). */
  txtimeDrops: number;
}

/** The fault kinds (every SendFaults key but duplicateTimestamps), in the order the summary prints them. */
export const FAULT_KINDS = ['missingTimestamps', 'prematureTx', 'lateTx', 'txtimeDrops'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Exit status of `isochron send` when the run completed but had measurement
 * faults (and nothing worse failed). Below 123, so no C status (the low 8
 * bits of a negative errno) can mean it.
 */
export const FAULT_EXIT_STATUS = 3;

export function noFaults(): SendFaults {
  return { duplicateTimestamps: 0, missingTimestamps: 0, prematureTx: 0, lateTx: 0, txtimeDrops: 0 };
}

/** Measurement faults of the run (duplicates excluded). */
export function faultTotal(f: SendFaults): number {
  let n = 0;
  for (const k of FAULT_KINDS) n += f[k];
  return n;
}

const FAULT_TEXT: Record<FaultKind, string> = {
  missingTimestamps: 'packets with missing TX timestamps',
  prematureTx: 'premature transmissions',
  lateTx: 'late transmissions',
  txtimeDrops: 'packets dropped by txtime',
};

/** The plural label of a fault kind ("late transmissions"), as the summary lines print it. */
export function faultLabel(k: FaultKind): string {
  return FAULT_TEXT[k];
}

/** "Measurement faults: 3 packets with missing TX timestamps, 1 late transmissions", or null without faults. */
export function faultsLine(f: SendFaults): string | null {
  const parts = FAULT_KINDS.filter((k) => f[k] > 0).map((k) => `${f[k]} ${FAULT_TEXT[k]}`);
  return parts.length > 0 ? `Measurement faults: ${parts.join(', ')}` : null;
}

/** The one warning about duplicates, or null without any. */
export function duplicatesLine(f: SendFaults): string | null {
  if (f.duplicateTimestamps === 0) return null;
  return (
    `Warning: ignored ${f.duplicateTimestamps} duplicate TX timestamps ` +
    '(kept the first of each kind per packet; a bridge port clones the sent frames)'
  );
}

/** The end-of-run lines (no trailing newline each), empty for a clean run: duplicatesLine, then faultsLine. */
export function faultSummaryLines(f: SendFaults): string[] {
  return [duplicatesLine(f), faultsLine(f)].filter((l): l is string => l !== null);
}
