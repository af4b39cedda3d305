/**
 * Streams a run's interval results to results/<run>/ while it runs: the HdrHistogram interval logs
 * (histograms/<metric>.hlog) and timeseries.csv. Streaming, not buffering: a soak run of days stays flat in memory.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProgressSample } from '../fleet/run-fleet.js';
import { IntervalDeltas, type IntervalMetrics } from '../metrics/intervals.js';
import { HistogramLogSet } from './histogram-log.js';
import { TimeSeriesWriter } from './time-series.js';

export const TIME_SERIES_FILE = 'timeseries.csv';
export const HISTOGRAMS_DIR = 'histograms';

export class RunRecorder {
  private readonly deltas = new IntervalDeltas();
  private readonly timeSeries: TimeSeriesWriter;
  private logs: HistogramLogSet | undefined;

  private constructor(readonly dir: string) {
    this.timeSeries = new TimeSeriesWriter(join(dir, TIME_SERIES_FILE));
  }

  static async open(dir: string): Promise<RunRecorder> {
    await mkdir(join(dir, HISTOGRAMS_DIR), { recursive: true });
    return new RunRecorder(dir);
  }

  /** Records one progress sample as an interval; undefined before the fleet powered on (nothing to record yet). */
  record(sample: ProgressSample): IntervalMetrics | undefined {
    if (sample.startedAtEpochMs === undefined) return undefined;
    const interval = this.deltas.next(sample.metrics, sample.elapsedMs);
    this.logs ??= new HistogramLogSet(join(this.dir, HISTOGRAMS_DIR), sample.startedAtEpochMs);
    this.logs.write(interval);
    this.timeSeries.write(interval);
    return interval;
  }

  /** Result files by role, relative to the results folder (for summary.json). */
  files(): { timeSeries: string; histograms: Record<string, string> } {
    const rel = (p: string) => p.slice(this.dir.length + 1);
    const histograms = Object.fromEntries(Object.entries(this.logs?.paths() ?? {}).map(([k, p]) => [k, rel(p)]));
    return { timeSeries: TIME_SERIES_FILE, histograms };
  }

  async close(): Promise<void> {
    await Promise.all([this.timeSeries.close(), this.logs?.close()]);
  }
}
