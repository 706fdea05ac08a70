// Compiles --printf-format/--printf-args into the op program that the WASM
// walk runs per packet (assembly/report.ts). Everything that does not depend on
// packet data is decided here, in the C tool's order of checks; the result is
// a list of ops ending either in END or in ERR (the error the C tool would
// report at the first packet, after the output of the ops before it).
// Only the per-packet buffer limit depends on data, and WASM checks that.
import type { IsochronError } from '../../core/errors.js';
import {
  PrintfPercentAtEnd, PrintfNotEnoughArgs, PrintfUnknownVariable, PrintfBadDirective,
  PrintfUnknownCode, PrintfArgsUnconsumed, PrintfBufferTooSmall,
} from './errors.js';

export const OP_END = 0;
export const OP_LIT = 1;
export const OP_VAR = 2;
export const OP_ERR = 3;

/**
 * Runtime error ids reported by the WASM walk: its ERR_BUF_* exports
 * (assembly/report.ts; test/verbs/report/report-engine-drift.test.ts keeps
 * these numbers and the op codes above equal to the module's).
 */
export const ERR_BUF_LITERAL = 1000;
export const RUNTIME_BUFFER_ERRORS: ReadonlyMap<number, string> = new Map([
  [ERR_BUF_LITERAL, 'Buffer not large enough for printf format'],
  [1001, 'Destination buffer not large enough to print signed int'],
  [1002, 'Destination buffer not large enough to print unsigned int'],
  [1003, 'Destination buffer not large enough to print hex int'],
  [1004, 'Destination buffer not large enough to print time'],
]);

/** Letter -> variable index in the WASM VARS table (A B C H W S w T t s q a R r). */
export const VARIABLES = 'ABCHWSwTtsqaRr';
const SEQID = VARIABLES.indexOf('q');
// The C buffer holds 4095 characters; a write that would reach it fails.
const PRINTF_BUF = 4095;
const MIN_VAR_LEN = 1;

const DIRECTIVE_ERROR_ID: Record<number, number> = { 0x64: 1001, 0x75: 1002, 0x78: 1003, 0x54: 1004 };

export interface PrintfProgram {
  /** i32 op words: LIT off len | VAR var code | ERR id | END */
  words: Int32Array;
  literals: Uint8Array;
  /** ERR ids below 1000 index this list. */
  staticErrors: IsochronError[];
  /** False when the format and the args are both empty: nothing can print or fail. */
  active: boolean;
}

const ch = (b: number): string => String.fromCharCode(b);

function checkVariable(varCode: number, code: number): IsochronError | number {
  const index = VARIABLES.indexOf(ch(varCode));
  if (varCode >= 0x80 || index < 0) return PrintfUnknownVariable(ch(varCode));
  switch (code) {
    case 0x64: // d
      return index === SEQID ? PrintfBadDirective(ch(varCode), 'signed int') : index;
    case 0x75: // u
    case 0x78: // x
      return index;
    case 0x54: // T
      return index === SEQID ? PrintfBadDirective(ch(varCode), 'time') : index;
    default:
      return PrintfUnknownCode(ch(code));
  }
}

export function compilePrintf(fmt: Uint8Array, args: Uint8Array): PrintfProgram {
  const words: number[] = [];
  const lits: number[] = [];
  const staticErrors: IsochronError[] = [];
  // Bytes every packet must produce so far: once it reaches the buffer size
  // the op that got there fails for every packet, so compiling can stop.
  let mandatory = 0;
  let done = false;

  const err = (e: IsochronError): void => {
    words.push(OP_ERR, staticErrors.length);
    staticErrors.push(e);
    done = true;
  };
  const lit = (from: number, to: number): void => {
    const len = to - from;
    if (len === 0) return; // a zero-length copy can never overflow
    if (mandatory + len >= PRINTF_BUF) {
      words.push(OP_ERR, ERR_BUF_LITERAL);
      done = true;
      return;
    }
    words.push(OP_LIT, lits.length, len);
    for (let i = from; i < to; i++) lits.push(fmt[i]);
    mandatory += len;
  };

  let pos = 0;
  let argPos = 0;
  while (!done) {
    const percent = fmt.indexOf(0x25, pos);
    if (percent < 0) {
      lit(pos, fmt.length);
      break;
    }
    if (percent + 1 >= fmt.length) {
      err(PrintfPercentAtEnd());
      break;
    }
    const code = fmt[percent + 1];
    if (code === 0x25) {
      lit(pos, percent + 1); // up to and including the first '%'
      pos = percent + 2;
      continue;
    }
    if (argPos >= args.length) {
      err(PrintfNotEnoughArgs());
      break;
    }
    lit(pos, percent);
    if (done) break;
    const v = checkVariable(args[argPos], code);
    if (typeof v !== 'number') {
      err(v);
      break;
    }
    if (mandatory + MIN_VAR_LEN >= PRINTF_BUF) {
      words.push(OP_ERR, DIRECTIVE_ERROR_ID[code]);
      done = true;
      break;
    }
    words.push(OP_VAR, v, code);
    mandatory += MIN_VAR_LEN;
    pos = percent + 2;
    argPos++;
  }
  if (!done && argPos < args.length) err(PrintfArgsUnconsumed());
  if (!done) words.push(OP_END);
  return {
    words: Int32Array.from(words),
    literals: Uint8Array.from(lits),
    staticErrors,
    active: fmt.length > 0 || args.length > 0,
  };
}

/** The error for an ERR id reported by the walk. */
export function programError(program: PrintfProgram, id: number): IsochronError {
  const runtime = RUNTIME_BUFFER_ERRORS.get(id);
  if (runtime !== undefined) return PrintfBufferTooSmall(runtime);
  return program.staticErrors[id];
}
