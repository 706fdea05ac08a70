// The .dat file of one orchestrated pair, written on the orchestrator with
// the C layout (header, sender log from the daemon, receiver log from the
// receiver). The header comes from the node's exec line as the C
// orchestrator fills it: the options as parsed, frame_size being the
// --frame-size value itself (C's orchestrator never opens the data socket,
// which is where `isochron send` subtracts the L4 headers), base_time the
// --base-time given, not the operational one.
import type { SendOptions } from '../../engine/sender/options.js';
import { writeDatFile, type DatMeta } from '../../engine/dat/writer.js';
import { errorText } from '../../core/errno-text.js';
import { isIsochronError } from '../../core/errors.js';
import { sessionFlags } from '../../engine/traffic/session.js';
import { causedBy, OrchSaveFailed } from './errors.js';

export function datMeta(o: SendOptions): DatMeta {
  return {
    packetCount: Number(BigInt.asUintN(32, o.numFrames)),
    frameSize: Number(BigInt.asUintN(16, o.frameSize)),
    flags: sessionFlags({
      omitSync: o.omitSync,
      noTs: !o.timestamping,
      taprio: o.taprio,
      txtime: o.txtime,
      deadline: o.deadline,
      omitHwts: o.omitHwts,
    }),
    baseTime: BigInt.asIntN(64, o.baseTime),
    advanceTime: BigInt.asIntN(64, o.advanceTime),
    shiftTime: BigInt.asIntN(64, o.shiftTime),
    cycleTime: BigInt.asIntN(64, o.cycleTime),
    windowSize: BigInt.asIntN(64, o.windowSize),
  };
}

/** Writes the pair's file; ISOCHRON_ERR_ORCH_SAVE names the node and the file. */
export function saveNodeLogs(node: string, o: SendOptions, sendLog: Uint8Array, rcvLog: Uint8Array): void {
  try {
    writeDatFile(o.outputFile, datMeta(o), sendLog, rcvLog);
  } catch (err) {
    const detail = isIsochronError(err) ? err.message : errorText(err);
    throw causedBy(OrchSaveFailed, err, node, o.outputFile, detail);
  }
}
