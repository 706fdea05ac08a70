// Our stricter reading of values (src/args/values/strict.ts), per kind of
// option, through the real grammar (parseVerbArgs of the CLI's verb table):
// what is refused (option, value, expected form), what keeps the C reading
// because the recorded C cases pin it, and the time units we accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVerbArgs } from '../../src/cli/command-line.js';
import { isIsochronError } from '../../src/core/errors.js';
import { errorText } from '../../src/core/hints.js';
import { timeWithUnit } from '../../src/args/values/time-units.js';
import { checkCpuMask } from '../../src/verbs/send/host-checks.js';

const BASE = ['-i', 'lo', '-c', '0.001', '-s', '64', '-n', '10', '--omit-sync', '--dmac', '02:00:00:00:0b:02'];
const noClock = (): bigint => 0n;

function sendOptions(extra: string[]): Record<string, unknown> {
  const r = parseVerbArgs('send', [...BASE, ...extra], noClock);
  assert.equal(r.kind, 'options');
  return r.options as unknown as Record<string, unknown>;
}

function refused(verb: 'send' | 'rcv' | 'daemon', args: string[]): string {
  try {
    parseVerbArgs(verb, args, noClock);
  } catch (err) {
    assert.ok(isIsochronError(err));
    return errorText(err);
  }
  assert.fail(`${args.join(' ')} was accepted`);
}

test('integers: trailing text is refused with the option, the value and the form', () => {
  assert.equal(
    refused('send', [...BASE, '--num-frames', '2k']),
    'Invalid value for --num-frames: "2k"\n' +
      'hint: expected an integer (decimal, 0x hex, or octal with a leading 0) and nothing after it (ISOCHRON_ERR_CLI_BAD_VALUE)\n',
  );
  assert.match(refused('send', [...BASE, '--frame-size', '64x']), /--frame-size: "64x"/);
  assert.match(refused('send', [...BASE, '--etype', '09']), /--etype: "09"/); // octal stops at 9
  assert.match(refused('rcv', ['-i', 'lo', '--num-readings', '5 ']), /--num-readings: "5 "/);
  assert.equal(sendOptions(['--etype', '0x88f7']).etype, 0x88f7n);
  assert.equal(sendOptions(['--num-frames', '017']).numFrames, 15n);
});

test('ranges: ports, VLAN ids, priorities, EtherTypes, PTP fields', () => {
  assert.match(refused('send', [...BASE, '--stats-port', '70000']), /--stats-port: "70000"\nhint: expected a TCP port, 1\.\.65535/);
  assert.match(refused('send', [...BASE, '--data-port', '-1']), /expected a UDP port/);
  assert.match(refused('daemon', ['--stats-port', '65536']), /--stats-port: "65536"/);
  assert.match(refused('send', [...BASE, '--vid', '4096']), /expected a VLAN id, 0\.\.4095/);
  assert.match(refused('send', [...BASE, '--priority', '-3']), /--priority: "-3"/);
  assert.match(refused('send', [...BASE, '--sched-priority', '100']), /real-time priority, 1\.\.99/);
  assert.match(refused('rcv', ['-i', 'lo', '--etype', '0x10000']), /an EtherType/);
  assert.match(refused('rcv', ['-i', 'lo', '--domain-number', '256']), /PTP domain number/);
  assert.match(refused('send', [...BASE, '--transport-specific', '16']), /transportSpecific/);
  const o = sendOptions(['--stats-port', '65535', '--vid', '4095', '--sched-priority', '99']);
  assert.deepEqual([o.statsPort, o.vid, o.schedPriority], [65535n, 4095n, 99n]);
});

test('times: ns/us/ms/s units are ours; a plain number keeps the C meaning; junk is refused', () => {
  assert.equal(sendOptions(['--cycle-time', '1ms']).cycleTime, 1_000_000n);
  assert.equal(sendOptions(['--cycle-time', '250us']).cycleTime, 250_000n);
  assert.equal(sendOptions(['--cycle-time', '2.5us']).cycleTime, 2_500n);
  assert.equal(sendOptions(['--cycle-time', '1s']).cycleTime, 1_000_000_000n);
  assert.equal(sendOptions(['--cycle-time', '100ns']).cycleTime, 100n);
  assert.equal(sendOptions(['--cycle-time', '1000000']).cycleTime, 1_000_000n); // C: no dot = ns
  assert.equal(sendOptions(['--cycle-time', '0.001']).cycleTime, 1_000_000n);
  assert.equal(timeWithUnit('1.5ns'), null); // finer than 1 ns: not rounded
  assert.deepEqual(timeWithUnit('+2s'), { ns: 2_000_000_000n, relative: true });
  assert.match(refused('send', [...BASE, '--cycle-time', '1.5x']), /--cycle-time: "1\.5x"\nhint: expected sec\.nsec .* ns, us, ms or s/);
  assert.match(refused('send', [...BASE, '--base-time', '10m']), /--base-time: "10m"/);
});

test('MACs: anything but hex octets separated by colons is refused; C\'s own error keeps its line first', () => {
  assert.match(refused('send', [...BASE, '--smac', '1::3']), /--smac: "1::3"\nhint: expected six hex octets/);
  assert.equal(
    refused('send', [...BASE, '--dmac', 'zz:zz']),
    'Could not read --dmac: File too large\nargument parsing failed: File too large\n' +
      'hint: --dmac "zz:zz": expected six hex octets separated by colons, e.g. 02:00:00:00:0b:02 (ISOCHRON_ERR_CLI_BAD_MAC)\n',
  );
});

test('the C readings the recorded cases pin are kept: no digit at all, several dots, a short MAC; report untouched', () => {
  assert.equal(sendOptions(['--frame-size', 'sixty']).frameSize, 0n);
  assert.equal(sendOptions(['--cycle-time', 'abc']).cycleTime, 0n);
  assert.equal(sendOptions(['--cycle-time', '1.2.3']).cycleTime, 1_000_000_002n);
  assert.deepEqual(sendOptions(['--dmac', '01:02:03:04:05']).destinationMac, Buffer.from('010203040500', 'hex'));
  const r = parseVerbArgs('report', ['--start', '12x', '--stop', '-1'], noClock);
  assert.equal(r.kind, 'options');
});

test('a C check that fails first keeps its line; the refused value is named in the hint after it', () => {
  const text = refused('send', ['-i', 'lo', '-c', '0.001', '-s', '64', '-n', '2k']);
  assert.match(text, /^--sync-threshold is mandatory unless --omit-sync is used\nhint: also, invalid value for --num-frames: "2k": expected an integer/);
});

test('--cpu-mask: CPUs this host lacks are refused (checked at run time, on this host)', () => {
  assert.doesNotThrow(() => checkCpuMask(0n, 2));
  assert.doesNotThrow(() => checkCpuMask(3n, 2));
  assert.throws(
    () => checkCpuMask(0x100n, 2),
    (e: unknown) =>
      isIsochronError(e) &&
      e.code === 'ISOCHRON_ERR_CLI_BAD_VALUE' &&
      e.message === 'Invalid value for --cpu-mask: "0x100"' &&
      /this host has 2 CPU\(s\), 0\.\.1, and the mask names CPU 8: use a mask within 0x3/.test(e.hint ?? ''),
  );
});
