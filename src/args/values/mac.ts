// --dmac/--smac: the C reading (src/core/mac.ts) with the CLI's error.
import { scanMacLikeC } from '../../core/mac.js';
import { badMac } from '../errors.js';
import { MAC_FORM } from './strict.js';

export function parseMac(text: string, long: string): Buffer {
  const mac = scanMacLikeC(text);
  if (!mac) throw badMac.with({ hint: `${long} ${JSON.stringify(text)}: expected ${MAC_FORM}` }, long);
  return mac;
}
