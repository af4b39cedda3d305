/**
 * Whether the simulator itself, not the ACS, limited the load: the one rule behind summary.json's warning, the
 * plain-text and HTML reports (which print summary.json's warnings) and the terminal UI's banner.
 *
 * The evidence is the simulator's own lateness (due → session started). Sessions that start this late mean the load
 * generator could not keep its schedule, so its numbers describe the simulator as much as the ACS.
 */
import type { LatencySummary } from './histogram.js';

/** Lateness above this (ms) means the schedule was not kept. */
export const LATENESS_WARNING_MS = 25;

/**
 * Lateness samples needed before the p99 decides. A p99 of n samples is the value ~n/100 samples from the top:
 * below 100 samples it is the maximum itself, so one GC pause or a busy machine decides it (the 20-CPE quickstart
 * has ~80 sessions). At 1,000 it has ~10 samples above it (a rank with a binomial spread of about ±3 samples,
 * i.e. somewhere between p98.7 and p99.3): a single stall no longer moves it, a tail of stalls does.
 */
export const MIN_SAMPLES_FOR_P99 = 1000;

export interface SimulatorBottleneck {
  /** The statistic that was late: p99 with enough samples, otherwise the median (unambiguous at any count). */
  statistic: 'p99' | 'p50';
  /** Its value (ms). */
  lateMs: number;
  /** Lateness samples it was taken from. */
  count: number;
  /** The largest lateness (ms). */
  max: number;
}

/**
 * The verdict on one lateness distribution (a whole run's, or the TUI's last interval's): late when its p99 exceeds
 * the threshold and there are MIN_SAMPLES_FOR_P99 samples, or, with fewer, when even its median does (half the
 * sessions late is no outlier). Undefined: the simulator kept its schedule, or there is nothing to judge.
 */
export function simulatorBottleneck(lateness: LatencySummary | undefined): SimulatorBottleneck | undefined {
  if (!lateness || lateness.count === 0) return undefined;
  const statistic = lateness.count >= MIN_SAMPLES_FOR_P99 ? 'p99' : 'p50';
  const lateMs = lateness[statistic];
  if (lateMs <= LATENESS_WARNING_MS) return undefined;
  return { statistic, lateMs, count: lateness.count, max: lateness.max };
}

/** `p99 of 5000 sessions` or `median of 80 sessions`: which rule fired, for the warning texts. */
export function bottleneckBasis(b: SimulatorBottleneck): string {
  return `${b.statistic === 'p99' ? 'p99' : 'median'} of ${b.count} session${b.count === 1 ? '' : 's'}`;
}
