// Builds the man pages (dist/man/*.8) from docs/man/*.8.md with marked-man,
// after tsc: the options come from the compiled option tables
// (dist/src/cli/man-markdown.js), so a page never lists an option the
// command does not have. SOURCE_DATE_EPOCH, when set, fixes the page date.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';
import markedMan from 'marked-man';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = join(root, 'docs', 'man');
const outDir = join(root, 'dist', 'man');
const { fillManPage } = await import(join(root, 'dist', 'src', 'cli', 'man-markdown.js'));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const pages = readdirSync(sourceDir).filter((name) => /\.\d\.md$/.test(name)).sort();
for (const name of pages) {
  const page = name.replace(/\.\d\.md$/, '');
  const section = name.match(/\.(\d)\.md$/)[1];
  const markdown = fillManPage(page, readFileSync(join(sourceDir, name), 'utf8'));
  // A fresh parser per page: marked-man keeps per-document state.
  const marked = new Marked(markedMan, { manVersion: `isochron ${version}`, manual: 'isochron', section });
  // marked escapes quotes in code spans as HTML entities, which marked-man
  // leaves in the roff: man would print `&#39;` in every quoted example.
  const roff = marked.parse(markdown).replace(/&(#39|quot|lt|gt|amp);/g, (_, e) => ({ '#39': "'", quot: '"', lt: '<', gt: '>', amp: '&' })[e]);
  writeFileSync(join(outDir, `${page}.${section}`), roff);
}
process.stdout.write(`build-man: ${pages.length} pages in dist/man\n`);
