import type { Threshold } from '../scenario/threshold.js';
import type { MergedMetrics } from './merge.js';
import { evaluateThreshold, type ThresholdResult } from './threshold-eval.js';

/**
 * Checks the abortOnFail thresholds on every progress sample (cumulative metrics, after each one's delay) and
 * reports the first failure once, so the caller can stop the run early instead of loading a broken ACS for hours.
 */
export class ThresholdWatch {
  private readonly watched: Threshold[];
  private tripped: ThresholdResult | undefined;

  constructor(thresholds: readonly Threshold[], private readonly onFail: (result: ThresholdResult) => void) {
    // A count that must reach a minimum (`sessions.completed > 1000`) only grows: it cannot fail before the end.
    this.watched = thresholds.filter((t) => t.abortOnFail && !(t.aggregation.kind === 'count' && (t.comparator === '>' || t.comparator === '>=')));
  }

  /** The failure that aborted the run, if one did. */
  get failure(): ThresholdResult | undefined {
    return this.tripped;
  }

  check(metrics: MergedMetrics, elapsedMs: number): void {
    if (this.tripped) return;
    for (const t of this.watched) {
      if (elapsedMs < t.delayMs) continue;
      const result = evaluateThreshold(t, metrics, elapsedMs);
      // "No samples" is not a failure yet during the run: the first sessions may simply not have ended.
      if (!result.ok && result.actual !== undefined) {
        this.tripped = result;
        this.onFail(result);
        return;
      }
    }
  }
}
