// Checks of `send` values against this host, made before anything touches
// the system (C drops the CPUs of --cpu-mask this host lacks without a word,
// and a mask left with none fails only when the sender thread starts).
import { cpus as osCpus } from 'node:os';
import { badValue } from '../../args/errors.js';

/**
 * Throws ISOCHRON_ERR_CLI_BAD_VALUE when `mask` (--cpu-mask, 0 = not given)
 * names a CPU this host does not have; `cpuCount` is the host's CPU count.
 */
export function checkCpuMask(mask: bigint, cpuCount: number = osCpus().length): void {
  const m = BigInt.asUintN(64, mask);
  if (m === 0n) return;
  const host = (1n << BigInt(cpuCount)) - 1n;
  if ((m & ~host) === 0n) return;
  const missing: number[] = [];
  for (let cpu = cpuCount; cpu < 64; cpu++) if ((m >> BigInt(cpu)) & 1n) missing.push(cpu);
  throw badValue.with(
    { hint: `this host has ${cpuCount} CPU(s), 0..${cpuCount - 1}, and the mask names CPU ${missing.join(', ')}: use a mask within 0x${host.toString(16)}` },
    '--cpu-mask',
    `0x${m.toString(16)}`,
  );
}
