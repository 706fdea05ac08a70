// Loads an AssemblyScript module from dist/wasm once per thread. Modules are
// built with `--runtime stub --use abort=` so they import nothing: a broken
// invariant inside WASM traps and surfaces here as a WebAssembly.RuntimeError.
import { readFileSync } from 'node:fs';

const wasmDir = new URL('../../wasm/', import.meta.url);
const cache = new Map<string, WebAssembly.Instance>();

export function loadWasm<T extends WebAssembly.Exports>(name: string): T & { memory: WebAssembly.Memory } {
  let instance = cache.get(name);
  if (!instance) {
    const bytes = readFileSync(new URL(`${name}.wasm`, wasmDir));
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    cache.set(name, instance);
  }
  return instance.exports as T & { memory: WebAssembly.Memory };
}
