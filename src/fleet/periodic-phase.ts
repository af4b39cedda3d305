/**
 * The phase of periodic informs (TR-069 ManagementServer.PeriodicInformTime): "Each Inform call MUST occur at
 * this reference time plus or minus an integer multiple of the PeriodicInformInterval", beginning at the very
 * next such instant even when the reference lies in the future. The Unknown Time (TR-106 §3.2:
 * 0001-01-01T00:00:00Z) means no phase: the CPE chooses its own reference and only keeps the interval.
 */

/** The reference instant in epoch ms, or undefined for "no phase" (Unknown Time, boot-relative or unparsable values). */
export function periodicPhaseEpochMs(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  // TR-106: years before 1000 are the Unknown Time or times relative to boot, never an absolute reference.
  const year = /^(\d{4})-/.exec(value);
  if (!year || Number(year[1]) < 1000) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The first instant of the grid phase + k·interval strictly after `after` (all in the same clock, ms).
 * Works for a phase arbitrarily far in the past or future.
 */
export function nextPhaseInstant(phase: number, intervalMs: number, after: number): number {
  const k = Math.floor((after - phase) / intervalMs) + 1;
  const next = phase + k * intervalMs;
  // Floating-point rounding near a grid point must not return an instant at or before `after`.
  return next > after ? next : next + intervalMs;
}
