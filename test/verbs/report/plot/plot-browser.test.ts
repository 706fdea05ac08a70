// The --plot files in a real browser: headless Chromium (Debian's
// `chromium`, installed by .ci/run) driven by puppeteer-core opens the HTML
// page and the SVG from file:// and the test checks that every metric's
// chart is there and drawn, that nothing was logged to the console or
// thrown, and that the page asked the network for nothing. Skipped with a
// message when there is no chromium outside CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { runCli } from '../../../helpers/cli.js';
import { vectorsDir } from '../../../helpers/paths.js';

const CHROMIUM = process.env.ISOCHRON_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false
  : process.env.CI ? false // CI installs it: fail there rather than pass without a browser
    : `no ${CHROMIUM} (apt-get install chromium, or set ISOCHRON_CHROMIUM)`;

const dir = mkdtempSync(join(tmpdir(), 'isochron-plot-browser-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

interface Seen {
  console: string[];
  errors: string[];
  requests: string[];
}

test('the HTML page and the SVG load in Chromium: charts drawn, console clean, no network request', { skip, timeout: 180_000 }, async () => {
  if (skip) return;
  const file = join(vectorsDir, 'dat', 'synth_lost_40.dat');
  const html = join(dir, 'page.html');
  const svg = join(dir, 'plot.svg');
  for (const out of [html, svg]) {
    const r = await runCli(['report', '-F', file, '--plot', out]);
    assert.equal(r.status, 0, r.stderr.toString());
  }
  const { default: puppeteer } = await import('puppeteer-core');
  // We run as root: Chromium's sandbox needs an unprivileged user.
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  try {
    const open = async (url: string): Promise<{ page: import('puppeteer-core').Page; seen: Seen }> => {
      const page = await browser.newPage();
      const seen: Seen = { console: [], errors: [], requests: [] };
      page.on('console', (m) => seen.console.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => seen.errors.push(String(e)));
      page.on('requestfailed', (r) => seen.errors.push(`request failed: ${r.url()}`));
      page.on('request', (r) => seen.requests.push(r.url()));
      await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
      return { page, seen };
    };

    const pageUrl = pathToFileURL(html).href;
    const { page, seen } = await open(pageUrl);
    const charts = await page.$$eval('section', (sections) => sections.map((s) => {
      const svgEl = s.querySelector('svg');
      const box = svgEl?.getBoundingClientRect();
      return {
        id: s.id,
        paths: svgEl ? svgEl.querySelectorAll('path').length : 0,
        texts: svgEl ? [...svgEl.querySelectorAll('text')].map((t) => t.textContent ?? '') : [],
        width: box?.width ?? 0,
        height: box?.height ?? 0,
      };
    }));
    assert.deepEqual(charts.map((c) => c.id), ['path-delay', 'wakeup-to-tx-timestamp', 'rx-deadline-delta', 'latency-budget',
      'sender-latency', 'wakeup-latency', 'driver-latency', 'arrival-latency']);
    for (const c of charts) {
      assert.ok(c.paths > 20, `${c.id}: ${c.paths} paths drawn`);
      assert.ok(c.texts.includes(`${c.id} (ns)`), `${c.id}: titled`);
      assert.ok(c.width >= 900 && c.height >= 500, `${c.id}: laid out ${c.width}x${c.height}`);
    }
    const tables = await page.$$eval('table', (t) => t.length);
    assert.equal(tables, 2);
    assert.deepEqual(seen.console, [], 'console');
    assert.deepEqual(seen.errors, [], 'errors');
    assert.deepEqual(seen.requests.filter((u) => u !== pageUrl), [], 'only the page itself was requested');

    const svgUrl = pathToFileURL(svg).href;
    const s = await open(svgUrl);
    const root = await s.page.$eval(':root', (el) => ({
      tag: el.tagName,
      errors: el.ownerDocument.getElementsByTagName('parsererror').length,
      paths: el.querySelectorAll('path').length,
    }));
    assert.deepEqual({ tag: root.tag, errors: root.errors }, { tag: 'svg', errors: 0 });
    assert.ok(root.paths > 20);
    assert.deepEqual(s.seen.console, []);
    assert.deepEqual(s.seen.errors, []);
    assert.deepEqual(s.seen.requests.filter((u) => u !== svgUrl), []);
  } finally {
    await browser.close();
  }
});
