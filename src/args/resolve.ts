// From sade's collected texts to typed values, with C's "last one wins"
// semantics for a repeated option, plus its one exception: an IP option
// keeps the "%device" of an earlier occurrence when a later one has none,
// because C overwrites the address but leaves bound_if_name in place.
// Options of ours declared repeatable (or taking several values) also keep
// every value, in argv order, for texts().
import type { OptionSpec, VerbSpec } from './spec.js';
import { valueCount } from './spec.js';
import type { Collected } from './sade-program.js';
import { convertValue, type Clock, type IpAddress, type OptionValue } from './values/index.js';

export class ResolvedOptions {
  private readonly values = new Map<string, OptionValue>();
  private readonly lists = new Map<string, readonly string[]>();

  constructor(spec: VerbSpec, collected: Collected, nowTai: Clock) {
    for (const o of spec.options) {
      const texts = collected.get(o.key);
      if (!texts || texts.length === 0) continue;
      this.values.set(o.key, this.fold(o, texts, nowTai));
      const arity = valueCount(o);
      if (o.repeatable || arity > 1) {
        const kept = o.repeatable ? texts : texts.slice(-arity);
        this.lists.set(o.key, kept.map((t) => (t === true ? '' : t)));
      }
    }
  }

  /** Every value of a repeatable option (the last occurrence's values of a multi-value one), in argv order. */
  texts(key: string): readonly string[] {
    return this.lists.get(key) ?? [];
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
