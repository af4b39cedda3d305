/**
 * timeseries.csv: one row per progress interval (about a second), for spreadsheets and plotting tools. Counts are
 * per interval; latencies (ms, from the due time) are of the sessions/exchanges that ended within the interval;
 * gauges are at the interval's end. The simulator's own lateness and GC pauses come last, beside the ACS's numbers,
 * so a slow second can be told apart: the ACS's, or the simulator's.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Histogram } from '../metrics/histogram.js';
import type { IntervalMetrics } from '../metrics/intervals.js';

export const TIME_SERIES_COLUMNS = [
  'elapsed_s', 'interval_s', 'sessions_started', 'sessions_completed', 'sessions_failed', 'sessions_per_s', 'in_flight',
  'cpes_online', 'cpes_booting', 'cpes_offline', 'errors',
  'session_count', 'session_p50_ms', 'session_p90_ms', 'session_p99_ms', 'session_max_ms', 'inform_p99_ms',
  'cr_to_inform_p99_ms', 'lateness_p99_ms', 'lateness_max_ms', 'gc_pause_max_ms',
] as const;

export class TimeSeriesWriter {
  private readonly stream: WriteStream;

  constructor(file: string) {
    this.stream = createWriteStream(file);
    this.stream.write(TIME_SERIES_COLUMNS.join(',') + '\n');
  }

  write(interval: IntervalMetrics): void {
    const seconds = (interval.endMs - interval.startMs) / 1000;
    const session = interval.latency.get('session')?.intended;
    const inform = interval.latency.get('inform')?.intended;
    const crToInform = interval.latency.get('cr.toInform')?.intended;
    const lateness = interval.latency.get('lateness')?.intended;
    const gcPause = interval.latency.get('gcPause')?.intended;
    const { cpes, sessionsInFlight } = interval.cumulative;
    const row: (number | string)[] = [
      round(interval.endMs / 1000),
      round(seconds),
      interval.sessions.started,
      interval.sessions.completed,
      interval.sessions.failed,
      seconds > 0 ? round(interval.sessions.completed / seconds) : 0,
      sessionsInFlight,
      cpes.online,
      cpes.booting,
      cpes.offline,
      Object.values(interval.errors).reduce((a, b) => a + (b ?? 0), 0),
      session?.totalCount ?? 0,
      ms(session, 50),
      ms(session, 90),
      ms(session, 99),
      ms(session, 100),
      ms(inform, 99),
      ms(crToInform, 99),
      ms(lateness, 99),
      ms(lateness, 100),
      ms(gcPause, 100),
    ];
    this.stream.write(row.join(',') + '\n');
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** Empty cell when nothing was recorded in the interval (0 would read as a real, very fast latency). */
function ms(h: Histogram | undefined, percentile: number): number | string {
  if (!h || h.totalCount === 0) return '';
  return round((percentile === 100 ? h.maxValue : h.getValueAtPercentile(percentile)) / 1000);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
