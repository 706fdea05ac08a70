// Control words shared between the main thread and a loop worker. Piscina's
// abort cannot interrupt a thread blocked in a syscall (clock_nanosleep,
// recvmsg), so a loop checks the stop word between its bounded waits instead.

const STOP = 0;
const STATE = 1;
const PROGRESS = 2;
const WORDS = 4;

export const enum LoopState {
  Starting = 0,
  Running = 1,
  Finished = 2,
  Failed = 3,
}

export class LoopControl {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(WORDS * 4)) {
    if (buffer.byteLength < WORDS * 4) throw new RangeError('LoopControl buffer too small');
    this.buffer = buffer;
    this.words = new Int32Array(buffer, 0, WORDS);
  }

  requestStop(): void {
    Atomics.store(this.words, STOP, 1);
    Atomics.notify(this.words, STOP);
  }

  get stopRequested(): boolean {
    return Atomics.load(this.words, STOP) !== 0;
  }

  get state(): LoopState {
    return Atomics.load(this.words, STATE) as LoopState;
  }

  set state(value: LoopState) {
    Atomics.store(this.words, STATE, value);
    Atomics.notify(this.words, STATE);
  }

  /** A counter the loop bumps (e.g. packets handled) for progress displays. */
  get progress(): number {
    return Atomics.load(this.words, PROGRESS);
  }

  addProgress(n = 1): void {
    Atomics.add(this.words, PROGRESS, n);
  }
}
