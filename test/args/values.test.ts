// The value parsers against the C tool's semantics: tables of the documented
// behaviour (README quirk 15 and the C parser), and property tests that put
// our strtol/strtoul/inet_pton next to glibc's own (called through koffi) on
// random input, so "like C" is checked against the real C library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { strtol, strtoul } from '../../src/core/strto.js';
import { parseTime } from '../../src/args/values/time.js';
import { parseMac } from '../../src/args/values/mac.js';
import { formatMac, isZeroMac } from '../../src/core/mac.js';
import { parseIp } from '../../src/args/values/ip.js';
import { parseText } from '../../src/args/values/text.js';
import { parseLong, parseUnsigned, convertValue } from '../../src/args/values/index.js';
import { clockTaiNs } from '../../src/args/values/clock.js';
import { strerror } from '../../src/core/errno-text.js';
import { IsochronError } from '../../src/core/errors.js';

const require = createRequire(import.meta.url);
interface KoffiLib {
  func(proto: string): (...args: unknown[]) => unknown;
}
const koffi = require('koffi') as { load(name: string): KoffiLib; errno(v?: number): number };
const libc = koffi.load('libc.so.6');
const cStrtol = libc.func('long strtol(void *s, void *end, int base)');
const cStrtoul = libc.func('unsigned long strtoul(void *s, void *end, int base)');
const cAddress = libc.func('uintptr_t memchr(void *s, int c, size_t n)');
const cInetPton = libc.func('int inet_pton(int af, const char *src, void *dst)');

function glibcStrto(fn: (...a: unknown[]) => unknown, text: string, base: number) {
  const s = Buffer.concat([Buffer.from(text, 'latin1'), Buffer.alloc(1)]);
  const end = Buffer.alloc(8);
  koffi.errno(0);
  const value = BigInt(fn(s, end, base) as number | bigint);
  const overflow = koffi.errno() === 34;
  const start = BigInt(cAddress(s, s[0], 1) as number | bigint);
  return { value, end: Number(end.readBigUInt64LE(0) - start), overflow };
}

function glibcPton(text: string): Buffer | null {
  const v6 = Buffer.alloc(16);
  if ((cInetPton(10, text, v6) as number) > 0) return v6;
  const v4 = Buffer.alloc(4);
  if ((cInetPton(2, text, v4) as number) > 0) return v4;
  return null;
}

const noClock = (): bigint => {
  throw new Error('clock read for an absolute time');
};

function throwsCode(fn: () => unknown, code: string, message?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof IsochronError);
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

test('strtol/strtoul: documented C behaviour', () => {
  const table: [string, number, bigint, number, boolean][] = [
    ['10', 0, 10n, 2, false],
    ['0x10', 0, 16n, 4, false],
    ['010', 0, 8n, 3, false],
    ['08', 0, 0n, 1, false], // octal stops at 8
    ['  -12abc', 0, -12n, 5, false],
    ['+7', 0, 7n, 2, false],
    ['abc', 0, 0n, 0, false],
    ['0xzz', 0, 0n, 1, false], // converts the 0, ends at the x
    ['-', 0, 0n, 0, false],
    ['9223372036854775807', 0, 9223372036854775807n, 19, false],
    ['9223372036854775808', 0, 9223372036854775807n, 19, true],
    ['-9223372036854775808', 0, -9223372036854775808n, 20, false],
    ['-9223372036854775809', 0, -9223372036854775808n, 20, true],
    ['099', 10, 99n, 3, false],
    ['ff:', 16, 255n, 2, false],
    ['0x1F', 16, 31n, 4, false],
  ];
  for (const [text, base, value, end, overflow] of table) {
    assert.deepEqual(strtol(text, base as 0 | 10 | 16), { value, end, overflow }, `strtol(${JSON.stringify(text)}, ${base})`);
  }
  assert.deepEqual(strtoul('-1'), { value: (1n << 64n) - 1n, end: 2, overflow: false });
  assert.deepEqual(strtoul('18446744073709551616'), { value: (1n << 64n) - 1n, end: 20, overflow: true });
  assert.deepEqual(strtoul('-0'), { value: 0n, end: 2, overflow: false });
  assert.deepEqual(strtoul('99999999999999999999999999'), { value: (1n << 64n) - 1n, end: 26, overflow: true });
});

const numberish = fc.oneof(
  fc.stringMatching(/^[ \t+\-0xX]{0,3}[0-9a-fA-FxX]{0,24}[^]{0,3}$/),
  fc.string({ maxLength: 12 }),
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map((b) => b.toString()),
  fc.bigInt({ min: 0n, max: 1n << 66n }).map((b) => `0x${b.toString(16)}`),
);

test('strtol/strtoul agree with glibc on random input (value, end, overflow)', () => {
  fc.assert(
    fc.property(numberish, fc.constantFrom(0, 10, 16), (text, base) => {
      const ascii = text.replace(/[^\x01-\x7f]/g, '?');
      assert.deepEqual(strtol(ascii, base as 0 | 10 | 16), glibcStrto(cStrtol, ascii, base));
      assert.deepEqual(strtoul(ascii, base as 0 | 10 | 16), glibcStrto(cStrtoul, ascii, base));
    }),
    { numRuns: 3000 },
  );
});

test('long and unsigned options: lenient like C, overflow is the only error', () => {
  assert.equal(parseLong('sixty', '--frame-size'), 0n);
  assert.equal(parseLong('64bytes', '--frame-size'), 64n);
  assert.equal(parseLong('0xdead', '--etype'), 0xdeadn);
  assert.equal(parseLong('0xzz', '--etype'), 0n);
  assert.equal(parseUnsigned('ten', '--num-frames'), 0n);
  assert.equal(parseUnsigned('-1', '--num-frames'), (1n << 64n) - 1n);
  assert.equal(parseUnsigned('xyz', '--cpu-mask'), 0n);
  throwsCode(
    () => parseLong('99999999999999999999', '--priority'),
    'ISOCHRON_ERR_CLI_NUMBER_RANGE',
    'Could not read --priority: Numerical result out of range\nargument parsing failed: Operation not permitted',
  );
  throwsCode(() => parseUnsigned('18446744073709551616', '--start'), 'ISOCHRON_ERR_CLI_NUMBER_RANGE');
});

test('times: sec.nsec, bare nanoseconds, and the inputs C quietly accepts', () => {
  const table: [string, bigint][] = [
    ['0.001', 1_000_000n],
    ['1.5', 1_500_000_000n],
    ['0.000000100', 100n],
    ['2', 2n], // no dot: nanoseconds
    ['1.2.3', 1_000_000_002n], // fraction "2.3" pads to "2.3000000" -> 2
    ['abc', 0n],
    ['-0.5', 500_000_000n], // -0 is 0, the fraction is added
    ['-1.5', -500_000_000n],
    ['.25', 250_000_000n],
    ['0x10.5', 16_500_000_000n], // seconds read with base 0
    ['010.1', 8_100_000_000n], // octal seconds
    ['1. 5', 1_050_000_000n], // strtol skips the space in the padded fraction
    ['1.-5', 950_000_000n],
    ['1.123456789', 1_123_456_789n],
    ['1e3', 1n], // stops at 'e': 1 nanosecond
    ['9223372036854775807.0', BigInt.asIntN(64, 9223372036854775807n * 1_000_000_000n)], // wraps like C
  ];
  for (const [text, ns] of table) assert.equal(parseTime(text, noClock), ns, text);
  throwsCode(
    () => parseTime('0.1234567890', noClock),
    'ISOCHRON_ERR_CLI_TIME_FRACTION',
    'Nanosecond format too long, would truncate: 1234567890\n' +
      'Could not read base time: Numerical result out of range\n' +
      'argument parsing failed: Operation not permitted',
  );
  throwsCode(() => parseTime('1.ééééé', noClock), 'ISOCHRON_ERR_CLI_TIME_FRACTION'); // 5 chars, 10 bytes
  assert.equal(parseTime('1.éééé', noClock), 1_000_000_000n); // 8 bytes fit, no digits
  throwsCode(
    () => parseTime('99999999999999999999.1', noClock),
    'ISOCHRON_ERR_CLI_TIME_RANGE',
    'Failed to read seconds: Numerical result out of range\n' +
      'Could not read base time: Invalid argument\n' +
      'argument parsing failed: Operation not permitted',
  );
});

test('times: a leading + is relative to CLOCK_TAI now', () => {
  assert.equal(parseTime('+1.5', () => 1_000n), 1_500_001_000n);
  assert.equal(parseTime('+-5', () => 100n), 95n);
  const before = clockTaiNs();
  const t = parseTime('+2', clockTaiNs);
  const after = clockTaiNs();
  assert.ok(t >= before + 2n && t <= after + 2n);
  // CLOCK_TAI = CLOCK_REALTIME + the kernel's UTC-TAI offset (0 to 37 s today).
  const realtime = BigInt(Date.now()) * 1_000_000n;
  assert.ok(before >= realtime - 5_000_000_000n && before <= realtime + 60_000_000_000n);
});

test('MAC addresses: six strtoul(.., 16) octets, trailing text is the only error', () => {
  const table: [string, string][] = [
    ['02:00:00:00:0b:02', '02:00:00:00:0b:02'],
    ['01:02:03:04:05', '01:02:03:04:05:00'], // 5 octets accepted
    ['a:b:c:d:e:f', '0a:0b:0c:0d:0e:0f'],
    ['', '00:00:00:00:00:00'],
    ['1ff:2:3:4:5:6', 'ff:02:03:04:05:06'], // wraps to 8 bits
    ['-1:0:0:0:0:0', 'ff:00:00:00:00:00'],
    ['0x12:0X34:5:6:7:8', '12:34:05:06:07:08'],
    [' 1: 2:3:4:5:6', '01:02:03:04:05:06'],
    ['1::3', '01:00:03:00:00:00'],
    ['01-02-03-04-05-06', '01:fe:fd:fc:fb:fa'], // each '-NN' is a negative octet
  ];
  for (const [text, want] of table) assert.equal(formatMac(parseMac(text, '--dmac')), want, text);
  for (const bad of ['zz:00:00:00:00:00', '01:02:03:04:05:06:07', '01:02:03:04:05:06:', '1:2:3:4:5:6x']) {
    throwsCode(
      () => parseMac(bad, '--dmac'),
      'ISOCHRON_ERR_CLI_BAD_MAC',
      'Could not read --dmac: File too large\nargument parsing failed: File too large',
    );
  }
  assert.ok(isZeroMac(parseMac('0:0:0:0:0:0', '--dmac')));
  assert.ok(!isZeroMac(parseMac('0:0:0:0:0:1', '--dmac')));
});

test('IP addresses: inet_pton rules, %device suffix, C messages', () => {
  assert.deepEqual(parseIp('10.199.0.2'), { family: 4, address: '10.199.0.2', bytes: Buffer.from([10, 199, 0, 2]) });
  const v6 = parseIp('fe80::1%vxa');
  assert.equal(v6.family, 6);
  assert.equal(v6.address, 'fe80::1');
  assert.equal(v6.device, 'vxa');
  assert.equal(parseIp('::ffff:1.2.3.4').address, '::ffff:102:304');
  assert.equal(parseIp('1:0:0:2:0:0:0:3').address, '1:0:0:2::3');
  assert.equal(parseIp('1:2:3:4:5:6:7:8').address, '1:2:3:4:5:6:7:8');
  assert.equal(parseIp('::').address, '::');
  throwsCode(
    () => parseIp('10.0.0.300'),
    'ISOCHRON_ERR_CLI_BAD_IP',
    'IP address 10.0.0.300 not in known format\nargument parsing failed: Operation not permitted',
  );
  throwsCode(() => parseIp('010.0.0.1%eth0'), 'ISOCHRON_ERR_CLI_BAD_IP', 'IP address 010.0.0.1 not in known format\nargument parsing failed: Operation not permitted');
  throwsCode(() => parseIp('10.0.0.1%'), 'ISOCHRON_ERR_CLI_BAD_IP_DEVICE', 'Invalid interface name \nargument parsing failed: Invalid argument');
  throwsCode(() => parseIp('10.0.0.1%0123456789abcdef'), 'ISOCHRON_ERR_CLI_BAD_IP_DEVICE');
  assert.equal(parseIp('10.0.0.1%0123456789abcde').device, '0123456789abcde'); // 15 bytes fit
});

const ipish = fc.oneof(
  fc.stringMatching(/^[0-9a-fA-F:.]{0,45}$/),
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  fc.tuple(fc.ipV6(), fc.ipV4()).map(([a, b]) => `${a.split(':').slice(0, 6).join(':')}:${b}`),
);

test('IP parsing agrees with glibc inet_pton on random input', () => {
  fc.assert(
    fc.property(ipish, (text) => {
      const want = glibcPton(text);
      let got: Buffer | null;
      try {
        got = parseIp(text).bytes;
      } catch (err) {
        assert.ok(err instanceof IsochronError);
        got = null;
      }
      assert.deepEqual(got, want, text);
    }),
    { numRuns: 4000 },
  );
});

test('fixed-size text: rejected when its byte length reaches the C limit', () => {
  assert.equal(parseText('eth0', 'Interface name', 15), 'eth0');
  assert.equal(parseText('a'.repeat(14), 'Interface name', 15), 'a'.repeat(14));
  throwsCode(
    () => parseText('a'.repeat(15), 'Interface name', 15),
    'ISOCHRON_ERR_CLI_VALUE_TOO_LONG',
    `Interface name "${'a'.repeat(15)}" too large, please limit to 15 bytes\nargument parsing failed: Numerical result out of range`,
  );
  throwsCode(() => parseText('é'.repeat(8), 'File path', 16), 'ISOCHRON_ERR_CLI_VALUE_TOO_LONG');
});

test('convertValue dispatches on the declared type', () => {
  const spec = (kind: Parameters<typeof convertValue>[0]['kind'], limit?: number) => ({
    short: '-x',
    long: '--x',
    key: 'x',
    kind,
    optional: true,
    ...(limit === undefined ? {} : { limit }),
  });
  assert.equal(convertValue(spec('bool'), 'ignored', noClock), true);
  assert.equal(convertValue(spec('help'), undefined, noClock), true);
  assert.equal(convertValue(spec('long'), '-3', noClock), -3n);
  assert.equal(convertValue(spec('unsigned'), '3', noClock), 3n);
  assert.equal(convertValue(spec('time'), '1.0', noClock), 1_000_000_000n);
  assert.ok(Buffer.isBuffer(convertValue(spec('mac'), '1:2:3:4:5:6', noClock)));
  assert.equal((convertValue(spec('ip'), '::1', noClock) as { family: number }).family, 6);
  assert.equal(convertValue(spec('ifname', 15), 'lo', noClock), 'lo');
  assert.equal(convertValue(spec('filepath', 4095), 'x.dat', noClock), 'x.dat');
  assert.equal(convertValue(spec('string', 255), '', noClock), '');
  throwsCode(() => convertValue(spec('string', 3), 'abc', noClock), 'ISOCHRON_ERR_CLI_VALUE_TOO_LONG');
});

test('errno texts are glibc strerror', () => {
  assert.equal(strerror(22), 'Invalid argument');
  assert.equal(strerror(1), 'Operation not permitted');
  assert.equal(strerror(2), 'No such file or directory');
  assert.equal(strerror(12), 'Cannot allocate memory');
  assert.equal(strerror(9999), 'Unknown error 9999');
});
