// The help that teaches and the extensions to the C grammar (docs/cli.md,
// "Extensions"): `isochron help [VERB]`, `VERB --help` (C lines first, ours
// after), did-you-mean lines, `version` / `VERB --version` on stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { planExtension, topLevelHelpTail } from '../../src/cli/extensions.js';
import { VERB_SPECS } from '../../src/cli/verbs.js';
import { VERB_SUMMARIES } from '../../src/cli/verb-summaries.js';
import { VERB_NAMES } from '../../src/args/verb-names.js';
import { renderUsage } from '../../src/args/spec.js';
import { optionSynopsis, renderVerbHelp, wrapText } from '../../src/args/option-help.js';
import { closest, editDistance } from '../../src/args/suggest.js';
import { topLevelUsage } from '../../src/args/parse.js';
import { packageVersion } from '../../src/cli/version.js';

const version = packageVersion();

/** One option's block in a help text: from its synopsis line to the next option's. */
function block(help: string, synopsis: string): string {
  const start = help.indexOf(`\n  ${synopsis}\n`);
  assert.ok(start >= 0, `no block for ${synopsis}`);
  const next = help.indexOf('\n  -', start + 1);
  return help.slice(start, next < 0 ? undefined : next);
}

test('isochron help VERB: the C usage lines first, then every option with its meaning and facts, on stdout, status 0', async () => {
  for (const verb of VERB_NAMES) {
    const spec = VERB_SPECS[verb];
    const out = await planExtension('isochron', ['help', verb], version);
    assert.equal(out?.status, 0);
    assert.equal(out?.stderr, undefined);
    const help = out?.stdout ?? '';
    assert.ok(help.startsWith(renderUsage(spec)), `${verb}: the C usage lines come first, unchanged`);
    assert.equal(help, renderVerbHelp(spec));
    for (const o of spec.options) {
      const text = block(help, optionSynopsis(o)).replace(/\s+/g, ' ');
      assert.ok(text.includes(o.doc!.meaning), `${verb} ${o.long}: meaning`);
      if (!o.optional) assert.match(text, /Required/, `${verb} ${o.long}: mandatory`);
      if (o.doc?.default) assert.ok(text.includes(`Default: ${o.doc.default}`), `${verb} ${o.long}: default`);
      if (o.doc?.example) assert.ok(text.includes(`Example: ${o.doc.example}`), `${verb} ${o.long}: example`);
    }
  }
});

test('the send help says what the C usage cannot: units, defaults, and --sync-threshold required unless --omit-sync', async () => {
  const help = (await planExtension('isochron', ['help', 'send'], version))?.stdout ?? '';
  const sync = block(help, '-X, --sync-threshold NUMBER');
  assert.match(sync, /Required unless --omit-sync/);
  assert.match(sync, /Unit: ns/);
  const cycle = block(help, '-c, --cycle-time SEC.NSEC').replace(/\s+/g, ' ');
  assert.match(cycle, /Required/);
  assert.match(cycle, /a number without a dot is nanoseconds/);
  assert.match(block(help, '-P, --stats-port NUMBER'), /Default: 5000/);
  assert.match(block(help, '-i, --interface IFACE'), /Example: --interface eth0/);
  // Lines fit a terminal, except an example, which stays whole to be copied.
  for (const line of help.split('\n')) {
    if (!line.trimStart().startsWith('Example:') && !line.includes('|--')) assert.ok(line.length <= 110, line);
  }
});

test('VERB --help through the real CLI: stderr, status 255, the same text as `help VERB`; help on stdout, status 0', async () => {
  const viaOption = await runCli(['rcv', '--help']);
  assert.equal(viaOption.status, 255);
  assert.equal(viaOption.stdout.length, 0);
  assert.equal(viaOption.stderr.toString(), renderVerbHelp(VERB_SPECS.rcv));
  const viaVerb = await runCli(['help', 'rcv']);
  assert.equal(viaVerb.status, 0);
  assert.equal(viaVerb.stderr.length, 0);
  assert.equal(viaVerb.stdout.toString(), renderVerbHelp(VERB_SPECS.rcv));
  const top = await runCli(['help']);
  assert.equal(top.status, 0);
  assert.equal(top.stdout.toString(), topLevelUsage() + topLevelHelpTail());
  for (const verb of VERB_NAMES) {
    assert.ok(VERB_SUMMARIES[verb], `${verb} has a one-line summary`);
    assert.ok(top.stdout.toString().includes(VERB_SUMMARIES[verb]!), verb);
  }
  const bad = await runCli(['help', 'sned']);
  assert.equal(bad.status, 22);
  assert.match(bad.stderr.toString(), /unknown function sned, expected one of .*\nDid you mean "send"\? Run "isochron help" to see every verb\.\n$/);
});

test('unknown options and verbs: the C message first, then the closest real spelling and where to look', async () => {
  const option = await runCli(['send', '--cycle-tme', '0.001']);
  assert.equal(option.status, 234);
  assert.equal(
    option.stderr.toString(),
    'Unrecognized option --cycle-tme\nargument parsing failed: Invalid argument\n' +
      'Did you mean --cycle-time? Run "isochron send --help" to see every option and what it means.\n',
  );
  const far = await runCli(['report', '--no-such-option']);
  assert.equal(far.stderr.toString().split('\n')[2], 'Run "isochron report --help" to see every option and what it means.');
  const verb = await runCli(['rvc']);
  assert.equal(verb.status, 22);
  assert.match(verb.stderr.toString(), /\nDid you mean "rcv"\?/);
  const link = await runCli(['--interfce', 'eth0'], { argv0: 'isochron-rcv' });
  assert.match(link.stderr.toString(), /\nDid you mean --interface\? Run "isochron rcv --help"/);
});

test('closest(): plausible slips only', () => {
  assert.equal(editDistance('cycel', 'cycle'), 1, 'a swap of neighbours is one edit');
  assert.equal(closest('--Interface', ['--interface']), '--interface');
  assert.equal(closest('-z', ['-h', '-Z']), '-Z', 'case differs');
  assert.equal(closest('-j', ['-h', '-i']), undefined, 'one letter off a one-letter option is no slip');
  assert.equal(closest('--stats-prot', ['--stats-port', '--stats-address']), '--stats-port');
  assert.equal(closest('--bogus', ['--base-time', '--vid', '--dmac']), undefined);
  assert.equal(closest('hlep', ['send', 'help']), 'help');
  assert.equal(closest('bogus', ['daemon', 'orchestrate', 'send', 'rcv', 'report']), undefined);
});

test('version: `isochron version` and `VERB --version` print ours on stdout with status 0; -V/--version stay the C tool\'s', async () => {
  for (const [args, argv0] of [[['version']], [['report', '--version']], [['--version'], 'isochron-send']] as [string[], string?][]) {
    const res = await runCli(args, argv0 ? { argv0 } : {});
    assert.equal(res.status, 0, args.join(' '));
    assert.equal(res.stdout.toString(), `${version}\n`);
    assert.equal(res.stderr.length, 0);
  }
  const c = await runCli(['--version']);
  assert.equal(c.status, 22, 'recorded C behaviour');
  assert.equal(c.stderr.toString(), `${version}\n`);
  // --version among other options is not ours: the C grammar reads it.
  const mixed = await runCli(['report', '--summary', '--version']);
  assert.equal(mixed.status, 234);
});

test('wrapText keeps words whole and lines within the width', () => {
  const lines = wrapText('a '.repeat(100) + 'averyveryverylongword', '    ', 30);
  assert.ok(lines.every((l) => l.length <= 30 || !l.trim().includes(' ')));
  assert.equal(lines.join(' ').replace(/\s+/g, ' ').trim(), ('a '.repeat(100) + 'averyveryverylongword').trim());
});
