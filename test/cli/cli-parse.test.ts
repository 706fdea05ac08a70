// The command line in-process: the C scanner's quirks, each verb's typed
// options, defaults and pre-system checks, top-level dispatch and argv[0],
// and a property test that no argv makes the parser throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAEMON_EXTENSION_LINES, ORCHESTRATE_EXTENSION_LINES, RCV_EXTENSION_LINES, REPORT_EXTENSION_LINES, SEND_EXTENSION_LINES, withOurLines } from '../helpers/cli.js';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { topLevelUsage } from '../../src/args/parse.js';
import { planCommandLine, parseVerbArgs, type Plan } from '../../src/cli/command-line.js';
import { scanArgs } from '../../src/args/scan.js';
import { collectWithSade } from '../../src/args/sade-program.js';
import { programNameFrom } from '../../src/cli/program-name.js';
import { packageVersion } from '../../src/cli/version.js';
import { VERB_SPECS } from '../../src/cli/verbs.js';
import { VERB_NAMES, isVerbName } from '../../src/args/verb-names.js';
import { renderUsage, HELP_OPTION } from '../../src/args/spec.js';
import { formatMac } from '../../src/core/mac.js';
import { IsochronError } from '../../src/core/errors.js';
import type { SendOptions } from '../../src/engine/sender/options.js';

const ctx = { version: '9.9.9-test' };
const noClock = (): bigint => {
  throw new Error('clock read for an absolute time');
};

function exitOf(plan: Plan): { stderr: string; status: number } {
  assert.equal(plan.kind, 'exit', `expected an exit plan, got ${JSON.stringify(plan, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return plan.kind === 'exit' ? { stderr: plan.stderr, status: plan.status } : { stderr: '', status: -1 };
}

function send(args: string[]): SendOptions {
  const r = parseVerbArgs('send', args, noClock);
  assert.equal(r.kind, 'options');
  return (r as { options: SendOptions }).options;
}

function sendError(args: string[]): { stderr: string; status: number } {
  return exitOf(planCommandLine('isochron', ['send', ...args], ctx));
}

const BASE = ['-i', 'eth0', '-c', '0.001', '-s', '64', '--omit-sync', '-n', '10', '--dmac', '02:00:00:00:0b:02'];

test('top level: usage, version, unknown verb, exact argv[0] dispatch', () => {
  assert.deepEqual(exitOf(planCommandLine('isochron', [], ctx)), { stderr: topLevelUsage(), status: 22 });
  assert.deepEqual(exitOf(planCommandLine('isochron-report', [], ctx)), { stderr: topLevelUsage(), status: 22 });
  assert.deepEqual(exitOf(planCommandLine('isochron', ['-h'], ctx)), { stderr: topLevelUsage(), status: 22 });
  assert.deepEqual(exitOf(planCommandLine('isochron', ['--version'], ctx)), { stderr: '9.9.9-test\n', status: 22 });
  assert.deepEqual(exitOf(planCommandLine('/opt/isochron', ['x'], ctx)), {
    stderr: withOurLines('/opt/isochron: unknown function x, expected one of "daemon", "orchestrate", "send", "rcv", "report", \n'),
    status: 22,
  });
  assert.equal(exitOf(planCommandLine('isochron-rcv', ['--help'], ctx)).stderr, withOurLines(renderUsage(VERB_SPECS.rcv)));
  assert.equal(exitOf(planCommandLine('/usr/bin/isochron-rcv', ['--help'], ctx)).stderr, topLevelUsage());
  assert.deepEqual(exitOf(planCommandLine('isochron-report', ['report'], ctx)), {
    stderr: withOurLines('Unrecognized option report\nargument parsing failed: Invalid argument\n', 'report'),
    status: 234,
  });
  // With an isochron-VERB name, "-V" is just an unknown option of the verb.
  assert.equal(exitOf(planCommandLine('isochron-daemon', ['-V'], ctx)).status, 234);
  const run = planCommandLine('isochron', ['daemon'], ctx);
  assert.equal(run.kind, 'run');
});

test('every verb prints its C usage for -h, even with mandatory options missing', () => {
  for (const verb of VERB_NAMES) {
    const { stderr, status } = exitOf(planCommandLine('isochron', [verb, '-h'], ctx));
    assert.equal(status, 255);
    assert.ok(stderr.startsWith(`isochron-${verb} usage:\n-h|--help: Help text (optional)\n`), stderr);
  }
  // C's options first (so its usage is a prefix of ours), then our own.
  assert.ok(renderUsage(VERB_SPECS.send).endsWith(`-M|--cpu-mask: Unsigned integer (optional)\n-Y|--omit-hwts: Boolean (optional)\n${SEND_EXTENSION_LINES}`));
  assert.ok(renderUsage(VERB_SPECS.orchestrate).endsWith(`-F|--input-file: File path\n${ORCHESTRATE_EXTENSION_LINES}`));
  assert.ok(renderUsage(VERB_SPECS.daemon).endsWith(`-S|--stats-address: IP address (optional)\n${DAEMON_EXTENSION_LINES}`));
  assert.ok(renderUsage(VERB_SPECS.rcv).endsWith(`-Y|--omit-hwts: Boolean (optional)\n${RCV_EXTENSION_LINES}`));
  assert.ok(renderUsage(VERB_SPECS.report).endsWith(`-a|--printf-args: String (optional)\n${REPORT_EXTENSION_LINES}`));
  assert.ok(isVerbName('rcv') && !isVerbName('Rcv'));
});

test('scanner: exact names only, value always taken, "=" splits, errors in argv order', () => {
  // The next argument is the value whatever it looks like.
  assert.equal(send([...BASE, '-i', '-x']).interface, '-x');
  assert.equal(send([...BASE, '--interface=a=b']).interface, 'a=b');
  assert.equal(send([...BASE, '-i=']).interface, '');
  // Booleans ignore an "=value"; --no-ts is an option name, not a negation.
  assert.equal(send([...BASE, '--quiet=no']).quiet, true);
  assert.equal(send([...BASE, '--no-ts']).timestamping, false);
  assert.equal(send([...BASE, '-T', '-n', '0']).numFrames, 0n);
  const unknown = (args: string[], arg: string) =>
    assert.deepEqual(sendError(args), { stderr: withOurLines(`Unrecognized option ${arg}\nargument parsing failed: Invalid argument\n`, 'send'), status: 234 });
  unknown([...BASE, '-qo'], '-qo'); // no gluing
  unknown([...BASE, '--inter', 'x'], '--inter'); // no prefixes
  unknown([...BASE, '--bogus=1'], '--bogus');
  unknown([...BASE, '--'], '--');
  unknown([...BASE, ''], '');
  unknown([...BASE, 'positional'], 'positional');
  unknown([...BASE, '--ts'], '--ts');
  assert.deepEqual(sendError(['-c']), { stderr: 'Value expected after -c\nargument parsing failed: Invalid argument\n', status: 234 });
  // The first problem in argv order wins, before the mandatory check.
  assert.equal(sendError(['-i', 'a'.repeat(15), '--bogus']).status, 222);
  assert.equal(sendError(['--bogus', '-i', 'a'.repeat(15)]).status, 234);
  assert.equal(sendError(['--help', '--bogus']).status, 234);
  assert.equal(sendError(['--help', '-c']).stderr, 'Value expected after -c\nargument parsing failed: Invalid argument\n');
  // Mandatory options in table order: interface, cycle time, frame size.
  assert.equal(sendError(['-s', '1']).stderr, 'Please specify --interface\nargument parsing failed: Invalid argument\n');
  assert.equal(sendError(['-i', 'x', '-s', '1']).stderr, 'Please specify --cycle-time\nargument parsing failed: Invalid argument\n');
  assert.equal(sendError(['-i', 'x', '-c', '1']).stderr, 'Please specify --frame-size\nargument parsing failed: Invalid argument\n');
  // A repeated option is converted every time: a bad earlier value still fails.
  assert.equal(sendError([...BASE, '--dmac', 'zz', '--dmac', '1:2:3:4:5:6']).status, 229);
});

test('repeated options: the last wins, an IP keeps an earlier %device', () => {
  const o = send([...BASE, '-s', '100', '--priority', '3', '--priority', '0x7', '--client', '10.0.0.1%vxa', '--client', '10.0.0.2']);
  assert.equal(o.frameSize, 100n);
  assert.equal(o.priority, 7n);
  assert.deepEqual(o.client, { family: 4, address: '10.0.0.2', bytes: Buffer.from([10, 0, 0, 2]), device: 'vxa' });
  const p = send([...BASE, '--client', '::1']);
  assert.equal(p.client?.device, undefined);
});

test('send: defaults as in the C tool', () => {
  const o = send(BASE);
  assert.equal(o.interface, 'eth0');
  assert.equal(o.cycleTime, 1_000_000n);
  assert.equal(o.advanceTime, 1_000_000n); // = cycle time
  assert.equal(o.windowSize, 0n);
  assert.equal(o.statsPort, 5000n);
  assert.equal(o.dataPort, 6000n);
  assert.equal(o.etype, 0xdeadn);
  assert.equal(o.unixDomainSocket, '/var/run/ptp4l');
  assert.equal(o.numReadings, 5n);
  assert.equal(o.outputFile, 'isochron.dat');
  assert.equal(o.transport, 'l2');
  assert.equal(o.vid, null);
  assert.equal(o.utcTaiOffset, null);
  assert.equal(o.syncThreshold, null);
  assert.equal(o.sourceMac, null);
  assert.equal(formatMac(o.destinationMac as Buffer), '02:00:00:00:0b:02');
  assert.equal(o.timestamping, true);
  assert.equal(o.client, null);
  assert.equal(o.omitHwts, false);
  const w = send([...BASE, '--window-size', '0.0003', '-U', '', '-e', '0', '-P', '0', '-R', '0', '-X', '100', '-O', '37', '-v', '5']);
  assert.equal(w.advanceTime, 700_000n); // cycle - window
  assert.equal(w.unixDomainSocket, ''); // send presets, so "" overrides
  assert.equal(w.etype, 0n);
  assert.equal(w.statsPort, 0n);
  assert.equal(w.numReadings, 0n);
  assert.equal(w.syncThreshold, 100n);
  assert.equal(w.utcTaiOffset, 37n);
  assert.equal(w.vid, 5n);
  const all = send([
    ...BASE, '-Y', '-y', '-m', '-x', '-D', '-f', '-H', '50', '-M', '0x3', '-N', '1', '-t', '2', '-W', '7000',
    '-A', '02:00:00:00:0a:01', '-b', '1.5', '-S', '0.0001', '-a', '0.0002', '-q', '-2', '-F', 'o.dat', '-C', '10.0.0.2',
  ]);
  assert.equal(all.omitHwts && all.omitRemoteSync && all.tracemark && all.txtime && all.deadline && all.schedFifo && all.quiet, true);
  assert.equal(all.schedPriority, 50n);
  assert.equal(all.cpuMask, 3n);
  assert.equal(all.domainNumber, 1n);
  assert.equal(all.transportSpecific, 2n);
  assert.equal(all.dataPort, 7000n);
  assert.equal(formatMac(all.sourceMac as Buffer), '02:00:00:00:0a:01');
  assert.equal(all.baseTime, 1_500_000_000n);
  assert.equal(all.shiftTime, 100_000n);
  assert.equal(all.advanceTime, 200_000n);
  assert.equal(all.outputFile, 'o.dat');
  assert.equal(all.transport, 'l2');
  const l4 = send(['-i', 'x', '-c', '0.001', '-s', '128', '-o', '-n', '1', '-4', '-J', '10.199.0.2', '-C', '10.199.0.2']);
  assert.equal(l4.transport, 'l4');
  assert.equal(l4.ipDestination?.address, '10.199.0.2');
  assert.equal(l4.destinationMac, null);
});

test('send: the C checks before touching the system, in C order', () => {
  const table: [string[], string][] = [
    [['-a', '0.002'], 'Advance time cannot be higher than cycle time'],
    [['-S', '0.002'], 'Shift time cannot be higher than cycle time'],
    [['-w', '0.002', '-a', '0.0001'], 'Window size cannot be higher than cycle time'],
    [['-x', '-Q'], 'Cannot enable txtime and taprio mode at the same time'],
    [['-D'], 'Deadline mode supported only with txtime'],
    [['-f', '-r'], 'cannot have SCHED_FIFO and SCHED_RR at the same time'],
    [['-s', '10001'], 'Frame size cannot exceed 10000 octets'],
    [['-F', 'x.dat'], '--client is mandatory when --output-file is used'],
    [['-4'], '--ip-destination is mandatory with --l4'],
    [['-J', '10.0.0.1'], '--ip-destination provided, but --l4 not specified'],
    [['-2', '-4', '-J', '10.0.0.1'], 'Choose transport as either L2 or L4!'],
    [['-4', '-J', '10.0.0.1', '-v', '3'], 'Cannot insert VLAN header over IP socket'],
    [['-n', 'ten'], 'cannot take timestamps if running indefinitely'],
    [['-n', '0'], 'cannot take timestamps if running indefinitely'],
  ];
  for (const [extra, message] of table) {
    assert.deepEqual(sendError([...BASE, ...extra]), { stderr: `${message}\n`, status: 234 }, extra.join(' '));
  }
  const noSync = BASE.filter((a) => a !== '--omit-sync');
  assert.deepEqual(sendError(noSync), { stderr: '--sync-threshold is mandatory unless --omit-sync is used\n', status: 234 });
  assert.deepEqual(sendError([...noSync, '-X', '-1']).status, 234);
  const noMac = BASE.slice(0, 9);
  assert.deepEqual(sendError(noMac), { stderr: 'Please specify destination MAC address\n', status: 234 });
  assert.deepEqual(sendError([...noMac, '--dmac', '0:0:0:0:0:0']).stderr, 'Please specify destination MAC address\n');
  // The advance-time default is applied before the comparison: 0 means default.
  assert.equal(send([...BASE, '-a', '0']).advanceTime, 1_000_000n);
  // An empty --output-file is no output file at all.
  assert.equal(send([...BASE, '-F', '']).outputFile, 'isochron.dat');
});

test('send: relative base time reads the clock once per occurrence', () => {
  let reads = 0;
  const r = parseVerbArgs('send', [...BASE, '-b', '+1'], () => {
    reads++;
    return 1000n;
  });
  assert.equal(r.kind, 'options');
  assert.equal((r as { options: SendOptions }).options.baseTime, 1001n);
  assert.ok(reads >= 1);
});

test('rcv: defaults applied after parsing, so 0 and "" mean default', () => {
  const r = parseVerbArgs('rcv', ['-i', 'vxb', '-e', '0', '-P', '0', '-R', '0', '-U', ''], noClock);
  assert.equal(r.kind, 'options');
  const o = (r as { options: import('../../src/verbs/rcv/options.js').RcvOptions }).options;
  assert.equal(o.etype, 0xdeadn);
  assert.equal(o.statsPort, 5000n);
  assert.equal(o.numReadings, 5n);
  assert.equal(o.unixDomainSocket, '/var/run/ptp4l');
  assert.equal(o.l2, true);
  assert.equal(o.l4, false);
  assert.equal(o.dataPort, 6000n);
  assert.equal(o.destinationMac, null);
  assert.equal(o.utcTaiOffset, null);
  const both = parseVerbArgs('rcv', ['-i', 'vxb', '-2', '-4', '-Y', '-q', '-S', '10.0.0.1', '-P', '5029', '-O', '0', '-d', '1:2:3:4:5:6', '-e', '0x88f7', '-f', '-H', '1', '-N', '3', '-t', '1', '-R', '9', '-U', '/tmp/p'], noClock);
  const b = (both as { options: import('../../src/verbs/rcv/options.js').RcvOptions }).options;
  assert.equal(b.l2 && b.l4 && b.omitHwts && b.quiet && b.schedFifo, true);
  assert.equal(b.statsAddress?.address, '10.0.0.1');
  assert.equal(b.statsPort, 5029n);
  assert.equal(b.utcTaiOffset, 0n);
  assert.equal(formatMac(b.destinationMac as Buffer), '01:02:03:04:05:06');
  assert.equal(b.etype, 0x88f7n);
  assert.equal(b.numReadings, 9n);
  assert.equal(b.unixDomainSocket, '/tmp/p');
  const l4only = parseVerbArgs('rcv', ['-i', 'x', '--l4'], noClock) as { options: { l2: boolean; l4: boolean } };
  assert.deepEqual([l4only.options.l2, l4only.options.l4], [false, true]);
  assert.deepEqual(exitOf(planCommandLine('isochron', ['rcv', '-i', 'x', '-f', '-r'], ctx)), {
    stderr: 'cannot have SCHED_FIFO and SCHED_RR at the same time\n',
    status: 234,
  });
});

test('daemon: optional files, stats port 0 means 5000', () => {
  const d = parseVerbArgs('daemon', [], noClock) as { options: import('../../src/verbs/daemon/options.js').DaemonOptions };
  assert.deepEqual(d.options, { pidFile: null, logFile: null, statsPort: 5000n, statsAddress: null, metricsPort: 0n, metricsAddress: null });
  const e = parseVerbArgs('daemon', ['-p', 'd.pid', '-l', 'd.log', '-P', '5040', '-S', '127.0.0.1'], noClock) as {
    options: import('../../src/verbs/daemon/options.js').DaemonOptions;
  };
  assert.equal(e.options.pidFile, 'd.pid');
  assert.equal(e.options.logFile, 'd.log');
  assert.equal(e.options.statsPort, 5040n);
  assert.equal(e.options.statsAddress?.family, 4);
  assert.equal(exitOf(planCommandLine('isochron', ['daemon', '-p', 'x'.repeat(4095)], ctx)).status, 222);
});

test('orchestrate: the input file is opened and mapped first, like C', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isochron-cli-'));
  try {
    const ini = join(dir, 'o.ini');
    writeFileSync(ini, '[A]\nhost = 127.0.0.1\n');
    const empty = join(dir, 'empty.ini');
    writeFileSync(empty, '');
    mkdirSync(join(dir, 'sub'));
    const ok = planCommandLine('isochron', ['orchestrate', '-F', ini], ctx);
    assert.equal(ok.kind, 'run');
    assert.deepEqual(ok.kind === 'run' ? ok.options : null, { inputFile: ini, noProgress: false });
    const fail = (path: string) => exitOf(planCommandLine('isochron', ['orchestrate', '--input-file', path], ctx));
    // The C line, then our hint with the stable code (docs/errors.md).
    assert.deepEqual(fail(join(dir, 'none.ini')), {
      stderr: `open: No such file or directory\nhint: ${join(dir, 'none.ini')} does not exist: check the path (relative paths start at the current directory) (ISOCHRON_ERR_CLI_INPUT_FILE)\n`,
      status: 234,
    });
    assert.deepEqual(fail(join(dir, 'sub')), {
      stderr: 'mmap: No such device\nhint: that path is a directory: give a file name (ISOCHRON_ERR_CLI_INPUT_FILE)\n',
      status: 234,
    });
    assert.deepEqual(fail(empty), { stderr: 'mmap: Invalid argument\n', status: 234 });
    assert.deepEqual(fail(join(ini, 'x')), { stderr: 'open: Not a directory\n', status: 234 });
    assert.equal(fail('x'.repeat(300)).stderr, 'open: File name too long\n');
    assert.deepEqual(exitOf(planCommandLine('isochron', ['orchestrate'], ctx)), {
      stderr: 'Please specify --input-file\nargument parsing failed: Invalid argument\n',
      status: 234,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report: ReportOptions with C defaults and strtoul start/stop', () => {
  const opts = (args: string[]) => {
    const plan = planCommandLine('isochron', ['report', ...args], ctx);
    assert.equal(plan.kind, 'run');
    return plan.kind === 'run' ? plan.options : null;
  };
  assert.deepEqual(opts([]), { inputFile: 'isochron.dat', summary: false, start: 0, stop: 0 });
  assert.deepEqual(opts(['-F', '', '-f', '', '-a', '']), { inputFile: 'isochron.dat', summary: false, start: 0, stop: 0 });
  assert.deepEqual(opts(['-F', 'x.dat', '-m', '-s', '0x10', '-S', '12x', '-f', '%d\\n', '-a', 'q']), {
    inputFile: 'x.dat',
    summary: true,
    start: 16,
    stop: 12,
    printfFormat: '%d\\n',
    printfArgs: 'q',
  });
  assert.equal(opts(['-s', '-1'])?.['start' as never], 18446744073709551615);
  assert.equal(opts(['--start', 'abc'])?.['start' as never], 0);
  assert.equal(exitOf(planCommandLine('isochron', ['report', '-a', 'x'.repeat(255)], ctx)).status, 222);
  assert.equal(exitOf(planCommandLine('isochron', ['report', '-f', 'x'.repeat(4095)], ctx)).status, 222);
});

test('sade stays strict: a key it was not told about throws instead of exiting', () => {
  const stray = { spec: { ...HELP_OPTION, key: 'stray', long: '--stray' }, text: undefined };
  assert.throws(
    () => collectWithSade(VERB_SPECS, 'daemon', [stray]),
    (err: unknown) => err instanceof IsochronError && err.code === 'ISOCHRON_ERR_CLI_UNKNOWN_OPTION',
  );
  // Values that mri would coerce, negate or read as flags come back verbatim.
  const scanned = scanArgs(VERB_SPECS.send, ['-i', '-5', '-c', '1', '-s', '1', '--no-ts', '-p', '007', '-U', '=x', '-F', ''], noClock);
  const collected = collectWithSade(VERB_SPECS, 'send', scanned.occurrences);
  assert.deepEqual(collected.get('interface'), ['-5']);
  assert.deepEqual(collected.get('noTs'), [true]);
  assert.deepEqual(collected.get('priority'), ['007']);
  assert.deepEqual(collected.get('unixDomainSocket'), ['=x']);
  assert.deepEqual(collected.get('outputFile'), ['']);
});

test('argv[0]: the exec name when the launcher kept it, else the script name', () => {
  const exec = '/usr/bin/node';
  assert.equal(programNameFrom('isochron-send', exec, '/x/bin/isochron.js'), 'isochron-send');
  assert.equal(programNameFrom('/usr/local/bin/isochron-report', exec, '/x/bin/isochron.js'), '/usr/local/bin/isochron-report');
  assert.equal(programNameFrom('node', exec, '/usr/local/bin/isochron-report'), 'isochron-report');
  assert.equal(programNameFrom(exec, exec, '/x/bin/isochron.js'), 'isochron');
  assert.equal(programNameFrom('nodejs', exec, '/x/bin/isochron.js'), 'isochron');
  assert.equal(programNameFrom('', exec, undefined), 'isochron');
  assert.match(packageVersion(), /^\d+\.\d+\.\d+/);
});

const optionNames = VERB_NAMES.flatMap((v) => VERB_SPECS[v].options.flatMap((o) => [o.short, o.long, `${o.long}=`]));
const argWord = fc.oneof(
  fc.constantFrom(...optionNames, ...VERB_NAMES, '-V', '--version', '-h', '--help', '--', '-', ''),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('0x', '1.2.3', '-1', '10.0.0.300', 'fe80::1%', '::1%vxa', '01:02:03:04:05', '+1', '99999999999999999999', '1.1234567890'),
);

test('property: no argv makes the command-line parser throw', () => {
  fc.assert(
    fc.property(fc.constantFrom('isochron', 'isochron-send', 'isochron-rcv', 'isochron-report', 'isochron-daemon', '/x/isochron-send'), fc.array(argWord, { maxLength: 14 }), (argv0, args) => {
      const plan = planCommandLine(argv0, args, { version: '1.0.0', nowTai: () => 0n });
      if (plan.kind === 'exit') {
        assert.ok(plan.stderr.endsWith('\n'));
        assert.ok(plan.status > 0 && plan.status < 256);
      } else {
        assert.ok((VERB_NAMES as readonly string[]).includes(plan.verb) || plan.verb === 'doctor');
      }
    }),
    { numRuns: 3000 },
  );
});
