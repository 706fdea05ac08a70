// From sade's collected texts to typed values, with C's "last one wins"
// semantics for a repeated option, plus its one exception: an IP option
// keeps the "%device" of an earlier occurrence when a later one has none,
// because C overwrites the address but leaves bound_if_name in place.
import type { OptionSpec, VerbSpec } from './spec.js';
import type { Collected } from './sade-program.js';
import { convertValue, type Clock, type IpAddress, type OptionValue } from './values/index.js';

export class ResolvedOptions {
  private readonly values = new Map<string, OptionValue>();

  constructor(spec: VerbSpec, collected: Collected, nowTai: Clock) {
    for (const o of spec.options) {
      const texts = collected.get(o.key);
      if (!texts || texts.length === 0) continue;
      this.values.set(o.key, this.fold(o, texts, nowTai));
    }
  }

  private fold(o: OptionSpec, texts: readonly (string | true)[], nowTai: Clock): OptionValue {
    const convert = (t: string | true): OptionValue => convertValue(o, t === true ? undefined : t, nowTai);
    if (o.kind !== 'ip') return convert(texts[texts.length - 1]);
    let device: string | undefined;
    let last: IpAddress | undefined;
    for (const t of texts) {
      last = convert(t) as IpAddress;
      if (last.device !== undefined) device = last.device;
    }
    const ip = last as IpAddress;
    return device === undefined ? ip : { ...ip, device };
  }

  flag(key: string): boolean {
    return this.values.get(key) === true;
  }

  integer(key: string, fallback: bigint): bigint {
    const v = this.values.get(key);
    return typeof v === 'bigint' ? v : fallback;
  }

  text(key: string, fallback: string): string {
    const v = this.values.get(key);
    return typeof v === 'string' ? v : fallback;
  }

  mac(key: string): Buffer {
    const v = this.values.get(key);
    return Buffer.isBuffer(v) ? v : Buffer.alloc(6);
  }

  ip(key: string): IpAddress | null {
    const v = this.values.get(key);
    return v !== undefined && typeof v === 'object' && !Buffer.isBuffer(v) ? v : null;
  }
}
