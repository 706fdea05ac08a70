// sysmon: the PHC-to-CLOCK_REALTIME offset (C's sysmon).
export * from './sysmon.js';
export * from './errors.js';
