// The one MAC codec: C's mac_addr_sprintf, the canonical reading of what it
// writes, and the C command-line reading (six strtoul(.., 16) octets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatMac, isZeroMac, parseMac, scanMacLikeC } from '../../src/core/mac.js';

test('formatMac writes lower-case colon-separated octets of the first 6 bytes', () => {
  assert.equal(formatMac(Uint8Array.of(2, 0, 0, 0, 0x0b, 0xff)), '02:00:00:00:0b:ff');
  // A management MAC field is 6 bytes + 2 reserved: only the address is printed.
  assert.equal(formatMac(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), '01:02:03:04:05:06');
});

test('parseMac reads exactly the canonical form, in any case', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
      assert.deepEqual(parseMac(formatMac(bytes)), Buffer.from(bytes));
      assert.deepEqual(parseMac(formatMac(bytes).toUpperCase()), Buffer.from(bytes));
    }),
  );
  for (const bad of ['', '02:00:00:00:0b', '02:00:00:00:0b:02:03', '2:0:0:0:b:2', '02-00-00-00-0b-02', '02:00:00:00:0b:0g', ' 02:00:00:00:0b:02']) {
    assert.equal(parseMac(bad), null, bad);
  }
});

test('scanMacLikeC follows strtoul: short addresses pad with 0, octets wrap, text after the sixth octet fails', () => {
  assert.deepEqual(scanMacLikeC('2:0:0:0:b:2'), Buffer.from([2, 0, 0, 0, 0xb, 2]));
  assert.deepEqual(scanMacLikeC('01:02:03:04:05'), Buffer.from([1, 2, 3, 4, 5, 0]));
  assert.deepEqual(scanMacLikeC('1ff:0:0:0:0:1'), Buffer.from([0xff, 0, 0, 0, 0, 1]));
  assert.equal(scanMacLikeC('01:02:03:04:05:06:07'), null);
  assert.equal(scanMacLikeC('01:02:03:04:05:0g'), null);
  assert.ok(isZeroMac(scanMacLikeC('')!));
  assert.ok(!isZeroMac(Buffer.from([0, 0, 0, 0, 0, 1])));
});
