// Regenerates docs/report-plot.svg, the plot the README shows: `isochron
// report --plot` of a real run recorded from the C tool (1000 packets at
// 500 us over veth, software timestamps), from the shared vectors beside the
// clone (../shared/vectors) or ISOCHRON_VECTORS. Run after `npm run build`:
//   node scripts/plot-readme.mjs
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vectors = process.env.ISOCHRON_VECTORS ? resolve(process.env.ISOCHRON_VECTORS) : resolve(root, '..', 'shared', 'vectors');
const out = join(root, 'docs', 'report-plot.svg');
// Run from the vectors folder so the plot names the file by its path there, the same on every machine.
const r = spawnSync(process.execPath, [join(root, 'bin', 'isochron.js'), 'report', '-F', 'dat/real_l2_1500b_500us_1000.dat', '--plot', out],
  { cwd: vectors, stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write(`plot-readme: report exited with ${r.status ?? r.signal}\n`);
  process.exit(1);
}
process.stdout.write(`wrote ${out}\n`);
