/**
 * HdrHistogram interval logs (format 1.3, as written by jHiccup/HdrHistogram's HistogramLogWriter and read by
 * HistogramLogProcessor, HdrHistogramVisualizer and hdr-histogram-js's HistogramLogReader): one file per latency
 * metric, one line per interval. Values are microseconds; Interval_Max is in milliseconds (ratio 1000). Untagged
 * lines are the latency from the due time, `Tag=fromSend` lines the latency from the send.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import type { IntervalMetrics } from '../metrics/intervals.js';

export const FROM_SEND_TAG = 'fromSend';
/** Interval_Max column: µs → ms, so the column reads like the rest of cpesim's output. */
const MAX_VALUE_UNIT_RATIO = 1000;

export class HistogramLogSet {
  private readonly files = new Map<string, { stream: WriteStream; writer: hdr.HistogramLogWriter }>();

  /** `baseTimeMs`: the run's start (epoch ms); interval timestamps are relative to it, as #[BaseTime] declares. */
  constructor(
    private readonly dir: string,
    private readonly baseTimeMs: number,
  ) {}

  /** Appends the interval's histograms, opening the log of a metric the first time it appears. */
  write(interval: IntervalMetrics): void {
    const start = interval.startMs / 1000;
    const end = interval.endMs / 1000;
    for (const [name, pair] of interval.latency) {
      const { writer } = this.files.get(name) ?? this.open(name);
      writer.outputIntervalHistogram(pair.intended, start, end, MAX_VALUE_UNIT_RATIO);
      pair.actual.tag = FROM_SEND_TAG;
      writer.outputIntervalHistogram(pair.actual, start, end, MAX_VALUE_UNIT_RATIO);
    }
  }

  /** The files written so far, by metric name. */
  paths(): Record<string, string> {
    return Object.fromEntries([...this.files.keys()].map((name) => [name, histogramLogPath(this.dir, name)]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map(({ stream }) => new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())))));
  }

  private open(name: string) {
    const stream = createWriteStream(histogramLogPath(this.dir, name));
    const writer = new hdr.HistogramLogWriter((text) => stream.write(text));
    const base = (this.baseTimeMs / 1000).toFixed(3);
    writer.outputComment(`[Logged with cpesim: latency "${name}" in microseconds]`);
    writer.outputLogFormatVersion();
    // Written by hand: the library's outputStartTime adds a stray blank line, and it has no BaseTime writer.
    writer.outputComment(`[StartTime: ${base} (seconds since epoch), ${new Date(this.baseTimeMs).toISOString()}]`);
    writer.outputComment(`[BaseTime: ${base} (seconds since epoch)]`);
    writer.outputLegend();
    const file = { stream, writer };
    this.files.set(name, file);
    return file;
  }
}

/** `histograms/session.hlog`, `histograms/rpc.GetParameterValues.hlog`. */
export function histogramLogPath(dir: string, metric: string): string {
  return join(dir, `${metric.replace(/[^\w.-]/g, '_')}.hlog`);
}
