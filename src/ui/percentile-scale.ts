import type { Histogram } from '../metrics/histogram.js';

/**
 * The HdrHistogram percentile-plot scale, shared by the terminal UI and the HTML report: x = log10(1 / (1 - p)),
 * so 0, 90, 99, 99.9 and 99.99 % are evenly spaced and the tail, where an ACS's trouble shows, gets most of the axis.
 */

export interface PercentilePoint {
  percentile: number;
  ms: number;
}

/** Position of a percentile (0..100) on the scale: 0 % → 0, 90 % → 1, 99 % → 2, 99.9 % → 3 … */
export function percentileX(percentile: number): number {
  return Math.log10(1 / Math.max(1e-9, 1 - percentile / 100));
}

/** `points` percentiles spaced evenly on the scale from 0 % to 100 - 10^(2 - nines) % (default 99.99 %). */
export function percentileCurve(histogram: Histogram, points: number, nines = 4): PercentilePoint[] {
  if (histogram.totalCount === 0 || points < 2) return [];
  const out: PercentilePoint[] = [];
  for (let i = 0; i < points; i++) {
    const percentile = 100 * (1 - 10 ** (-(nines * i) / (points - 1)));
    out.push({ percentile, ms: histogram.getValueAtPercentile(percentile) / 1000 });
  }
  return out;
}
