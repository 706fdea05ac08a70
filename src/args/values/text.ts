// Text options copied into fixed C buffers: the C tool rejects a value whose
// strlen() (bytes) reaches the buffer's declared size, and prints that size.
import { valueTooLong } from '../errors.js';

export type TextWhat = 'Interface name' | 'File path' | 'String';

export function parseText(text: string, what: TextWhat, limit: number): string {
  if (Buffer.byteLength(text, 'utf8') >= limit) throw valueTooLong(what, text, limit);
  return text;
}
