import { thresholdLabel, type Threshold } from '../scenario/threshold.js';
import { emptyCounts, type MergedCounts, type MergedMetrics } from './merge.js';

/** One threshold checked against the metrics: its measured value (base unit) and the verdict. */
export interface ThresholdResult {
  expr: string;
  ok: boolean;
  /** Measured value in the threshold's base unit (ms, fraction or number); undefined when there was nothing to measure. */
  actual: number | undefined;
  /** The limit, in the same unit. */
  limit: number;
  /** Why it failed, in words (also the JUnit failure message). */
  message: string;
}

/** Checks every threshold against merged metrics; `durationMs` is the time the rates are per. */
export function evaluateThresholds(thresholds: readonly Threshold[], metrics: MergedMetrics, durationMs: number): ThresholdResult[] {
  return thresholds.map((t) => evaluateThreshold(t, metrics, durationMs));
}

export function evaluateThreshold(t: Threshold, metrics: MergedMetrics, durationMs: number): ThresholdResult {
  // A profile-scoped threshold reads that profile's part; a profile with no CPEs on any shard has none (no samples).
  const counts = t.profile === undefined ? metrics : (metrics.profiles.get(t.profile) ?? emptyCounts());
  const actual = measure(t, counts, durationMs);
  const expr = thresholdLabel(t);
  if (actual === undefined) {
    // A latency percentile of nothing is not a pass: a CI run in which no session ran must not go green.
    return { expr, ok: false, actual, limit: t.value, message: `${expr}: no samples` };
  }
  const ok = compare(actual, t.comparator, t.value);
  const shown = formatValue(t, actual);
  return { expr, ok, actual, limit: t.value, message: ok ? `${expr}: ${shown}` : `${expr} failed: measured ${shown}` };
}

function measure(t: Threshold, m: MergedCounts, durationMs: number): number | undefined {
  const perSecond = (n: number) => (durationMs > 0 ? n / (durationMs / 1000) : 0);
  switch (t.metric.kind) {
    case 'latency': {
      const h = m.latency.get(t.metric.name)?.intended;
      const count = h?.totalCount ?? 0;
      if (t.aggregation.kind === 'count') return count;
      if (t.aggregation.kind === 'rate') return perSecond(count);
      if (!h || count === 0) return undefined;
      // Histograms hold microseconds; thresholds speak milliseconds.
      if (t.aggregation.kind === 'max') return h.maxValue / 1000;
      if (t.aggregation.kind === 'mean') return h.mean / 1000;
      if (t.aggregation.kind === 'percentile') return h.getValueAtPercentile(t.aggregation.percentile) / 1000;
      return undefined;
    }
    case 'sessions': {
      const n = m.sessions[t.metric.which];
      return t.aggregation.kind === 'rate' ? perSecond(n) : n;
    }
    case 'errors': {
      const kind = t.metric.errorKind;
      const n = kind === undefined ? m.sessions.failed : (m.errors[kind as keyof MergedCounts['errors']] ?? 0);
      if (t.aggregation.kind !== 'rate') return kind === undefined ? Object.values(m.errors).reduce((a, b) => a + (b ?? 0), 0) : n;
      // A ratio over the sessions that ended: in-flight sessions have no verdict yet.
      const ended = m.sessions.completed + m.sessions.failed;
      return ended === 0 ? 0 : n / ended;
    }
  }
}

function compare(actual: number, comparator: Threshold['comparator'], limit: number): boolean {
  switch (comparator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
  }
}

/** The measured value in the unit the expression was written in spirit: ms, %, or a number. */
export function formatValue(t: Threshold, value: number): string {
  const round = (x: number) => String(Math.round(x * 1000) / 1000);
  if (t.metric.kind === 'errors' && t.aggregation.kind === 'rate') return `${round(value * 100)}%`;
  if (t.metric.kind === 'latency' && t.aggregation.kind !== 'count' && t.aggregation.kind !== 'rate') return `${round(value)}ms`;
  if (t.aggregation.kind === 'rate') return `${round(value)}/s`;
  return round(value);
}
