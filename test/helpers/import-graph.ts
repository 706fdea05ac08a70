// The source tree's import graph, read with the TypeScript scanner (so imports
// in comments and strings do not count, and static, dynamic, type-only and
// re-export imports all do). Used by test/architecture/ to keep the layers.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './paths.js';

/** One source file: its repo-relative path, line count and imports. */
export interface SourceFile {
  /** e.g. 'src/engine/sender/plan.ts' */
  readonly path: string;
  readonly lines: number;
  /** Repo-relative .ts paths of the project files it imports. */
  readonly localImports: readonly string[];
  /** Bare package specifiers ('koffi', 'node:fs', 'piscina'). */
  readonly packageImports: readonly string[];
  /** The module names passed to createRequire()-made require() calls. */
  readonly requires: readonly string[];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(repoRoot, dir))) {
    const rel = posix.join(dir, name);
    if (statSync(join(repoRoot, rel)).isDirectory()) out.push(...walk(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every .ts file under the given repo-relative folders, with its imports. */
export function readSourceTree(folders: readonly string[]): Map<string, SourceFile> {
  const files = new Map<string, SourceFile>();
  for (const path of folders.flatMap((f) => walk(f))) {
    const text = readFileSync(join(repoRoot, path), 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const localImports: string[] = [];
    const packageImports: string[] = [];
    for (const { fileName } of info.importedFiles) {
      if (fileName.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(path), fileName)).replace(/\.js$/, '.ts');
        localImports.push(target);
      } else {
        packageImports.push(fileName);
      }
    }
    const requires = [...text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
    files.set(path, { path, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), localImports, packageImports, requires });
  }
  return files;
}

/** The import cycles of the graph, each as a list of paths (first repeated last). */
export function findCycles(files: Map<string, SourceFile>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (p: string): void => {
    state.set(p, 'open');
    stack.push(p);
    for (const q of files.get(p)?.localImports ?? []) {
      if (!files.has(q)) continue;
      const s = state.get(q);
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(q)), q]);
      else if (s === undefined) visit(q);
    }
    stack.pop();
    state.set(p, 'done');
  };
  for (const p of [...files.keys()].sort()) if (!state.has(p)) visit(p);
  return cycles;
}

/** Every file reachable from `entry` through static (non-dynamic) imports. */
export function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (p: string): void => {
    if (seen.has(p)) return;
    seen.add(p);
    const text = readFileSync(join(repoRoot, p), 'utf8');
    const sf = ts.createSourceFile(p, text, ts.ScriptTarget.ES2022, false);
    for (const st of sf.statements) {
      if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
        // Type-only imports are erased: they load nothing at run time.
        if (ts.isImportDeclaration(st) && st.importClause?.isTypeOnly) continue;
        if (ts.isExportDeclaration(st) && st.isTypeOnly) continue;
        const spec = st.moduleSpecifier.text;
        if (spec.startsWith('.')) visit(posix.normalize(posix.join(posix.dirname(p), spec)).replace(/\.js$/, '.ts'));
        else packages.add(spec);
      }
    }
  };
  visit(entry);
  for (const pkg of packages) seen.add(`package:${pkg}`);
  return seen;
}

export { dirname, relative };
