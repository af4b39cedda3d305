import type { ProgressSample } from '../fleet/run-fleet.js';
import { newHistogram, summarize, type Histogram, type LatencySummary } from '../metrics/histogram.js';
import { IntervalDeltas } from '../metrics/intervals.js';
import { SIMULATOR_LATENCIES, type ErrorKind } from '../metrics/observer.js';
import { MIN_SAMPLES_FOR_P99, simulatorBottleneck, type SimulatorBottleneck } from '../metrics/bottleneck.js';
import { percentileCurve, type PercentilePoint } from './percentile-scale.js';

/**
 * The terminal UI's model: what the screen shows, derived only from the progress stream (ProgressSample once per
 * interval). Cumulative counters and histograms become per-interval rates and percentiles (metrics/intervals.ts);
 * nothing here talks to the engine.
 */

/** Seconds of history kept for the over-time charts. */
export const HISTORY_LENGTH = 600;

/**
 * Intervals (about seconds) the bottleneck banner looks back at most. It judges the latest intervals that together
 * hold enough lateness samples for a p99 (metrics/bottleneck.ts), so one second of a small fleet (a handful of
 * sessions, one caught by a GC pause) cannot raise it, and a fleet that caught up clears it as soon as it has.
 */
export const BOTTLENECK_WINDOW = 10;

/** The order phases of a session happen in; RPCs and the simulator's own lateness follow. */
const PHASES = ['connect', 'tls', 'inform', 'emptyPost', 'session'] as const;

export type LatencyGroup = 'phase' | 'rpc' | 'simulator';

export interface LatencyRow extends LatencySummary {
  name: string;
  group: LatencyGroup;
}

export interface LiveState {
  elapsedS: number;
  paused: boolean;
  cpes: number;
  cpeStates: ProgressSample['cpeStates'];
  inFlight: number;
  sessions: ProgressSample['sessions'];
  /** Sessions completed per second over the last interval (undefined before the second sample). */
  sessionsPerSecond: number | undefined;
  /** Error counts, largest first. */
  errors: [ErrorKind, number][];
  errorSamples: ProgressSample['metrics']['errorSamples'];
  /** Cumulative latency from the due time, phases first, then RPCs, then lateness. */
  latency: LatencyRow[];
  /**
   * The simulator itself could not keep its schedule lately (the rule summary.json warns by, on the lateness of the
   * last `seconds`: see BOTTLENECK_WINDOW): it, not the ACS, limits the load and the latencies partly describe it.
   */
  simulatorBottleneck: (SimulatorBottleneck & { seconds: number }) | undefined;
  /** One row per profile of the fleet (the scenario's `profile` strings), in fleet order. */
  profiles: ProfileRow[];
}

/** A profile's live numbers: rates over the last interval, latency percentiles over the whole run (ms, from due). */
export interface ProfileRow {
  name: string;
  cpes: number;
  sessionsPerSecond: number | undefined;
  inFlight: number;
  sessions: ProgressSample['sessions'];
  errors: number;
  session: { p50: number; p99: number } | undefined;
  inform: { p50: number; p99: number } | undefined;
}

export function latencyGroup(name: string): LatencyGroup {
  return SIMULATOR_LATENCIES.has(name) ? 'simulator' : name.startsWith('rpc.') ? 'rpc' : 'phase';
}

function latencyOrder(a: string, b: string): number {
  const rank = (n: string) => {
    const phase = PHASES.indexOf(n as (typeof PHASES)[number]);
    return phase >= 0 ? phase : latencyGroup(n) === 'rpc' ? PHASES.length : PHASES.length + 1;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

export class LiveView {
  private last: ProgressSample | undefined;
  private state: LiveState | undefined;
  /** Sessions completed per second, one entry per sample. */
  readonly sessionsPerSecond: (number | undefined)[] = [];
  readonly inFlight: number[] = [];
  /** Per latency name: the p99 of the values recorded in each interval (undefined: none recorded). */
  private readonly intervalP99 = new Map<string, (number | undefined)[]>();
  private samples = 0;
  /** Turns the cumulative stream into per-interval counts and histograms (exact HDR subtraction). */
  private readonly deltas = new IntervalDeltas();
  /** Per profile: sessions completed at the previous sample (for its sessions/s; no histogram deltas needed). */
  private readonly profileCompleted = new Map<string, number>();
  /** The lateness of the last BOTTLENECK_WINDOW intervals, oldest first. */
  private readonly recentLateness: { histogram: Histogram | undefined; seconds: number }[] = [];

  /** Folds in the next progress sample; returns the new state. */
  update(sample: ProgressSample): LiveState {
    const interval = this.deltas.next(sample.metrics, sample.elapsedMs);
    const dtS = (interval.endMs - interval.startMs) / 1000;
    // The first sample's interval runs from the start: a rate over it is as real as any other.
    const rate = dtS > 0 ? interval.sessions.completed / dtS : undefined;
    push(this.sessionsPerSecond, rate);
    push(this.inFlight, sample.inFlight);
    const names = [...sample.metrics.latency.keys()].sort(latencyOrder);
    for (const name of names) {
      let series = this.intervalP99.get(name);
      if (!series) {
        // A metric first seen now had no values in the earlier intervals.
        series = new Array<number | undefined>(Math.min(this.samples, HISTORY_LENGTH)).fill(undefined);
        this.intervalP99.set(name, series);
      }
      const h = interval.latency.get(name)!.intended;
      push(series, h.totalCount > 0 ? h.getValueAtPercentile(99) / 1000 : undefined);
    }
    for (const [name, series] of this.intervalP99) if (!sample.metrics.latency.has(name)) push(series, undefined);
    const late = this.bottleneck(interval.latency.get('lateness')?.intended, dtS);
    this.samples++;
    this.last = sample;
    this.state = {
      elapsedS: sample.elapsedMs / 1000,
      paused: sample.paused ?? false,
      cpes: sample.cpes,
      cpeStates: sample.cpeStates,
      inFlight: sample.inFlight,
      sessions: sample.sessions,
      sessionsPerSecond: rate,
      errors: (Object.entries(sample.metrics.errors) as [ErrorKind, number][]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]),
      errorSamples: sample.metrics.errorSamples,
      latency: names.map((name) => ({ name, group: latencyGroup(name), ...summarize(sample.metrics.latency.get(name)!.intended) })),
      simulatorBottleneck: late,
      profiles: this.profileRows(sample.metrics.profiles, dtS),
    };
    return this.state;
  }

  /** The bottleneck rule on the latest intervals that hold MIN_SAMPLES_FOR_P99 lateness samples (or all kept ones). */
  private bottleneck(lateness: Histogram | undefined, seconds: number): LiveState['simulatorBottleneck'] {
    this.recentLateness.push({ histogram: lateness, seconds });
    if (this.recentLateness.length > BOTTLENECK_WINDOW) this.recentLateness.shift();
    const window = newHistogram();
    let span = 0;
    for (let i = this.recentLateness.length - 1; i >= 0 && window.totalCount < MIN_SAMPLES_FOR_P99; i--) {
      const recent = this.recentLateness[i]!;
      if (recent.histogram) window.add(recent.histogram);
      span += recent.seconds;
    }
    const late = simulatorBottleneck(window.totalCount > 0 ? summarize(window) : undefined);
    return late && { ...late, seconds: Math.round(span) };
  }

  private profileRows(profiles: ProgressSample['metrics']['profiles'], dtS: number): ProfileRow[] {
    const rows: ProfileRow[] = [];
    for (const [name, p] of profiles) {
      const before = this.profileCompleted.get(name) ?? 0;
      this.profileCompleted.set(name, p.sessions.completed);
      rows.push({
        name,
        cpes: p.cpes.booting + p.cpes.online + p.cpes.offline,
        sessionsPerSecond: dtS > 0 ? (p.sessions.completed - before) / dtS : undefined,
        inFlight: p.sessionsInFlight,
        sessions: p.sessions,
        errors: Object.values(p.errors).reduce((a, b) => a + (b ?? 0), 0),
        session: p50p99(p.latency.get('session')?.intended),
        inform: p50p99(p.latency.get('inform')?.intended),
      });
    }
    return rows;
  }

  get current(): LiveState | undefined {
    return this.state;
  }

  /** Latency names seen so far, in display order. */
  get latencyNames(): string[] {
    return this.state?.latency.map((r) => r.name) ?? [];
  }

  /** Per-interval p99 of one latency (ms), oldest first. */
  p99OverTime(name: string): readonly (number | undefined)[] {
    return this.intervalP99.get(name) ?? [];
  }

  /** The cumulative distribution of one latency (from the due time), for the percentile plot. */
  percentiles(name: string, points: number): PercentilePoint[] {
    const histogram = this.last?.metrics.latency.get(name)?.intended;
    return histogram ? percentileCurve(histogram, points) : [];
  }
}

function p50p99(h: Histogram | undefined): { p50: number; p99: number } | undefined {
  if (!h || h.totalCount === 0) return undefined;
  return { p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000 };
}

function push<T>(series: T[], value: T): void {
  series.push(value);
  if (series.length > HISTORY_LENGTH) series.shift();
}
