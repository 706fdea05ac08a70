// The sender's time arithmetic (src/send.c, src/common.h future_base_time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  NSEC_PER_SEC,
  SendSchedule,
  TIME_MARGIN,
  WAKEUP_MARGIN,
  checkTxHwts,
  firstBaseTime,
  formatNs,
  futureBaseTime,
  lateTxCycles,
  planUtcTaiOffset,
  resolveAdvanceTime,
  resolveSchedule,
  scheduleBanner,
  utcToTai,
  type ScheduleOptions,
} from '../../../src/engine/traffic/schedule.js';
import { IsochronError } from '../../../src/core/errors.js';

const MS = 1_000_000n;
const opts = (o: Partial<ScheduleOptions>): ScheduleOptions => ({
  baseTime: 0n, cycleTime: MS, shiftTime: 0n, advanceTime: 0n, windowSize: 0n, ...o,
});

test('advance time: 0 means cycle - window; an explicit value stays', () => {
  assert.equal(resolveAdvanceTime(0n, MS, 0n), MS);
  assert.equal(resolveAdvanceTime(0n, MS, 300_000n), 700_000n);
  assert.equal(resolveAdvanceTime(200_000n, MS, 300_000n), 200_000n);
  assert.equal(resolveSchedule(opts({ windowSize: 300_000n })).advanceTime, 700_000n);
});

test('range checks in C order with C messages; a cycle time <= 0 is refused', () => {
  const code = (o: Partial<ScheduleOptions>): string => {
    try {
      resolveSchedule(opts(o));
      return 'ok';
    } catch (e) {
      assert.ok(e instanceof IsochronError);
      return `${e.code}: ${e.message}`;
    }
  };
  assert.equal(code({ advanceTime: MS + 1n }), 'ISOCHRON_ERR_ADVANCE_TIME_TOO_HIGH: Advance time cannot be higher than cycle time');
  assert.equal(code({ shiftTime: MS + 1n }), 'ISOCHRON_ERR_SHIFT_TIME_TOO_HIGH: Shift time cannot be higher than cycle time');
  // window > cycle makes the default advance negative, which passes; the window check then fires.
  assert.equal(code({ windowSize: MS + 1n }), 'ISOCHRON_ERR_WINDOW_SIZE_TOO_HIGH: Window size cannot be higher than cycle time');
  assert.equal(code({ advanceTime: MS + 1n, shiftTime: MS + 1n }).split(':')[0], 'ISOCHRON_ERR_ADVANCE_TIME_TOO_HIGH');
  assert.match(code({ cycleTime: 0n }), /^ISOCHRON_ERR_CYCLE_TIME_NOT_POSITIVE: Cycle time must be greater than zero/);
  assert.match(code({ cycleTime: -5n }), /CYCLE_TIME_NOT_POSITIVE/);
  assert.equal(code({ advanceTime: MS, shiftTime: MS, windowSize: MS }), 'ok');
  assert.throws(() => futureBaseTime(0n, 0n, 10n), /Cycle time must be greater than zero/);
});

test('future base time: table of C results', () => {
  const cases: Array<[bigint, bigint, bigint, bigint]> = [
    // base, cycle, now, expected
    [100n, 10n, 50n, 100n], // in the future: unchanged
    [100n, 10n, 100n, 100n], // equal: unchanged
    [100n, 10n, 101n, 110n],
    [100n, 10n, 110n, 120n], // exactly on a boundary: one more cycle
    [0n, 10n, 5n, 10n],
    [-25n, 10n, 0n, 5n], // negative base
    [1_500_100_000n, MS, 1795674961_239081341n, 1795674961_239100000n], // real_l2_window_shift_base run
  ];
  for (const [b, c, n, want] of cases) assert.equal(futureBaseTime(b, c, n), want, `${b} ${c} ${n}`);
});

test('property: the rolled base time is the first base + N*cycle strictly after now (or base if not past)', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
      fc.bigInt({ min: 1n, max: 10n * NSEC_PER_SEC }),
      fc.bigInt({ min: 0n, max: 2n * 10n ** 18n }),
      (base, cycle, now) => {
        const r = futureBaseTime(base, cycle, now);
        if (base >= now) return r === base;
        return (r - base) % cycle === 0n && r > now && r - cycle <= now;
      },
    ),
  );
});

/** base time, cycle time, a value up to one second (shift or advance), session start: ns. */
function scheduleArbs() {
  return [
    fc.bigInt({ min: 0n, max: 5n * NSEC_PER_SEC }),
    fc.bigInt({ min: 1000n, max: NSEC_PER_SEC }),
    fc.bigInt({ min: 0n, max: NSEC_PER_SEC }),
    fc.bigInt({ min: 10n ** 18n, max: 2n * 10n ** 18n }),
  ] as const;
}

test('property: first base time keeps the base+shift phase and leaves at least TIME_MARGIN', () => {
  fc.assert(
    fc.property(
      ...scheduleArbs(),
      (base, cycle, shiftRaw, start) => {
        const shift = shiftRaw % (cycle + 1n);
        const first = firstBaseTime(base, shift, cycle, start);
        const phase = (x: bigint): bigint => ((x % cycle) + cycle) % cycle;
        return phase(first) === phase(base + shift) && first > start + TIME_MARGIN - 1n && first - cycle <= start + TIME_MARGIN;
      },
    ),
  );
});

test('property: SendSchedule.start keeps the first wakeup WAKEUP_MARGIN after session start, and is C\'s base time when the advance allows', () => {
  fc.assert(
    fc.property(
      ...scheduleArbs(),
      (base, cycle, advRaw, start) => {
        const advanceTime = advRaw % (cycle + 1n);
        const s = SendSchedule.start({ baseTime: base, shiftTime: 0n, cycleTime: cycle, advanceTime, windowSize: 0n }, start);
        const c = firstBaseTime(base, 0n, cycle, start);
        const phase = (x: bigint): bigint => ((x % cycle) + cycle) % cycle;
        if (phase(s.operBaseTime) !== phase(base)) return false;
        if (s.firstWakeup < start + WAKEUP_MARGIN || s.operBaseTime < c) return false;
        // Never more than needed: one cycle earlier breaks one of the two margins.
        const earlier = s.operBaseTime - cycle;
        if (earlier - advanceTime >= start + WAKEUP_MARGIN && earlier >= start + TIME_MARGIN) return false;
        return advanceTime > TIME_MARGIN - WAKEUP_MARGIN || s.operBaseTime === c;
      },
    ),
  );
});

test('SendSchedule.start: a 1 s cycle with the default advance gets a first wakeup in the future, C\'s does not', () => {
  const start = 1_000n * NSEC_PER_SEC + 900_000_000n;
  const s = SendSchedule.start({ baseTime: 0n, shiftTime: 0n, cycleTime: NSEC_PER_SEC, advanceTime: NSEC_PER_SEC, windowSize: 0n }, start);
  // C: base 1002 s (>= start + 0.5 s), first wakeup 1001 s: 0.1 s after start, already past by the time a thread runs.
  assert.equal(firstBaseTime(0n, 0n, NSEC_PER_SEC, start), 1002n * NSEC_PER_SEC);
  assert.equal(s.operBaseTime, 1003n * NSEC_PER_SEC);
  assert.equal(s.firstWakeup, 1002n * NSEC_PER_SEC);
});

test('property: scheduled and wakeup times advance by exactly one cycle per seqid', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 2n * 10n ** 18n }),
      fc.bigInt({ min: 1n, max: NSEC_PER_SEC }),
      fc.bigInt({ min: 0n, max: NSEC_PER_SEC }),
      fc.integer({ min: 1, max: 1_000_000 }),
      (base, cycle, advRaw, k) => {
        const adv = advRaw % (cycle + 1n);
        const s = new SendSchedule(base, cycle, adv);
        return (
          s.scheduled(1) === base &&
          s.scheduled(k + 1) - s.scheduled(k) === cycle &&
          s.wakeup(k) === s.scheduled(k) - adv &&
          s.wakeup(k) < s.wakeup(k + 1) &&
          s.scheduled(BigInt(k)) === base + BigInt(k - 1) * cycle
        );
      },
    ),
  );
});

test('SendSchedule.start and the stderr banner (real_l2_64b_1ms_100 values)', () => {
  const now = 1795674900_427092720n;
  const s = SendSchedule.start(resolveSchedule(opts({})), now);
  assert.equal(s.operBaseTime, 1795674900_928000000n);
  assert.equal(s.firstWakeup, 1795674900_927000000n);
  assert.equal(
    scheduleBanner(now, s),
    '         Now:   1795674900.427092720\n' +
      'First wakeup:   1795674900.927000000\n' +
      '   Base time:   1795674900.928000000\n' +
      '  Cycle time:            0.001000000\n',
  );
  assert.equal(s.wakeupCyclesLate(1, s.wakeup(1) - 5n), 0n);
  assert.equal(s.wakeupCyclesLate(3, s.wakeup(3) + 2n * MS + 1n), 2n);
});

test('formatNs follows C ns_sprintf, including its sign quirk', () => {
  assert.equal(formatNs(0n), '0.000000000');
  assert.equal(formatNs(1_500_000_000n), '1.500000000');
  assert.equal(formatNs(-1_500_000_000n), '-1.500000000');
  assert.equal(formatNs(-500_000_000n), '0.500000000'); // C: tv_sec 0 loses the sign
  assert.equal(formatNs(9223372036854775807n), '9223372036.854775807');
});

test('TX hardware timestamp checks (--taprio/--txtime)', () => {
  assert.deepEqual(checkTxHwts(1000n, 1000n, 100n, false), { kind: 'ok' });
  assert.deepEqual(checkTxHwts(999n, 1000n, 100n, false), { kind: 'premature' });
  assert.deepEqual(checkTxHwts(1099n, 1000n, 100n, false), { kind: 'ok' });
  assert.deepEqual(checkTxHwts(1100n, 1000n, 100n, false), { kind: 'late', cycles: 1n });
  assert.deepEqual(checkTxHwts(999n, 1000n, 100n, true), { kind: 'ok' }, 'deadline mode allows early TX');
  assert.deepEqual(checkTxHwts(1001n, 1000n, 100n, true), { kind: 'late', cycles: 0n });
  assert.equal(lateTxCycles(950n, 1000n, 100n), 0n, 'truncates toward zero');
  assert.equal(lateTxCycles(799n, 1000n, 100n), -2n);
});

test('UTC/TAI offset plan and conversion', () => {
  assert.deepEqual(planUtcTaiOffset(37, false, 0), { source: 'option', offset: 37, setKernel: true });
  assert.deepEqual(planUtcTaiOffset(null, true, 0), {
    source: 'kernel', offset: 0, setKernel: false, message: 'Using the kernel UTC-TAI offset which is 0\n',
  });
  assert.deepEqual(planUtcTaiOffset(-1, false, 37), { source: 'ptp', setKernel: false });
  assert.equal(utcToTai(1_000n, 37), 37_000_001_000n);
  assert.equal(utcToTai(5n, 0), 5n);
});
