// --dmac/--smac: the C reading (src/core/mac.ts) with the CLI's error.
import { scanMacLikeC } from '../../core/mac.js';
import { badMac } from '../errors.js';

export function parseMac(text: string, long: string): Buffer {
  const mac = scanMacLikeC(text);
  if (!mac) throw badMac(long);
  return mac;
}
