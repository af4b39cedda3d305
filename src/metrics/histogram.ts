import * as hdr from 'hdr-histogram-js';

/** Latencies are recorded in microseconds (integer) and reported in milliseconds. */
const US_PER_MS = 1000;

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  // 3 significant digits, auto-resizing: microsecond resolution from 1 µs up to any session length.
  return hdr.build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3 });
}

export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(0, Math.round(ms * US_PER_MS)));
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32);
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

function toMs(us: number): number {
  return Math.round((us / US_PER_MS) * 1000) / 1000;
}

export function summarize(histogram: Histogram): LatencySummary {
  // A percentile is its bucket's highest equivalent value, which can lie above the exact maximum: never report more.
  const max = histogram.maxValue;
  const at = (percentile: number) => toMs(Math.min(histogram.getValueAtPercentile(percentile), max));
  return {
    count: histogram.totalCount,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: toMs(max),
    mean: toMs(histogram.mean),
  };
}
