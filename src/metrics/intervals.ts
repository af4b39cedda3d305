/**
 * Per-interval metrics from the cumulative ones the coordinator already receives every second.
 *
 * Why subtract on the coordinator instead of recording per-interval histograms in the shards: the shards stream
 * cumulative snapshots (what summary.json and the UI need), so the interval is an exact HDR subtraction of two
 * cumulative merges (same bucket layout, integer counts) with no change to the shard protocol and nothing lost
 * when a progress message is late: whatever it carried lands in the next interval. The intervals of a run therefore
 * add up to its total exactly, as long as the last one is taken from the final results.
 */
import type { ErrorKind } from './observer.js';
import { newHistogram, type Histogram } from './histogram.js';
import type { MergedMetrics } from './merge.js';

export interface IntervalMetrics {
  /** Interval bounds, ms since the run started. */
  startMs: number;
  endMs: number;
  /** Sessions started/completed/failed within the interval. */
  sessions: MergedMetrics['sessions'];
  errors: Partial<Record<ErrorKind, number>>;
  /** Histograms of the samples recorded within the interval only. */
  latency: Map<string, { intended: Histogram; actual: Histogram }>;
  /** The cumulative metrics at the interval's end (gauges are read from here). */
  cumulative: MergedMetrics;
}

export class IntervalDeltas {
  private previous = new Map<string, { intended: Histogram; actual: Histogram }>();
  private previousSessions: MergedMetrics['sessions'] = { started: 0, completed: 0, failed: 0 };
  private previousErrors: Partial<Record<ErrorKind, number>> = {};
  private previousEndMs = 0;

  /** The interval from the previous call (or the start) to `elapsedMs`, given the cumulative metrics then. */
  next(cumulative: MergedMetrics, elapsedMs: number): IntervalMetrics {
    const latency = new Map<string, { intended: Histogram; actual: Histogram }>();
    for (const [name, pair] of cumulative.latency) {
      const before = this.previous.get(name);
      latency.set(name, { intended: difference(pair.intended, before?.intended), actual: difference(pair.actual, before?.actual) });
      this.previous.set(name, { intended: copy(pair.intended), actual: copy(pair.actual) });
    }
    const s = cumulative.sessions;
    const p = this.previousSessions;
    const errors: Partial<Record<ErrorKind, number>> = {};
    for (const [kind, n] of Object.entries(cumulative.errors) as [ErrorKind, number][]) {
      const delta = n - (this.previousErrors[kind] ?? 0);
      if (delta !== 0) errors[kind] = delta;
    }
    const interval: IntervalMetrics = {
      startMs: this.previousEndMs,
      endMs: Math.max(this.previousEndMs, elapsedMs),
      sessions: { started: s.started - p.started, completed: s.completed - p.completed, failed: s.failed - p.failed },
      errors,
      latency,
      cumulative,
    };
    this.previousSessions = { ...s };
    this.previousErrors = { ...cumulative.errors };
    this.previousEndMs = interval.endMs;
    return interval;
  }
}

function copy(h: Histogram): Histogram {
  const out = newHistogram();
  out.add(h);
  return out;
}

function difference(now: Histogram, before: Histogram | undefined): Histogram {
  const out = copy(now);
  if (before && before.totalCount > 0) out.subtract(before);
  return out;
}
