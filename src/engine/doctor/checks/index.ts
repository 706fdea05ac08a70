// The check table: one entry per check id, typed by CheckId so a new id in
// ids.ts does not compile until it has its check here.
import type { CheckId } from '../ids.js';
import type { Check } from '../context.js';
import { checkInterface } from './interface.js';
import { checkHwTimestamping } from './hw-timestamping.js';
import { checkSwTimestamping } from './sw-timestamping.js';
import { checkPhc } from './phc.js';
import { checkPtp4l } from './ptp4l.js';
import { checkTaiOffset } from './tai-offset.js';
import { checkQdisc } from './qdisc.js';
import { checkRealtime } from './realtime.js';

export const CHECKS: Readonly<Record<CheckId, Check>> = {
  interface: checkInterface,
  'hw-timestamping': checkHwTimestamping,
  'sw-timestamping': checkSwTimestamping,
  phc: checkPhc,
  ptp4l: checkPtp4l,
  'tai-offset': checkTaiOffset,
  qdisc: checkQdisc,
  realtime: checkRealtime,
};
