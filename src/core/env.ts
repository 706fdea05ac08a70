// Tunables read from the environment: tests (and a lab that needs other
// values) change a limit without a new option, so a bad value must never
// be fatal.

/** A positive integer from the environment, or the default (a bad value is ignored, never fatal). */
export function envMs(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  return Number.isSafeInteger(v) && v > 0 ? v : fallback;
}
