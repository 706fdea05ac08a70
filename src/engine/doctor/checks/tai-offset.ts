// `tai-offset`: the kernel's TAI-UTC offset (adjtimex, read only: the doctor
// never changes it) against ptp4l's currentUtcOffset. isochron stamps in TAI;
// a kernel left at 0 while PTP says 37 puts CLOCK_TAI 37 s off, and every
// base time with it.
import { kernelTaiOffset, measureTaiOffset } from '../../../sys/time.js';
import { notOk, ok, type CheckResult } from '../ids.js';
import type { DoctorContext, Findings } from '../context.js';

/** TAI - UTC since 2017-01-01 (IERS bulletin C); what ptp4l announces by default. */
const CURRENT_TAI_UTC = 37;
const NS_PER_S = 1_000_000_000n;

function whatTheOptionDoes(offset: number): string {
  return (
    `add --utc-tai-offset ${offset} to send, rcv or daemon: it writes ${offset} s to the kernel (adjtimex ADJ_TAI, needs CAP_SYS_TIME), ` +
    'which moves CLOCK_TAI for the whole machine; with sync monitoring on, send and rcv do the same with ptp4l\'s value at start'
  );
}

export async function checkTaiOffset(_ctx: DoctorContext, found: Findings): Promise<CheckResult> {
  const kernel = kernelTaiOffset();
  const measured = measureTaiOffset();
  const clocks = `CLOCK_TAI - CLOCK_REALTIME = ${Number((measured.offsetNs + NS_PER_S / 2n) / NS_PER_S)} s`;
  const ptp = found.ptpUtcOffset;
  if (ptp === null) {
    if (kernel === 0) {
      return notOk('tai-offset', 'warn', `kernel TAI offset 0 s (${clocks}; UTC-TAI has been ${CURRENT_TAI_UTC} s since 2017), ptp4l not reachable to compare`, whatTheOptionDoes(CURRENT_TAI_UTC));
    }
    return ok('tai-offset', `kernel TAI offset ${kernel} s (${clocks}), ptp4l not reachable to compare`);
  }
  if (kernel !== ptp) {
    return notOk('tai-offset', 'warn', `kernel TAI offset ${kernel} s but ptp4l's currentUtcOffset is ${ptp} s (${clocks}): CLOCK_TAI is ${ptp - kernel} s off`, whatTheOptionDoes(ptp));
  }
  return ok('tai-offset', `kernel TAI offset ${kernel} s matches ptp4l's currentUtcOffset (${clocks})`);
}
