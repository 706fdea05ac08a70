// The layout rules of docs/architecture.md, checked on the source tree so that
// they keep holding: layers only import downwards, only src/sys/ touches
// koffi or the libc binding, nothing imports the CLI, no import cycles, no
// source file over 400 lines, `report` loads neither koffi nor piscina, and
// prom-client is loaded only by src/engine/metrics/ (and only when asked for).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSourceTree, findCycles, staticClosure } from '../helpers/import-graph.js';

const tree = readSourceTree(['src', 'workers']);

/** Layers, top first; a file may import its own layer's files or lower ones. */
const LAYERS: readonly { readonly name: string; readonly rank: number; readonly holds: (p: string) => boolean }[] = [
  { name: 'entry (src/cli, src/main-job)', rank: 7, holds: (p) => p.startsWith('src/cli/') || p.startsWith('src/main-job/') },
  { name: 'verbs (src/verbs)', rank: 6, holds: (p) => p.startsWith('src/verbs/') },
  { name: 'engines (src/engine)', rank: 5, holds: (p) => p.startsWith('src/engine/') },
  { name: 'argument grammar (src/args)', rank: 4, holds: (p) => p.startsWith('src/args/') },
  { name: 'worker threads (workers)', rank: 3, holds: (p) => p.startsWith('workers/') },
  { name: 'system calls (src/sys)', rank: 2, holds: (p) => p.startsWith('src/sys/') },
  { name: 'core vocabulary (src/core)', rank: 1, holds: (p) => p.startsWith('src/core/') },
];

function layerOf(path: string) {
  const layer = LAYERS.find((l) => l.holds(path));
  if (!layer) throw new Error(`${path} is in no layer: put it in one of ${LAYERS.map((l) => l.name).join(', ')}`);
  return layer;
}

/** 'src/verbs/send/run.ts' -> 'send'; undefined outside src/verbs. */
const verbOf = (p: string): string | undefined => (p.startsWith('src/verbs/') ? p.split('/')[2] : undefined);

test('every source file belongs to a layer', () => {
  for (const path of tree.keys()) layerOf(path);
});

test('layers import only their own layer or the layers below', () => {
  const wrong: string[] = [];
  for (const file of tree.values()) {
    const from = layerOf(file.path);
    for (const to of file.localImports) {
      if (!tree.has(to)) {
        wrong.push(`${file.path} imports ${to}, which is not a source file`);
        continue;
      }
      const target = layerOf(to);
      if (target.rank > from.rank) wrong.push(`${file.path} (${from.name}) imports ${to} (${target.name})`);
      const [a, b] = [verbOf(file.path), verbOf(to)];
      if (a && b && a !== b) wrong.push(`${file.path} imports ${to}: a verb does not import another verb (share through an engine)`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('only src/sys/ loads koffi or the libc binding', () => {
  const wrong: string[] = [];
  for (const file of tree.values()) {
    if (file.path.startsWith('src/sys/')) continue;
    if (file.packageImports.includes('koffi') || file.requires.includes('koffi')) wrong.push(`${file.path} loads koffi`);
    if (file.localImports.includes('src/sys/libc.ts')) wrong.push(`${file.path} imports src/sys/libc.ts`);
  }
  assert.deepEqual(wrong, []);
});

test('only src/engine/metrics/ loads prom-client, and the verbs reach it only dynamically (off by default)', () => {
  const wrong: string[] = [];
  for (const file of tree.values()) {
    if (file.path.startsWith('src/engine/metrics/')) continue;
    if (file.packageImports.includes('prom-client') || file.requires.includes('prom-client')) wrong.push(`${file.path} loads prom-client`);
  }
  assert.deepEqual(wrong, []);
  for (const entry of ['src/verbs/daemon/child.ts', 'src/verbs/rcv/run.ts', 'src/cli/main.ts']) {
    assert.ok(!staticClosure(entry).has('package:prom-client'), `${entry} loads prom-client statically`);
  }
});

test('nothing outside src/cli/ imports the CLI', () => {
  const wrong = [...tree.values()].flatMap((f) =>
    f.path.startsWith('src/cli/') ? [] : f.localImports.filter((t) => t.startsWith('src/cli/')).map((t) => `${f.path} imports ${t}`),
  );
  assert.deepEqual(wrong, []);
});

test('no import cycles between source files', () => {
  assert.deepEqual(findCycles(tree).map((c) => c.join(' -> ')), []);
});

test('no source file is over 400 lines', () => {
  const long = [...tree.values()].filter((f) => f.lines > 400).map((f) => `${f.path}: ${f.lines} lines`);
  assert.deepEqual(long, []);
});

test('report and the CLI start-up load neither koffi nor piscina (statically)', () => {
  for (const entry of ['src/cli/main.ts', 'src/cli/start.ts', 'src/verbs/report/run.ts']) {
    const closure = staticClosure(entry);
    const heavy = [...closure].filter((p) => p === 'package:koffi' || p === 'package:piscina' || p === 'src/sys/libc.ts');
    assert.deepEqual(heavy, [], `${entry} loads ${heavy.join(', ')}`);
  }
});
