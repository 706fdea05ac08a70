// The subset of the WebAssembly JS API this project uses. TypeScript ships
// these only in lib.dom, which would also bring browser globals that clash
// with Node's, and @types/node 20 does not declare them.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
    static exports(module: Module): { name: string; kind: string }[];
    static imports(module: Module): { module: string; name: string; kind: string }[];
  }
  class Instance {
    constructor(module: Module, importObject?: Imports);
    readonly exports: Exports;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class RuntimeError extends Error {}
  class CompileError extends Error {}
  type ExportValue = Function | Memory | Global;
  type Exports = Record<string, ExportValue>;
  type Imports = Record<string, Record<string, unknown>>;
  class Global {
    value: unknown;
  }
}
