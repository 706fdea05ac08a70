// Single-producer single-consumer ring of fixed-size records in a
// SharedArrayBuffer. The packet loops run in worker threads and must never
// post a message per packet: a worker writes records here and the main thread
// drains them in batches. Each record is `slots` signed 64-bit words, because
// absolute TAI nanoseconds (~1.8e18) do not fit in a double.
//
//   producer (worker)                         consumer (main thread)
//   base = reserve() -> fill data[base..] ->  n = readable(); base = peek(i)
//   commit()  (Atomics.store head, notify)    ... release(n) (Atomics.store tail)
//
// Only the producer writes `head` and only the consumer writes `tail`, so two
// atomic stores are the whole synchronisation. A full ring is reported to the
// producer (reserve() returns -1) and counted, never overwritten silently.

const HEAD = 0;
const TAIL = 1;
const DROPPED = 2;
const CONTROL_WORDS = 4;

export class RecordRing {
  readonly buffer: SharedArrayBuffer;
  readonly slots: number;
  readonly capacity: number;
  private readonly control: Int32Array;
  /** Record words; record i of the ring starts at (i & mask) * slots. */
  readonly data: BigInt64Array;
  private readonly mask: number;

  private constructor(buffer: SharedArrayBuffer, slots: number, capacity: number) {
    this.buffer = buffer;
    this.slots = slots;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.control = new Int32Array(buffer, 0, CONTROL_WORDS);
    this.data = new BigInt64Array(buffer, CONTROL_WORDS * 4 + 16, slots * capacity);
  }

  /** `capacity` is rounded up to a power of two so indices wrap with a mask. */
  static create(slots: number, capacity: number): RecordRing {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`ring slots must be a positive integer, got ${slots}`);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 24) {
      throw new RangeError(`ring capacity must be 1..${1 << 24}, got ${capacity}`);
    }
    let cap = 1;
    while (cap < capacity) cap <<= 1;
    // 16 bytes of header: slots and capacity, so attach() can check them.
    const header = CONTROL_WORDS * 4 + 16;
    const buffer = new SharedArrayBuffer(header + slots * cap * 8);
    const meta = new Int32Array(buffer, CONTROL_WORDS * 4, 4);
    meta[0] = slots;
    meta[1] = cap;
    return new RecordRing(buffer, slots, cap);
  }

  /** Opens a ring made by create() in another thread. */
  static attach(buffer: SharedArrayBuffer): RecordRing {
    const meta = new Int32Array(buffer, CONTROL_WORDS * 4, 4);
    const slots = meta[0];
    const cap = meta[1];
    if (slots < 1 || cap < 1 || (cap & (cap - 1)) !== 0 || buffer.byteLength < CONTROL_WORDS * 4 + 16 + slots * cap * 8) {
      throw new RangeError('not a RecordRing buffer');
    }
    return new RecordRing(buffer, slots, cap);
  }

  /** Producer: index in `data` of the next free record, or -1 when full. */
  reserve(): number {
    const head = Atomics.load(this.control, HEAD);
    const tail = Atomics.load(this.control, TAIL);
    if (((head - tail) | 0) >= this.capacity) {
      Atomics.add(this.control, DROPPED, 1);
      return -1;
    }
    return (head & this.mask) * this.slots;
  }

  /** Producer: publishes the record filled after reserve() and wakes a waiting consumer. */
  commit(): void {
    Atomics.add(this.control, HEAD, 1);
    Atomics.notify(this.control, HEAD);
  }

  /**
   * Producer: publishes the record without waking anyone. For real-time
   * producers: V8 serialises every Atomics.notify/wait of the process behind
   * one lock, so a notify can block a SCHED_FIFO thread behind an ordinary
   * thread that holds it. The consumer then sees the record at its next
   * bounded wait (waitReadable re-checks when its timeout ends).
   */
  publish(): void {
    Atomics.add(this.control, HEAD, 1);
  }

  /** Consumer: number of records ready to read. */
  readable(): number {
    return (Atomics.load(this.control, HEAD) - Atomics.load(this.control, TAIL)) | 0;
  }

  /** Consumer: index in `data` of the i-th readable record. */
  peek(i: number): number {
    return ((Atomics.load(this.control, TAIL) + i) & this.mask) * this.slots;
  }

  /** Consumer: frees the first n readable records. */
  release(n: number): void {
    Atomics.add(this.control, TAIL, n);
  }

  /** Records the producer could not write because the ring was full. */
  dropped(): number {
    return Atomics.load(this.control, DROPPED);
  }

  /**
   * Consumer: resolves with the number of readable records as soon as there
   * are any, or with 0 once timeoutMs has really elapsed. The wait is re-armed
   * after any early wake-up, so callers may treat 0 as "nothing for timeoutMs".
   */
  async waitReadable(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const head = Atomics.load(this.control, HEAD);
      if (((head - Atomics.load(this.control, TAIL)) | 0) > 0) return this.readable();
      const left = deadline - performance.now();
      if (left <= 0) return 0;
      const res = Atomics.waitAsync(this.control, HEAD, head, left);
      if (res.async) {
        // A pending waitAsync does not keep Node's event loop alive; the timer does.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([res.value, new Promise((r) => (timer = setTimeout(r, left)))]);
        clearTimeout(timer);
      }
    }
  }

}
